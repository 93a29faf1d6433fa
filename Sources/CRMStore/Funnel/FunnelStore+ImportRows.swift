public import CRMCore
import Foundation
import SQLKit

/// What an import of a deals file did.
public struct DealImportSummary: Sendable, Equatable {
    public let deals: Int
    public let companiesCreated: Int

    public init(deals: Int, companiesCreated: Int) {
        self.deals = deals
        self.companiesCreated = companiesCreated
    }
}

extension FunnelStore {
    /// Imports checked rows of a deals file into `pipeline`, in one transaction: owners are found by name or
    /// e-mail (folded, so "Łukasz" matches "lukasz"), companies by name (created when missing, owned by the
    /// row's owner), stages and loss reasons by name. Every row that cannot be tied is reported with its line
    /// and nothing is written.
    public func importRows(_ context: AccessContext, _ rows: [DealImportRow], into pipelineID: PipelineID, now: Timestamp = .now) async throws -> DealImportSummary {
        guard case .system = context.actor else { throw StoreError.forbidden("importing history is for system jobs") }
        return try await database.write { db in
            let pipeline = try await PipelineStore.fetch(db, pipelineID)
            let (users, ambiguous) = try await Self.usersByName(db)
            let stages = Dictionary(pipeline.stages.map { (TextFolding.fold($0.name), $0.id) }, uniquingKeysWith: { first, _ in first })
            let reasons = Dictionary(try await PipelineStore.fetchReasons(db, includeInactive: false).map { (TextFolding.fold($0.name), $0.id) }, uniquingKeysWith: { first, _ in first })
            var errors: [ValidationError] = []
            for row in rows {
                var problems: [String] = []
                if ambiguous.contains(TextFolding.fold(row.owner)) {
                    problems.append("more than one user is called '\(row.owner)'; name the owner by e-mail")
                } else if users[TextFolding.fold(row.owner)] == nil {
                    problems.append("no active user is called '\(row.owner)'")
                }
                if case .stage(let name) = row.outcome, stages[TextFolding.fold(name)] == nil {
                    problems.append("\(pipeline.name) has no stage '\(name)' (it has \(pipeline.stages.map(\.name).joined(separator: ", ")))")
                }
                if let reason = row.lossReason, reasons[TextFolding.fold(reason)] == nil { problems.append("there is no active loss reason '\(reason)'") }
                if !problems.isEmpty {
                    errors.append(ValidationError(field: "line \(row.line)", code: "invalid_row", message: problems.joined(separator: "; ")))
                }
            }
            guard errors.isEmpty else { throw StoreError.invalid(ValidationErrors(errors)) }

            let (companies, created) = try await Self.companies(db, context, rows, users: users, now: now)
            let deals = rows.map { row in
                let owner = users[TextFolding.fold(row.owner)]!
                var stage: StageID?
                if case .stage(let name) = row.outcome { stage = stages[TextFolding.fold(name)] }
                return row.history(
                    pipeline: pipeline, stage: stage, owner: owner.id, team: owner.team,
                    company: row.company.flatMap { companies[TextFolding.fold($0)] },
                    lossReason: row.lossReason.flatMap { reasons[TextFolding.fold($0)] }, now: now
                )
            }
            let ids = try await Self.insertImported(db, context, deals)
            return DealImportSummary(deals: ids.count, companiesCreated: created)
        }
    }

    /// Active users by folded name and e-mail, with the team their records go to (the lowest team they are in,
    /// the same rule as creating a record).
    private static func usersByName(_ db: any SQLDatabase) async throws -> (users: [String: (id: UserID, team: TeamID?)], ambiguous: Set<String>) {
        let rows = try await db.raw("""
            SELECT u.id, u.name, u.email, (SELECT MIN(m.team_id) FROM team_members m WHERE m.user_id = u.id) AS team_id
            FROM users u WHERE u.is_active = \(bind: true)
            """).all()
        var users: [String: (id: UserID, team: TeamID?)] = [:]
        var ambiguous = Set<String>()
        for row in rows {
            let user = (id: UserID(try row.value("id", as: Int64.self)), team: try row.decode(column: "team_id", as: Int64?.self).map { TeamID($0) })
            users[TextFolding.fold(try row.value("email", as: String.self))] = user
            let name = TextFolding.fold(try row.value("name", as: String.self))
            if users[name] == nil { users[name] = user } else { ambiguous.insert(name) }
        }
        return (users, ambiguous)
    }

    /// Existing companies by folded name, and the missing ones created, each owned by the first row naming it.
    private static func companies(_ db: any SQLDatabase, _ context: AccessContext, _ rows: [DealImportRow], users: [String: (id: UserID, team: TeamID?)], now: Timestamp) async throws -> ([String: CompanyID], Int) {
        var known: [String: CompanyID] = [:]
        for row in try await db.raw("SELECT id, name FROM companies WHERE deleted_at IS NULL ORDER BY id").all() {
            let name = TextFolding.fold(try row.value("name", as: String.self))
            if known[name] == nil { known[name] = CompanyID(try row.value("id", as: Int64.self)) }
        }
        var missing: [(fields: CompanyFields, owner: UserID, team: TeamID?, at: Timestamp, updatedAt: Timestamp)] = []
        var seen = Set<String>()
        for row in rows {
            guard let name = row.company else { continue }
            let key = TextFolding.fold(name)
            guard known[key] == nil, seen.insert(key).inserted else { continue }
            let owner = users[TextFolding.fold(row.owner)]!
            let fields: CompanyFields
            do throws(ValidationErrors) { fields = try CompanyFields(name: name).validated() } catch {
                throw StoreError.invalid(ValidationErrors(error.errors.map { ValidationError(field: "line \(row.line)", code: $0.code, message: $0.message) }))
            }
            missing.append((fields, owner.id, owner.team, now, now))
        }
        let ids = try await RecordStore<CompanyFields>.insertRows(db, missing)
        var audit = AuditLog.Batch(context)
        for (id, company) in zip(ids, missing) {
            known[TextFolding.fold(company.fields.name)] = CompanyID(id)
            try audit.add(type: .company, id: id, action: .create, changes: FieldChange.diff(old: [:], new: company.fields.auditValues))
            if audit.count >= 400 { try await audit.flush(db) }
        }
        try await audit.flush(db)
        return (known, ids.count)
    }
}
