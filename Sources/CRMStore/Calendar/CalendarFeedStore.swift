public import CRMCore
import Foundation
import SQLKit

/// Each user's secret calendar feed, which their phone or desktop calendar subscribes to: the meetings and calls
/// they own, with their times, and their tasks with due times. The secret is shown once; its digest is kept.
public struct CalendarFeedStore: Sendable {
    let database: Database
    static let prefix = "cal_"

    init(database: Database) { self.database = database }

    /// When the context's feed was made, or nil when they have none.
    public func created(_ context: AccessContext) async throws -> Timestamp? {
        guard let user = context.userID else { return nil }
        return try await database.read { db in
            try await db.raw("SELECT created_at FROM calendar_feeds WHERE user_id = \(bind: user.rawValue)").first()?
                .value("created_at", as: Int64.self)
        }.map(Timestamp.init(rawValue:))
    }

    /// A new secret for the context's feed; the old link, if any, stops working.
    public func create(_ context: AccessContext) async throws -> String {
        guard let user = context.userID else { throw StoreError.forbidden("only people have calendars") }
        let secret = Self.prefix + Secrets.randomToken()
        try await database.write { db in
            try await db.raw("DELETE FROM calendar_feeds WHERE user_id = \(bind: user.rawValue)").run()
            try await db.raw(
                """
                INSERT INTO calendar_feeds (user_id, secret_digest, created_at)
                VALUES (\(bind: user.rawValue), \(bind: Secrets.digest(secret)), \(bind: Timestamp.now.rawValue))
                """
            ).run()
        }
        return secret
    }

    public func revoke(_ context: AccessContext) async throws {
        guard let user = context.userID else { return }
        try await database.write { db in try await db.raw("DELETE FROM calendar_feeds WHERE user_id = \(bind: user.rawValue)").run() }
    }

    /// The active user a feed secret belongs to.
    public func resolve(secret: String) async throws -> User? {
        guard secret.hasPrefix(Self.prefix), secret.count < 200 else { return nil }
        let digest = Secrets.digest(secret)
        return try await database.read { db in
            try await db.raw(
                """
                SELECT u.* FROM calendar_feeds f JOIN users u ON u.id = f.user_id
                WHERE f.secret_digest = \(bind: digest) AND u.is_active = \(bind: true)
                """
            ).first().map(UserStore.decode)
        }
    }

    /// The user's activities with a time in `window` (a start or a due time), and those removed within it, so a
    /// subscribed calendar learns of cancellations.
    public func items(of user: UserID, in window: ClosedRange<Timestamp>) async throws -> [Record<ActivityFields>] {
        let (from, to) = (window.lowerBound.rawValue, window.upperBound.rawValue)
        return try await database.read { db in
            try await db.raw(
                """
                SELECT * FROM activities WHERE owner_id = \(bind: user.rawValue)
                AND ((starts_at BETWEEN \(bind: from) AND \(bind: to)) OR (starts_at IS NULL AND due_at BETWEEN \(bind: from) AND \(bind: to)))
                AND (deleted_at IS NULL OR deleted_at >= \(bind: from))
                ORDER BY COALESCE(starts_at, due_at), id LIMIT 20000
                """
            ).all().map(RecordStore<ActivityFields>.decode)
        }
    }
}
