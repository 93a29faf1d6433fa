import CRMCore
import Foundation
import SQLKit

/// The audit trail: who changed what, when, field by field. Written in the same transaction as the change.
enum AuditLog {
    static func append(
        _ db: any SQLDatabase,
        _ context: AccessContext,
        type: RecordType,
        id: Int64,
        action: AuditAction,
        changes: [FieldChange]
    ) async throws {
        var entry = Batch(context)
        entry.add(type: type, id: id, action: action, changes: changes)
        try await entry.flush(db)
    }

    /// The create entries of new records `ids[range]`, the values of each (`values` of its index) as its
    /// changes, encoded on every core: a bulk path's audit costs about what writing it does.
    static func creations(
        _ db: any SQLDatabase,
        _ context: AccessContext,
        type: RecordType,
        ids: [Int64],
        _ range: Range<Int>,
        values: @escaping @Sendable (Int) -> [String: String]
    ) async throws -> BulkRows {
        let (actor, reason) = Self.actor(context)
        let at = Timestamp.now.rawValue
        return try await BulkRows.encoding(db, table: "audit_log", columns: Batch.columns, range) { index in
            [[type.rawValue, ids[index], AuditAction.create.rawValue, actor, reason, at, JSONText.created(values(index))]]
        }
    }

    /// Who an entry names: the user acting, or why the system did.
    private static func actor(_ context: AccessContext) -> (id: Int64?, reason: String?) {
        guard case .system(let why) = context.actor else { return (context.userID?.rawValue, nil) }
        return (context.userID?.rawValue, why)
    }

    /// Entries collected for one INSERT: one for a live change, many for an import.
    struct Batch {
        static let columns = ["record_type", "record_id", "action", "actor_id", "system_reason", "at", "changes"]
        private let actor: Int64?
        private let reason: String?
        private var rows: [[any Encodable & Sendable]] = []

        init(_ context: AccessContext) { (actor, reason) = AuditLog.actor(context) }

        mutating func add(type: RecordType, id: Int64, action: AuditAction, changes: [FieldChange]) {
            rows.append([type.rawValue, id, action.rawValue, actor, reason, Timestamp.now.rawValue, JSONText.changes(changes)])
        }

        mutating func flush(_ db: any SQLDatabase) async throws {
            var entries = BulkRows(db, table: "audit_log", columns: Self.columns)
            for row in rows {
                try entries.append(row)
                try await entries.flushIfFull(db)
            }
            try await entries.flush(db)
            rows.removeAll(keepingCapacity: true)
        }
    }

    /// The newest `limit` entries of the records `ids` (one record and those merged into it) older than `before`.
    static func page(_ db: any SQLDatabase, type: RecordType, ids: [Int64], limit: Int, before: Int64?) async throws -> HistoryPage {
        let older: SQLQueryString = before.map { " AND id < \(bind: $0)" } ?? ""
        let rows = try await db.raw(
            """
            SELECT * FROM audit_log WHERE record_type = \(bind: type.rawValue) AND record_id IN (\(binds: ids))\(older)
            ORDER BY id DESC LIMIT \(literal: limit + 1)
            """
        ).all()
        let entries = try rows.prefix(limit).map { row in
            AuditEntry(
                id: try row.value("id"),
                recordType: type,
                recordID: try row.value("record_id"),
                action: AuditAction(rawValue: try row.value("action")) ?? .update,
                actorID: try row.value("actor_id", as: Int64?.self).map { UserID($0) },
                systemReason: try row.value("system_reason"),
                at: Timestamp(rawValue: try row.value("at")),
                changes: try row.json("changes")
            )
        }
        return HistoryPage(entries: entries, next: rows.count > limit ? entries.last?.id : nil)
    }
}
