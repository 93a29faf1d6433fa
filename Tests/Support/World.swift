public import CRMCore
public import CRMStore

/// A small named company to test permissions against (Odoo-style): an admin, and two teams.
///
/// - North (shares records): manager Maria, reps Rafał and Roza.
/// - South (does not share): manager Mikhail, rep Sergei.
public struct World: Sendable {
    public let store: Store
    public let admin: User, maria: User, rafal: User, roza: User, mikhail: User, sergei: User
    public let north: Team, south: Team

    public static let system = AccessContext.system(reason: "test fixtures")

    public static func make(_ store: Store) async throws -> World {
        func user(_ email: String, _ name: String, _ role: Role) async throws -> User {
            try await store.users.create(system, .init(email: email, name: name, role: role, password: "correct horse battery"))
        }
        let admin = try await user("admin@example.com", "Ada Admin", .admin)
        let maria = try await user("maria@example.com", "Maria Kowalska", .salesManager)
        let rafal = try await user("rafal@example.com", "Rafał Wiśniewski", .salesRep)
        let roza = try await user("roza@example.com", "Róża Nowak", .salesRep)
        let mikhail = try await user("mikhail@example.com", "Михаил Петров", .salesManager)
        let sergei = try await user("sergei@example.com", "Сергей Иванов", .salesRep)
        var north = try await store.teams.create(system, name: "North", managerID: maria.id, sharesRecords: true)
        north = try await store.teams.setMembers(system, north.id, [rafal.id, roza.id])
        var south = try await store.teams.create(system, name: "South", managerID: mikhail.id, sharesRecords: false)
        south = try await store.teams.setMembers(system, south.id, [sergei.id])
        return World(store: store, admin: admin, maria: maria, rafal: rafal, roza: roza, mikhail: mikhail, sergei: sergei, north: north, south: south)
    }

    public func context(_ user: User) async throws -> AccessContext {
        try await store.users.accessContext(for: user)
    }

    @discardableResult
    public func company(_ name: String, by user: User, tags: [String] = []) async throws -> Company {
        try await store.companies.create(try await context(user), CompanyFields(name: name, tags: tags)).record
    }

    /// A pipeline "Sales" in PLN with five stages (the last requires an amount) and two loss reasons.
    public func salesPipeline() async throws -> (Pipeline, [LossReason]) {
        let pipeline = try await store.pipelines.create(
            World.system,
            name: "Sales",
            currency: try Currency(code: "PLN"),
            stages: [
                .init(name: "First contact", translations: ["pl": "Pierwszy kontakt", "ru": "Первый контакт"], probability: 10, rottingDays: 7),
                .init(name: "Presentation", probability: 25),
                .init(name: "Needs analysis", probability: 40),
                .init(name: "Proposal", probability: 60, forecastCategory: .bestCase, requiredFields: ["amount"]),
                .init(name: "Contract", probability: 90, forecastCategory: .commit),
            ]
        )
        let price = try await store.pipelines.createLossReason(World.system, name: "Price")
        let competitor = try await store.pipelines.createLossReason(World.system, name: "Chose a competitor")
        return (pipeline, [price, competitor])
    }

    @discardableResult
    public func deal(_ title: String, by user: User, in pipeline: Pipeline, stage: Int = 0, amount: String = "1000.00") async throws -> Deal {
        let fields = DealFields(
            title: title,
            pipelineID: pipeline.id,
            stageID: pipeline.stages[stage].id,
            amount: try Money(decimal: amount, currency: pipeline.currency)
        )
        return try await store.deals.create(try await context(user), fields).record
    }
}
