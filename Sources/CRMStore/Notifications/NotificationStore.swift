public import CRMCore
import Foundation
import SQLKit

/// The bell: what each user should know about. Written inside the transaction of what caused it (a comment, an
/// assignment), so a notification exists exactly when its cause does; read only by its user, and only while they
/// may still see its record.
public struct NotificationStore: Sendable {
    let database: Database

    init(database: Database) { self.database = database }

    // MARK: Reading

    /// The context's own notifications, newest first; `before` is the last id of the previous page.
    public func list(_ context: AccessContext, unreadOnly: Bool = false, limit: Int = 50, before: Int64? = nil) async throws -> [UserNotification] {
        guard let user = context.userID else { return [] }
        var conditions: [SQLQueryString] = ["n.user_id = \(bind: user.rawValue)", RecordAccess.visible(context, alias: "n")]
        if unreadOnly { conditions.append("n.read_at IS NULL") }
        if let before { conditions.append("n.id < \(bind: before)") }
        let sql: SQLQueryString =
            "SELECT n.* FROM notifications n WHERE \(conditions.joined(separator: " AND ")) ORDER BY n.id DESC LIMIT \(literal: max(1, min(limit, 200)))"
        return try await database.read { db in try await db.raw(sql).all().map(Self.decode) }
    }

    /// Those newer than `id`, oldest first: what a live page has not shown yet.
    public func after(_ context: AccessContext, _ id: Int64, limit: Int = 20) async throws -> [UserNotification] {
        guard let user = context.userID else { return [] }
        return try await database.read { db in
            try await db.raw(
                """
                SELECT n.* FROM notifications n WHERE n.user_id = \(bind: user.rawValue) AND n.id > \(bind: id)
                AND \(RecordAccess.visible(context, alias: "n")) ORDER BY n.id LIMIT \(literal: limit)
                """
            ).all().map(Self.decode)
        }
    }

    public func unreadCount(_ context: AccessContext) async throws -> Int {
        guard let user = context.userID else { return 0 }
        return try await database.read { db in
            try await db.raw(
                """
                SELECT COUNT(*) AS n FROM notifications n WHERE n.user_id = \(bind: user.rawValue) AND n.read_at IS NULL
                AND \(RecordAccess.visible(context, alias: "n"))
                """
            ).first()?.value("n", as: Int.self) ?? 0
        }
    }

    /// Marks the context's own notifications read: those listed, or all when `ids` is nil.
    @discardableResult
    public func markRead(_ context: AccessContext, _ ids: [Int64]? = nil) async throws -> Int {
        guard let user = context.userID else { return 0 }
        if let ids, ids.isEmpty { return 0 }
        let only: SQLQueryString = ids.map { " AND id IN (\(binds: $0))" } ?? ""
        return try await database.write { db in
            try await db.raw(
                """
                UPDATE notifications SET read_at = \(bind: Timestamp.now.rawValue)
                WHERE user_id = \(bind: user.rawValue) AND read_at IS NULL\(only) RETURNING id
                """
            ).all().count
        }
    }

    // MARK: Writing, inside the cause's transaction

    /// Notifies each of `users` who is active, is not the one acting and may see the record.
    static func notify(
        _ db: any SQLDatabase,
        _ users: Set<UserID>,
        kind: UserNotification.Kind,
        type: RecordType,
        id: Int64,
        by actor: AccessContext,
        excerpt: String = "",
        comment: Int64? = nil
    ) async throws -> Set<UserID> {
        let recipients = users.subtracting(actor.userID.map { [$0] } ?? []).map(\.rawValue).sorted()
        guard !recipients.isEmpty else { return [] }
        var told = Set<UserID>()
        let rows = try await db.raw("SELECT id, role FROM users WHERE id IN (\(binds: recipients)) AND is_active = \(bind: true)").all()
        let now = Timestamp.now.rawValue
        for row in rows {
            let user = UserID(try row.value("id", as: Int64.self))
            let role = Role(rawValue: try row.value("role", as: String.self)) ?? .salesRep
            let context = try await UserStore.accessContext(db, user: user, role: role)
            guard (try? await RecordAccess.require(db, context, type, id, includeDeleted: false)) != nil else { continue }
            try await db.raw(
                """
                INSERT INTO notifications (user_id, kind, record_type, record_id, actor_id, comment_id, excerpt, created_at)
                VALUES (\(bind: user.rawValue), \(bind: kind.rawValue), \(bind: type.rawValue), \(bind: id), \(bind: actor.userID?.rawValue),
                    \(bind: comment), \(bind: excerpt), \(bind: now))
                """
            ).run()
            told.insert(user)
        }
        return told
    }

    /// A record created for, or handed to, someone other than the one acting: a task for the owner of an activity,
    /// an assignment for any other record.
    static func assigned(_ db: any SQLDatabase, _ context: AccessContext, type: RecordType, id: Int64, to owner: UserID) async throws {
        guard RecordAccess.table(of: type) != nil, context.userID != owner else { return }
        _ = try await notify(db, [owner], kind: type == .activity ? .task : .assignment, type: type, id: id, by: context)
    }

    static func decode(_ row: any SQLRow) throws -> UserNotification {
        UserNotification(
            id: try row.value("id"),
            userID: UserID(try row.value("user_id", as: Int64.self)),
            kind: UserNotification.Kind(rawValue: try row.value("kind")) ?? .mention,
            recordType: RecordType(rawValue: try row.value("record_type")) ?? .company,
            recordID: try row.value("record_id"),
            actorID: try row.value("actor_id", as: Int64?.self).map { UserID($0) },
            excerpt: try row.value("excerpt"),
            createdAt: Timestamp(rawValue: try row.value("created_at")),
            readAt: try row.value("read_at", as: Int64?.self).map { Timestamp(rawValue: $0) }
        )
    }
}
