public import CRMCore
import Foundation
public import SQLKit

extension ActivityFields: StoredFields {
    public static let recordType = RecordType.activity
    public static let table = "activities"
    public static let columns = [
        "kind", "subject", "notes", "deal_id", "company_id", "contact_id", "due_at", "priority", "is_done", "done_at",
        "direction", "duration_minutes", "outcome", "starts_at", "ends_at", "place", "attendees", "lead_id",
    ]

    public init(row: any SQLRow) throws {
        let timestamp = { (column: String) throws -> Timestamp? in try row.value(column, as: Int64?.self).map(Timestamp.init(rawValue:)) }
        self.init(
            kind: ActivityKind(rawValue: try row.value("kind")) ?? .note,
            subject: try row.value("subject"),
            notes: try row.value("notes"),
            dealID: try row.value("deal_id", as: Int64?.self).map { DealID($0) },
            companyID: try row.value("company_id", as: Int64?.self).map { CompanyID($0) },
            contactID: try row.value("contact_id", as: Int64?.self).map { ContactID($0) },
            leadID: try row.value("lead_id", as: Int64?.self).map { LeadID($0) },
            dueAt: try timestamp("due_at"),
            priority: TaskPriority(rawValue: try row.value("priority")) ?? .normal,
            isDone: try row.value("is_done"),
            doneAt: try timestamp("done_at"),
            direction: try row.value("direction", as: String?.self).flatMap(ActivityDirection.init(rawValue:)),
            durationMinutes: try row.value("duration_minutes"),
            outcome: try row.value("outcome"),
            startsAt: try timestamp("starts_at"),
            endsAt: try timestamp("ends_at"),
            place: try row.value("place"),
            attendees: try row.json("attendees", as: [Int64].self).map { ContactID($0) }
        )
    }

    public func columnValues() throws -> [any Encodable & Sendable] {
        [
            kind.rawValue, subject, notes, dealID?.rawValue, companyID?.rawValue, contactID?.rawValue, dueAt?.rawValue, priority.rawValue,
            isDone, doneAt?.rawValue, direction?.rawValue, durationMinutes, outcome, startsAt?.rawValue, endsAt?.rawValue, place,
            try ColumnJSON.encode(attendees.map(\.rawValue)), leadID?.rawValue,
        ]
    }

    public var sortKey: String { TextFolding.sortKey(subject) }
    public var tags: [String] { [] }

    public var references: [(type: RecordType, table: String, id: Int64)] {
        var result: [(type: RecordType, table: String, id: Int64)] = []
        if let dealID { result.append((.deal, DealFields.table, dealID.rawValue)) }
        if let companyID { result.append((.company, CompanyFields.table, companyID.rawValue)) }
        if let contactID { result.append((.contact, ContactFields.table, contactID.rawValue)) }
        if let leadID { result.append((.lead, LeadFields.table, leadID.rawValue)) }
        result += attendees.map { (.contact, ContactFields.table, $0.rawValue) }
        return result
    }

    public static func filters(_ query: ListQuery) -> [SQLQueryString] {
        var result: [SQLQueryString] = []
        if let deal = query.dealID { result.append("deal_id = \(bind: deal.rawValue)") }
        if let company = query.companyID { result.append("company_id = \(bind: company.rawValue)") }
        if let contact = query.contactID { result.append("contact_id = \(bind: contact.rawValue)") }
        if let lead = query.leadID { result.append("lead_id = \(bind: lead.rawValue)") }
        if let kind = query.activityKind { result.append("kind = \(bind: kind.rawValue)") }
        if let done = query.isDone { result.append("is_done = \(bind: done)") }
        return result
    }

    /// An e-mail from a lead is its answer: scoring's "e-mail answered" follows the mail logged on the lead, whoever
    /// logs it, in the same transaction, so a lead's score never misses one.
    public static func didWrite(_ db: any SQLDatabase, _ context: AccessContext, id: Int64, old: ActivityFields?, new: ActivityFields) async throws {
        guard let lead = new.leadID, new.isAnswer, !(old.map { $0.isAnswer && $0.leadID == lead } ?? false) else { return }
        _ = try await LeadStore.record(db, context, .emailAnswered, lead: lead.rawValue)
    }

    private var isAnswer: Bool { kind == .email && direction == .inbound }
}

/// "My day": what a user must do and attend today.
public struct MyDay: Sendable {
    public let overdue: [Activity]
    public let dueToday: [Activity]
    public let meetings: [Activity]
}

extension RecordStore where Fields == ActivityFields {
    /// The user's open tasks due before the end of `day` (split into overdue and due today) and meetings
    /// starting within it; through the permission layer like every read.
    public func myDay(_ context: AccessContext, user: UserID, day: DayRange) async throws -> MyDay {
        let visible = AccessPredicate.sql(context.visibility)
        let (tasks, meetings) = try await database.read { db in
            let tasks = try await db.raw(
                """
                SELECT * FROM activities WHERE owner_id = \(bind: user.rawValue) AND kind = 'task' AND is_done = \(bind: false)
                AND due_at < \(bind: day.end.rawValue) AND deleted_at IS NULL AND \(visible) ORDER BY due_at, id LIMIT 200
                """
            ).all().map(Self.decode)
            let meetings = try await db.raw(
                """
                SELECT * FROM activities WHERE owner_id = \(bind: user.rawValue) AND kind = 'meeting'
                AND starts_at >= \(bind: day.start.rawValue) AND starts_at < \(bind: day.end.rawValue) AND deleted_at IS NULL AND \(visible)
                ORDER BY starts_at, id LIMIT 200
                """
            ).all().map(Self.decode)
            return (tasks, meetings)
        }
        return MyDay(
            overdue: tasks.filter { ($0.fields.dueAt ?? day.start) < day.start },
            dueToday: tasks.filter { ($0.fields.dueAt ?? day.start) >= day.start },
            meetings: meetings
        )
    }
}
