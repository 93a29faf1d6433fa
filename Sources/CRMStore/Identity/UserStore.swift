public import CRMCore
import Foundation
import SQLKit

/// Users and their credentials. Changing users is for admins (or the system); reading names is for everyone
/// signed in, since owners are picked from it.
public struct UserStore: Sendable {
    let database: Database
    let bcryptCost: UInt8

    public struct NewUser: Sendable {
        public var email: String
        public var name: String
        public var role: Role
        public var password: String
        public var locale: String
        public var timeZone: String

        public init(email: String, name: String, role: Role, password: String, locale: String = "en", timeZone: String = "Europe/Warsaw") {
            self.email = email
            self.name = name
            self.role = role
            self.password = password
            self.locale = locale
            self.timeZone = timeZone
        }
    }

    public func create(_ context: AccessContext, _ new: NewUser) async throws -> User {
        try requireAdmin(context)
        var errors: [ValidationError] = []
        var email: EmailAddress?
        do { email = try EmailAddress(new.email) } catch { errors.append(error.at("email")) }
        let name = new.name.trimmingCharacters(in: .whitespacesAndNewlines)
        if name.isEmpty { errors.append(ValidationError(field: "name", code: "required", message: "a user needs a name")) }
        do { try PasswordPolicy.check(new.password) } catch { errors.append(error) }
        if let error = Self.checkPreferences(locale: new.locale, timeZone: new.timeZone) { errors.append(error) }
        guard errors.isEmpty, let email else { throw StoreError.invalid(ValidationErrors(errors)) }
        let hash = try await Secrets.hashPassword(new.password, cost: bcryptCost)
        let id = try await database.write { db in
            if try await db.raw("SELECT 1 AS one FROM users WHERE email = \(bind: email.value)").first() != nil {
                throw StoreError.conflict(code: "email_taken", message: "a user with e-mail \(email) exists")
            }
            let now = Timestamp.now.rawValue
            let row = try await db.raw(
                """
                INSERT INTO users (email, name, role, locale, time_zone, is_active, password_hash, created_at, updated_at)
                VALUES (\(bind: email.value), \(bind: name), \(bind: new.role.rawValue), \(bind: new.locale), \(bind: new.timeZone), \(bind: true), \(bind: hash), \(bind: now), \(bind: now))
                RETURNING id
                """
            ).first()
            let id = try row!.value("id", as: Int64.self)
            try await AuditLog.append(
                db,
                context,
                type: .user,
                id: id,
                action: .create,
                changes: FieldChange.diff(old: [:], new: ["email": email.value, "name": name, "role": new.role.rawValue])
            )
            return id
        }
        return try await get(UserID(id))
    }

    public func get(_ id: UserID) async throws -> User {
        guard
            let user = try await database.read({ db in
                try await db.raw("SELECT * FROM users WHERE id = \(bind: id.rawValue)").first().map(Self.decode)
            })
        else {
            throw StoreError.notFound(.user)
        }
        return user
    }

    public func find(email: String) async throws -> User? {
        guard let email = try? EmailAddress(email) else { return nil }
        return try await database.read { db in try await db.raw("SELECT * FROM users WHERE email = \(bind: email.value)").first().map(Self.decode) }
    }

    public func list() async throws -> [User] {
        try await database.read { db in try await db.raw("SELECT * FROM users ORDER BY name, id").all().map(Self.decode) }
    }

    /// Every user's name by id, for showing owners and authors.
    public func names() async throws -> [UserID: String] {
        Dictionary(uniqueKeysWithValues: try await list().map { ($0.id, $0.name) })
    }

    /// Checks a password; returns the user only if it matches and the account is active.
    public func authenticate(email: String, password: String) async throws -> User? {
        let found: (User, String)? = try await database.read { db in
            guard let email = try? EmailAddress(email),
                let row = try await db.raw("SELECT * FROM users WHERE email = \(bind: email.value)").first()
            else { return nil }
            return (try Self.decode(row), try row.value("password_hash", as: String.self))
        }
        guard let (user, hash) = found else {
            _ = try await Secrets.verifyPassword(password, hash: Secrets.decoyHash)
            return nil
        }
        guard try await Secrets.verifyPassword(password, hash: hash), user.isActive else { return nil }
        return user
    }

    public func setPassword(_ context: AccessContext, _ id: UserID, _ password: String) async throws {
        if context.userID != id { try context.require(.manageUsers) }
        do { try PasswordPolicy.check(password) } catch { throw StoreError.invalid(ValidationErrors([error])) }
        let hash = try await Secrets.hashPassword(password, cost: bcryptCost)
        try await database.write { db in
            _ = try await Self.fetch(db, id)
            try await db.raw(
                "UPDATE users SET password_hash = \(bind: hash), updated_at = \(bind: Timestamp.now.rawValue) WHERE id = \(bind: id.rawValue)"
            ).run()
            // A new password ends every session and must not leave old sessions signed in.
            try await db.raw("DELETE FROM sessions WHERE user_id = \(bind: id.rawValue)").run()
            try await AuditLog.append(
                db,
                context,
                type: .user,
                id: id.rawValue,
                action: .update,
                changes: [FieldChange(field: "password", old: nil, new: "(changed)")]
            )
        }
    }

    public struct Changes: Sendable {
        public var name: String?
        public var role: Role?
        public var locale: String?
        public var timeZone: String?
        public var isActive: Bool?

        public init(name: String? = nil, role: Role? = nil, locale: String? = nil, timeZone: String? = nil, isActive: Bool? = nil) {
            self.name = name
            self.role = role
            self.locale = locale
            self.timeZone = timeZone
            self.isActive = isActive
        }
    }

    /// Admins change anything; users change their own name, language and time zone.
    public func update(_ context: AccessContext, _ id: UserID, _ changes: Changes) async throws -> User {
        let selfService = changes.role == nil && changes.isActive == nil && context.userID == id
        if !selfService { try context.require(.manageUsers) }
        if let error = Self.checkPreferences(locale: changes.locale ?? "en", timeZone: changes.timeZone ?? "UTC") {
            throw StoreError.invalid(ValidationErrors([error]))
        }
        if let name = changes.name, name.trimmingCharacters(in: .whitespaces).isEmpty {
            throw StoreError.invalid(ValidationErrors([ValidationError(field: "name", code: "required", message: "a user needs a name")]))
        }
        try await database.write { db in
            let old = try await Self.fetch(db, id)
            var new = old
            if let name = changes.name { new.name = name.trimmingCharacters(in: .whitespaces) }
            if let role = changes.role { new.role = role }
            if let locale = changes.locale { new.locale = locale }
            if let timeZone = changes.timeZone { new.timeZone = timeZone }
            if let active = changes.isActive { new.isActive = active }
            try await db.raw(
                """
                UPDATE users SET name = \(bind: new.name), role = \(bind: new.role.rawValue), locale = \(bind: new.locale),
                time_zone = \(bind: new.timeZone), is_active = \(bind: new.isActive), updated_at = \(bind: Timestamp.now.rawValue)
                WHERE id = \(bind: id.rawValue)
                """
            ).run()
            if !new.isActive {
                try await db.raw("DELETE FROM sessions WHERE user_id = \(bind: id.rawValue)").run()
                try await db.raw(
                    "UPDATE api_tokens SET revoked_at = \(bind: Timestamp.now.rawValue) WHERE user_id = \(bind: id.rawValue) AND revoked_at IS NULL"
                ).run()
            }
            let changes = FieldChange.diff(old: Self.auditValues(old), new: Self.auditValues(new))
            if !changes.isEmpty {
                try await AuditLog.append(db, context, type: .user, id: id.rawValue, action: .update, changes: changes)
            }
        }
        return try await get(id)
    }

    /// The access context of a signed-in user: their role and the teams they belong to, share with and head.
    public func accessContext(for user: User) async throws -> AccessContext {
        try await database.read { db in try await Self.accessContext(db, user: user.id, role: user.role) }
    }

    /// The access context of any user, inside the caller's transaction (to check what someone else may see).
    static func accessContext(_ db: any SQLDatabase, user: UserID, role: Role) async throws -> AccessContext {
        let rows = try await db.raw(
            """
            SELECT t.id, t.shares_records, t.manager_id, (SELECT COUNT(*) FROM team_members m WHERE m.team_id = t.id AND m.user_id = \(bind: user.rawValue)) AS member
            FROM teams t
            WHERE t.manager_id = \(bind: user.rawValue) OR EXISTS (SELECT 1 FROM team_members m WHERE m.team_id = t.id AND m.user_id = \(bind: user.rawValue))
            """
        ).all()
        var member = Set<TeamID>()
        var sharing = Set<TeamID>()
        var headed = Set<TeamID>()
        for row in rows {
            let id = TeamID(try row.value("id", as: Int64.self))
            if try row.value("member", as: Int64.self) > 0 { member.insert(id) }
            if try row.value("shares_records", as: Bool.self) { sharing.insert(id) }
            if try row.value("manager_id", as: Int64?.self) == user.rawValue { headed.insert(id) }
        }
        return AccessContext(user: user, role: role, memberTeams: member, sharingTeams: sharing, headedTeams: headed)
    }

    // MARK: Pieces

    private func requireAdmin(_ context: AccessContext) throws {
        try context.require(.manageUsers)
    }

    static func checkPreferences(locale: String, timeZone: String) -> ValidationError? {
        if TimeZone(identifier: timeZone) == nil {
            return ValidationError(field: "time_zone", code: "invalid_time_zone", message: "'\(timeZone)' is not an IANA time zone")
        }
        let valid = locale.count <= 35 && locale.split(separator: "-").allSatisfy { !$0.isEmpty && $0.allSatisfy { $0.isLetter || $0.isNumber } }
        return valid && !locale.isEmpty ? nil : ValidationError(field: "locale", code: "invalid_locale", message: "'\(locale)' is not a language tag")
    }

    private static func auditValues(_ user: User) -> [String: String] {
        ["name": user.name, "role": user.role.rawValue, "locale": user.locale, "time_zone": user.timeZone, "is_active": String(user.isActive)]
    }

    static func fetch(_ db: any SQLDatabase, _ id: UserID) async throws -> User {
        guard let row = try await db.raw("SELECT * FROM users WHERE id = \(bind: id.rawValue)").first() else { throw StoreError.notFound(.user) }
        return try decode(row)
    }

    static func decode(_ row: any SQLRow) throws -> User {
        User(
            id: UserID(try row.value("id", as: Int64.self)),
            email: try EmailAddress(try row.value("email", as: String.self)),
            name: try row.value("name"),
            role: Role(rawValue: try row.value("role")) ?? .salesRep,
            locale: try row.value("locale"),
            timeZone: try row.value("time_zone"),
            isActive: try row.value("is_active"),
            createdAt: Timestamp(rawValue: try row.value("created_at"))
        )
    }
}
