public import CRMCore
import Foundation
import SQLKit

/// Server-side sign-in sessions, kept in the database so every node behind a load balancer sees them.
public struct SessionStore: Sendable {
    let database: Database
    /// A session ends after this long without use.
    public static let idleLifetime: Int64 = 7 * 24 * 3600
    /// `last_seen_at` is written at most this often, so reading pages does not turn into a write per request.
    static let touchInterval: Int64 = 60

    public struct Session: Sendable {
        public let token: String
        public let user: User
        public let csrfToken: String
    }

    /// Starts a session and returns its secret token, which only the browser's cookie ever holds.
    public func create(for user: User, address: String, userAgent: String) async throws -> Session {
        let token = Secrets.randomToken()
        let csrf = Secrets.randomToken()
        let now = Timestamp.now
        try await database.write { db in
            try await db.raw("DELETE FROM sessions WHERE expires_at < \(bind: now.rawValue)").run()
            try await db.raw(
                """
                INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, last_seen_at, expires_at, address, user_agent)
                VALUES (\(bind: Secrets.digest(token)), \(bind: user.id.rawValue), \(bind: csrf), \(bind: now.rawValue), \(bind: now.rawValue),
                        \(bind: now.adding(seconds: Self.idleLifetime).rawValue), \(bind: String(address.prefix(100))), \(bind: String(userAgent.prefix(300))))
                """
            ).run()
        }
        return Session(token: token, user: user, csrfToken: csrf)
    }

    /// The live session for a cookie token, extending its lifetime; nil when unknown, expired or the user is disabled.
    public func resolve(token: String) async throws -> Session? {
        let hash = Secrets.digest(token)
        let now = Timestamp.now
        let found: (User, String, Int64)? = try await database.read { db in
            guard
                let row = try await db.raw(
                    """
                    SELECT s.csrf_token, s.last_seen_at, u.* FROM sessions s JOIN users u ON u.id = s.user_id
                    WHERE s.token_hash = \(bind: hash) AND s.expires_at > \(bind: now.rawValue)
                    """
                ).first()
            else { return nil }
            return (try UserStore.decode(row), try row.value("csrf_token"), try row.value("last_seen_at"))
        }
        guard let (user, csrf, lastSeen) = found, user.isActive else { return nil }
        if now.rawValue - lastSeen > Self.touchInterval * 1000 {
            try await database.write { db in
                try await db.raw(
                    """
                    UPDATE sessions SET last_seen_at = \(bind: now.rawValue), expires_at = \(bind: now.adding(seconds: Self.idleLifetime).rawValue)
                    WHERE token_hash = \(bind: hash)
                    """
                ).run()
            }
        }
        return Session(token: token, user: user, csrfToken: csrf)
    }

    public func delete(token: String) async throws {
        try await database.write { db in
            try await db.raw("DELETE FROM sessions WHERE token_hash = \(bind: Secrets.digest(token))").run()
        }
    }
}
