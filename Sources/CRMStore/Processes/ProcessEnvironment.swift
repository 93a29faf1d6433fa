import CRMCore
import Foundation
import SQLKit

/// What a definition's expressions read besides its variables, decided once from the file so that a process
/// that reads neither pays no query for them.
struct ProcessEnvironment: Sendable {
    let readsRecord: Bool
    let readsTeams: Bool

    init(bpmn: String) {
        readsRecord = bpmn.contains("record.")
        readsTeams = bpmn.contains("team_members") || bpmn.contains("teams.")
    }

    /// The values of one step, read in the step's own transaction so they are as current as its writes.
    func values(_ db: any SQLDatabase, record: (type: RecordType, id: Int64)?) async throws -> [String: ProcessValue] {
        var values: [String: ProcessValue] = [:]
        if readsRecord, let record { values["record"] = try await Self.record(db, record) }
        if readsTeams { values["teams"] = try await Self.teams(db) }
        return values
    }

    static func record(_ db: any SQLDatabase, _ record: (type: RecordType, id: Int64)) async throws -> ProcessValue {
        let context = ProcessActions.system
        func owner(_ meta: RecordMeta) async throws -> String { try await UserStore.fetch(db, meta.ownerID).email.description }
        switch record.type {
        case .deal:
            let deal = try await RecordStore<DealFields>.fetch(db, context, record.id, includeDeleted: true, lock: false)
            let pipeline = try? await PipelineStore.fetch(db, deal.fields.pipelineID)
            return RecordVariables.deal(deal, pipeline: pipeline, owner: try await owner(deal.meta))
        case .company:
            let company = try await RecordStore<CompanyFields>.fetch(db, context, record.id, includeDeleted: true, lock: false)
            return RecordVariables.company(company, owner: try await owner(company.meta))
        case .contact:
            let contact = try await RecordStore<ContactFields>.fetch(db, context, record.id, includeDeleted: true, lock: false)
            return RecordVariables.contact(contact, owner: try await owner(contact.meta))
        case .lead:
            let lead = try await RecordStore<LeadFields>.fetch(db, context, record.id, includeDeleted: true, lock: false)
            return RecordVariables.lead(lead, owner: try await owner(lead.meta))
        default:
            return .null
        }
    }

    /// Every team's active members by e-mail, the people a loop over a team gives a task each.
    static func teams(_ db: any SQLDatabase) async throws -> ProcessValue {
        var directory: [String: [ProcessValue]] = [:]
        for team in try await db.raw("SELECT name FROM teams").all() { directory[try team.decode(column: "name", as: String.self)] = [] }
        let rows = try await db.raw(
            """
            SELECT t.name, u.email FROM teams t JOIN team_members m ON m.team_id = t.id JOIN users u ON u.id = m.user_id
            WHERE u.is_active = \(bind: true) ORDER BY t.name, u.email
            """
        ).all()
        for row in rows {
            directory[try row.decode(column: "name", as: String.self), default: []].append(.string(try row.decode(column: "email", as: String.self)))
        }
        return .object(directory.mapValues(ProcessValue.list))
    }
}
