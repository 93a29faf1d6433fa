public import CRMCore
import Foundation
import SQLKit

/// Personal API tokens, sent as `Authorization: Bearer …`. Only a digest is stored; the token is shown once.
public struct TokenStore: Sendable {
    let database: Database
    static let prefix = "clt_"

    public struct Token: Sendable, Codable, Equatable {
        public let id: Int64
        public let userID: UserID
        public let name: String
        /// The first characters, so a user can tell tokens apart without the secret.
        public let prefix: String
        public let createdAt: Timestamp
        public let lastUsedAt: Timestamp?
        public let revokedAt: Timestamp?
    }

    /// Creates a token for `user` and returns it with its secret, which is not stored and cannot be shown again.
    public func create(_ context: AccessContext, user: UserID, name: String) async throws -> (token: Token, secret: String) {
        if context.userID != user { try context.require(.manageUsers) }
        let name = name.trimmingCharacters(in: .whitespaces)
        guard !name.isEmpty, name.count <= 100 else {
            throw StoreError.invalid(
                ValidationErrors([ValidationError(field: "name", code: "required", message: "a token needs a name of at most 100 characters")])
            )
        }
        let secret = Self.prefix + Secrets.randomToken()
        let id = try await database.write { db in
            let owner = try await UserStore.fetch(db, user)
            guard owner.isActive else { throw StoreError.forbidden("the user is disabled") }
            let row = try await db.raw(
                """
                INSERT INTO api_tokens (user_id, name, token_hash, prefix, created_at)
                VALUES (\(bind: user.rawValue), \(bind: name), \(bind: Secrets.digest(secret)), \(bind: String(secret.prefix(10))), \(bind: Timestamp.now.rawValue))
                RETURNING id
                """
            ).first()
            return try row!.value("id", as: Int64.self)
        }
        let token = try await list(context, user: user).first { $0.id == id }!
        return (token, secret)
    }

    public func list(_ context: AccessContext, user: UserID) async throws -> [Token] {
        if context.userID != user { try context.require(.manageUsers) }
        return try await database.read { db in
            try await db.raw("SELECT * FROM api_tokens WHERE user_id = \(bind: user.rawValue) ORDER BY id DESC").all().map(Self.decode)
        }
    }

    public func revoke(_ context: AccessContext, id: Int64) async throws {
        try await database.write { db in
            guard let row = try await db.raw("SELECT * FROM api_tokens WHERE id = \(bind: id)").first() else { throw StoreError.notFound(nil) }
            let token = try Self.decode(row)
            guard context.userID == token.userID || context.may(.manageUsers) else { throw StoreError.notFound(nil) }
            try await db.raw("UPDATE api_tokens SET revoked_at = \(bind: Timestamp.now.rawValue) WHERE id = \(bind: id) AND revoked_at IS NULL").run()
        }
    }

    /// The active user a bearer token belongs to, or nil.
    public func authenticate(secret: String) async throws -> User? {
        guard secret.hasPrefix(Self.prefix), secret.count < 200 else { return nil }
        let hash = Secrets.digest(secret)
        let found: (User, Int64, Int64?)? = try await database.read { db in
            guard
                let row = try await db.raw(
                    """
                    SELECT t.id AS token_id, t.last_used_at, u.* FROM api_tokens t JOIN users u ON u.id = t.user_id
                    WHERE t.token_hash = \(bind: hash) AND t.revoked_at IS NULL
                    """
                ).first()
            else { return nil }
            return (try UserStore.decode(row), try row.value("token_id"), try row.value("last_used_at"))
        }
        guard let (user, tokenID, lastUsed) = found, user.isActive else { return nil }
        let now = Timestamp.now.rawValue
        if now - (lastUsed ?? 0) > SessionStore.touchInterval * 1000 {
            try await database.write { db in
                try await db.raw("UPDATE api_tokens SET last_used_at = \(bind: now) WHERE id = \(bind: tokenID)").run()
            }
        }
        return user
    }

    static func decode(_ row: any SQLRow) throws -> Token {
        Token(
            id: try row.value("id"),
            userID: UserID(try row.value("user_id", as: Int64.self)),
            name: try row.value("name"),
            prefix: try row.value("prefix"),
            createdAt: Timestamp(rawValue: try row.value("created_at")),
            lastUsedAt: try row.value("last_used_at", as: Int64?.self).map(Timestamp.init(rawValue:)),
            revokedAt: try row.value("revoked_at", as: Int64?.self).map(Timestamp.init(rawValue:))
        )
    }
}
