import CRMCore
import Testing

/// Every role against every capability, in one table: a change to what a role may do shows up here first.
@Suite("Capabilities of the roles")
struct CapabilityTests {
    /// Capability → the roles that have it (a admin, m sales manager, r sales rep, s service agent).
    static let table: [Capability: String] = [
        .manageUsers: "a", .manageSettings: "a", .manageFunnel: "a", .manageFields: "a", .manageLeadRules: "a",
        .manageProcesses: "a", .superviseImports: "a", .superviseSegments: "a", .planCompany: "a",
        .runCampaigns: "am", .planTeams: "am",
        .seeReports: "amr", .sell: "amr",
        .export: "amrs",
    ]
    static let letters: [Role: Character] = [.admin: "a", .salesManager: "m", .salesRep: "r", .serviceAgent: "s"]

    @Test("each role has exactly the capabilities of the table", arguments: Role.allCases)
    func roleTable(role: Role) {
        #expect(Set(Self.table.keys) == Set(Capability.allCases), "every capability is in the table")
        for capability in Capability.allCases {
            let expected = Self.table[capability]?.contains(Self.letters[role]!) == true
            let context = AccessContext(user: UserID(7), role: role, memberTeams: [], sharingTeams: [], headedTeams: [])
            #expect(context.may(capability) == expected, "\(role) \(expected ? "should" : "should not") \(capability)")
            #expect(role.capabilities.contains(capability) == expected)
        }
    }

    @Test("work no user asked for may do everything; every refusal says what was refused")
    func systemAndRefusals() {
        let system = AccessContext.system(reason: "test")
        for capability in Capability.allCases {
            #expect(system.may(capability))
            #expect(!capability.refusal.isEmpty && capability.refusal == capability.refusal.lowercased().prefix(1) + capability.refusal.dropFirst())
        }
    }
}
