import CRMCore
import SQLKit

/// Which process instances a context may see, as a WHERE fragment over `process_instances`: the permission layer
/// for processes, as `AccessPredicate` is for records, and the only place the rule becomes SQL.
///
/// An instance bound to a record is seen by those who may see the record; an unbound one by whoever started it.
/// Either way, whoever has an open task in it sees it too (the task is theirs to do), and admins see all. An
/// instance's variables copy its record's data, so a manager of one team must not read another team's through it.
struct ProcessVisibility {
    let sql: SQLQueryString

    /// The record tables instances bind to, by the `record_type` they store.
    static let boundTables: [(type: RecordType, table: String)] = [
        (.deal, DealFields.table), (.company, CompanyFields.table), (.contact, ContactFields.table), (.lead, LeadFields.table),
    ]

    /// - Parameter instance: the alias of `process_instances` in the statement.
    static func load(_ db: any SQLDatabase, _ context: AccessContext, instance: String = "i") async throws -> ProcessVisibility {
        guard case .restricted(let user, _) = context.visibility else { return ProcessVisibility(sql: "1 = 1") }
        let alias: SQLQueryString = "\(unsafeRaw: instance)"
        var reachable = [record(context, type: "\(instance).record_type", id: "\(instance).record_id")]
        reachable.append("(\(alias).record_type IS NULL AND \(alias).started_by = \(bind: user.rawValue))")
        reachable.append(try await withTasks(db, context, alias: alias))
        return ProcessVisibility(sql: "(\(reachable.joined(separator: " OR ")))")
    }

    /// Instances with an open task the caller may do: assigned to them (by id or e-mail), or unassigned and offered
    /// to a group they are in. Groups are matched by the task rules in Swift (`TaskAudience`), over the few distinct
    /// offers written in the models, so the SQL needs no case folding of team names.
    private static func withTasks(_ db: any SQLDatabase, _ context: AccessContext, alias: SQLQueryString) async throws -> SQLQueryString {
        let audience = try await TaskAudience.load(db, context)
        let offers = try await db.raw("SELECT DISTINCT candidate_groups FROM process_tasks WHERE assignee IS NULL OR assignee = ''").all()
            .map { try $0.decode(column: "candidate_groups", as: String.self) }
            .filter { audience.refusal(assignee: nil, groups: $0) == nil }
        let assigned: SQLQueryString = "t.assignee = \(bind: audience.userID ?? "") OR LOWER(t.assignee) = \(bind: audience.email ?? "")"
        let offered: SQLQueryString =
            offers.isEmpty ? "" : " OR ((t.assignee IS NULL OR t.assignee = '') AND t.candidate_groups IN (\(binds: offers)))"
        return "EXISTS (SELECT 1 FROM process_tasks t WHERE t.instance_id = \(alias).id AND (\(assigned)\(offered)))"
    }

    /// Whether the record a start request or instance is bound to is visible: for counts over a campaign's records.
    static func record(_ context: AccessContext, type: String, id: String) -> SQLQueryString {
        guard case .restricted = context.visibility else { return "1 = 1" }
        let clauses: [SQLQueryString] = boundTables.map { bound in
            """
            (\(unsafeRaw: type) = \(bind: bound.type.rawValue) AND EXISTS (SELECT 1 FROM \(ident: bound.table) r
                WHERE r.id = \(unsafeRaw: id) AND \(AccessPredicate.sql(context.visibility, table: "r"))))
            """
        }
        return "(\(clauses.joined(separator: " OR ")))"
    }
}
