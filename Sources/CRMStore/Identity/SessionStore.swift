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
        /// Signed in with the password; the code from the authenticator app is still to come.
        public var secondFactorDue = false
        /// The user's role requires two-factor sign-in and they have not set it up yet.
        public var mustEnroll = false
    }

    /// A session as its owner sees it in their list.
    public struct Listed: Sendable, Equatable {
        /// The digest of its token: names it without revealing it.
        public let id: String
        public let createdAt: Timestamp
        public let lastSeenAt: Timestamp
        public let address: String
        public let userAgent: String
    }

    /// Starts a session and returns its secret token, which only the browser's cookie ever holds.
    public func create(for user: User, address: String, userAgent: String, secondFactorDue: Bool = false) async throws -> Session {
        let token = Secrets.randomToken()
        let csrf = Secrets.randomToken()
        let now = Timestamp.now
        try await database.write { db in
            try await db.raw("DELETE FROM sessions WHERE expires_at < \(bind: now.rawValue)").run()
            try await db.raw(
                """
                INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, last_seen_at, expires_at, address, user_agent, second_factor_due)
                VALUES (\(bind: Secrets.digest(token)), \(bind: user.id.rawValue), \(bind: csrf), \(bind: now.rawValue), \(bind: now.rawValue),
                        \(bind: now.adding(seconds: Self.idleLifetime).rawValue), \(bind: String(address.prefix(100))), \(bind: String(userAgent.prefix(300))),
                        \(bind: secondFactorDue))
                """
            ).run()
        }
        return Session(token: token, user: user, csrfToken: csrf, secondFactorDue: secondFactorDue)
    }

    /// The live session for a cookie token, extending its lifetime; nil when unknown, expired or the user is disabled.
    public func resolve(token: String) async throws -> Session? {
        let hash = Secrets.digest(token)
        let now = Timestamp.now
        let found: (Session, Int64)? = try await database.read { db in
            guard
                let row = try await db.raw(
                    """
                    SELECT s.csrf_token, s.last_seen_at, s.second_factor_due,
                           (SELECT COUNT(*) FROM two_factor_roles r WHERE r.role = u.role) AS two_factor_required, u.*
                    FROM sessions s JOIN users u ON u.id = s.user_id
                    WHERE s.token_hash = \(bind: hash) AND s.expires_at > \(bind: now.rawValue)
                    """
                ).first()
            else { return nil }
            let session = Session(
                token: token,
                user: try UserStore.decode(row),
                csrfToken: try row.value("csrf_token"),
                secondFactorDue: try row.value("second_factor_due"),
                mustEnroll: try row.value("two_factor_required", as: Int.self) > 0 && row.value("totp_enabled_at", as: Int64?.self) == nil
            )
            return (session, try row.value("last_seen_at"))
        }
        guard let (session, lastSeen) = found, session.user.isActive else { return nil }
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
        return session
    }

    /// The code came: the session is a full one now.
    public func completeSecondFactor(token: String) async throws {
        try await database.write { db in
            try await db.raw("UPDATE sessions SET second_factor_due = \(bind: false) WHERE token_hash = \(bind: Secrets.digest(token))").run()
        }
    }

    /// The user's live sessions, most recently used first.
    public func list(_ user: UserID) async throws -> [Listed] {
        try await database.read { db in
            try await db.raw(
                """
                SELECT token_hash, created_at, last_seen_at, address, user_agent FROM sessions
                WHERE user_id = \(bind: user.rawValue) AND expires_at > \(bind: Timestamp.now.rawValue) AND second_factor_due = \(bind: false)
                ORDER BY last_seen_at DESC
                """
            ).all().map {
                Listed(
                    id: try $0.value("token_hash"),
                    createdAt: Timestamp(rawValue: try $0.value("created_at")),
                    lastSeenAt: Timestamp(rawValue: try $0.value("last_seen_at")),
                    address: try $0.value("address"),
                    userAgent: try $0.value("user_agent")
                )
            }
        }
    }

    /// Ends one of the user's sessions (signed out wherever it is), or all but `keeping` when `id` is nil.
    public func end(_ user: UserID, id: String?, keeping token: String? = nil) async throws {
        try await database.write { db in
            if let id {
                try await db.raw("DELETE FROM sessions WHERE user_id = \(bind: user.rawValue) AND token_hash = \(bind: id)").run()
            } else {
                try await db.raw(
                    "DELETE FROM sessions WHERE user_id = \(bind: user.rawValue) AND token_hash <> \(bind: token.map(Secrets.digest) ?? "")"
                ).run()
            }
        }
    }

    public func delete(token: String) async throws {
        try await database.write { db in
            try await db.raw("DELETE FROM sessions WHERE token_hash = \(bind: Secrets.digest(token))").run()
        }
    }
}
