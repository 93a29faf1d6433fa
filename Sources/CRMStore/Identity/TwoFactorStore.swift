public import CRMCore
import Foundation
import HummingbirdOTP
import SQLKit

/// Two-factor sign-in: a time-based one-time password (TOTP, RFC 6238: HMAC-SHA1, 6 digits, 30-second steps) from
/// an authenticator app, with single-use recovery codes for a lost phone, and the roles that must use it.
///
/// A code is accepted for the step it was made in or one step either side (a phone's clock drifts), and only for a
/// step later than the last accepted one, so a code cannot be used twice.
public struct TwoFactorStore: Sendable {
    let database: Database
    static let digits = 6
    static let step: Int64 = 30
    static let recoveryCodeCount = 10
    /// RFC 4648 base32: what authenticator apps accept when a key is typed in.
    static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")

    /// Where a user stands.
    public struct Status: Sendable, Equatable {
        public let enabled: Bool
        /// A secret set up and waiting for its first code, as the authenticator app gets it.
        public let pending: Enrollment?
        /// Whether the user's role must sign in with a code.
        public let required: Bool
        public let recoveryCodesLeft: Int
    }

    /// A new secret, as the user copies it into an authenticator app.
    public struct Enrollment: Sendable, Equatable {
        /// The key, base32, in groups of four for typing.
        public let key: String
        /// `otpauth://totp/…`, for apps that open links (and QR codes made of it).
        public let url: String
    }

    public func status(_ user: User) async throws -> Status {
        try await database.read { db in
            let row = try await db.raw(
                """
                SELECT u.totp_secret, u.totp_enabled_at,
                       (SELECT COUNT(*) FROM recovery_codes c WHERE c.user_id = u.id AND c.used_at IS NULL) AS codes_left,
                       (SELECT COUNT(*) FROM two_factor_roles r WHERE r.role = u.role) AS required
                FROM users u WHERE u.id = \(bind: user.id.rawValue)
                """
            ).first()
            guard let row else { throw StoreError.notFound(.user) }
            let enabled = try row.value("totp_enabled_at", as: Int64?.self) != nil
            let secret = try row.value("totp_secret", as: String?.self)
            return Status(
                enabled: enabled,
                pending: !enabled ? secret.map { Self.enrollment($0, user: user) } : nil,
                required: try row.value("required", as: Int.self) > 0,
                recoveryCodesLeft: try row.value("codes_left", as: Int.self)
            )
        }
    }

    /// Starts setting up: a fresh secret, not yet in force, replacing any unconfirmed one. Only for oneself.
    public func begin(_ user: User) async throws -> Enrollment {
        var generator = SystemRandomNumberGenerator()
        let secret = String((0..<20).map { _ in Self.alphabet[Int.random(in: 0..<32, using: &generator)] })
        try await database.write { db in
            try await db.raw(
                "UPDATE users SET totp_secret = \(bind: secret), totp_last_step = 0 WHERE id = \(bind: user.id.rawValue) AND totp_enabled_at IS NULL"
            ).run()
        }
        return Self.enrollment(secret, user: user)
    }

    /// Puts the set-up secret in force once the app shows a right code; answers the recovery codes, shown only now.
    public func confirm(_ user: User, code: String, at now: Timestamp = .now) async throws -> [String] {
        try await database.write { db in
            guard
                let row = try await db.raw(
                    "SELECT totp_secret FROM users WHERE id = \(bind: user.id.rawValue) AND totp_enabled_at IS NULL AND totp_secret IS NOT NULL"
                ).first(),
                let secret = try row.value("totp_secret", as: String?.self)
            else { throw StoreError.conflict(code: "not_pending", message: "set up two-factor sign-in first") }
            // Apps show the code as "859 786".
            let typed = code.filter { !$0.isWhitespace }
            guard let step = Self.matchingStep(typed, secret: secret, at: now, after: 0) else { throw Self.wrongCode }
            try await db.raw(
                "UPDATE users SET totp_enabled_at = \(bind: now.rawValue), totp_last_step = \(bind: step) WHERE id = \(bind: user.id.rawValue)"
            ).run()
            return try await Self.replaceRecoveryCodes(db, user.id)
        }
    }

    /// Turns it off with a current code (or a recovery code), unless the user's role requires it.
    public func disable(_ user: User, code: String, at now: Timestamp = .now) async throws {
        guard try await !status(user).required else {
            throw StoreError.forbidden("your role requires two-factor sign-in")
        }
        guard try await verify(user, code: code, at: now) else { throw Self.wrongCode }
        try await database.write { db in
            try await db.raw(
                "UPDATE users SET totp_secret = NULL, totp_enabled_at = NULL, totp_last_step = 0 WHERE id = \(bind: user.id.rawValue)"
            ).run()
            try await db.raw("DELETE FROM recovery_codes WHERE user_id = \(bind: user.id.rawValue)").run()
        }
    }

    /// New recovery codes, replacing the old ones, for someone who proves it with a current code.
    public func newRecoveryCodes(_ user: User, code: String, at now: Timestamp = .now) async throws -> [String] {
        guard try await verify(user, code: code, at: now) else { throw Self.wrongCode }
        return try await database.write { db in try await Self.replaceRecoveryCodes(db, user.id) }
    }

    /// Whether `code` is the user's current code (not used before) or one of their unused recovery codes; either is
    /// used up by this call. Safe against two nodes checking the same code at once: the write decides.
    public func verify(_ user: User, code: String, at now: Timestamp = .now) async throws -> Bool {
        let typed = code.filter { !$0.isWhitespace && $0 != "-" }
        return try await database.write { db in
            guard
                let row = try await db.raw(
                    "SELECT totp_secret, totp_last_step FROM users WHERE id = \(bind: user.id.rawValue) AND totp_enabled_at IS NOT NULL"
                ).first(),
                let secret = try row.value("totp_secret", as: String?.self)
            else { return false }
            if typed.count == Self.digits, typed.allSatisfy(\.isASCII), typed.allSatisfy(\.isNumber) {
                let last = try row.value("totp_last_step", as: Int64.self)
                guard let step = Self.matchingStep(typed, secret: secret, at: now, after: last) else { return false }
                let taken = try await db.raw(
                    """
                    UPDATE users SET totp_last_step = \(bind: step) WHERE id = \(bind: user.id.rawValue) AND totp_last_step < \(bind: step)
                    RETURNING id
                    """
                ).first()
                return taken != nil
            }
            let used = try await db.raw(
                """
                UPDATE recovery_codes SET used_at = \(bind: now.rawValue)
                WHERE user_id = \(bind: user.id.rawValue) AND code_hash = \(bind: Secrets.digest(typed.lowercased())) AND used_at IS NULL
                RETURNING user_id
                """
            ).first()
            return used != nil
        }
    }

    /// Turns it off for someone who lost both their phone and their recovery codes, and ends their sessions; they
    /// set it up again at their next sign-in if their role requires it. Administrators only.
    public func reset(_ context: AccessContext, _ user: UserID) async throws {
        try context.require(.manageUsers)
        try await database.write { db in
            try await db.raw(
                "UPDATE users SET totp_secret = NULL, totp_enabled_at = NULL, totp_last_step = 0 WHERE id = \(bind: user.rawValue)"
            ).run()
            try await db.raw("DELETE FROM recovery_codes WHERE user_id = \(bind: user.rawValue)").run()
            try await db.raw("DELETE FROM sessions WHERE user_id = \(bind: user.rawValue)").run()
        }
    }

    /// The users who have it on, for the users page.
    public func enabledUsers() async throws -> Set<UserID> {
        try await database.read { db in
            Set(try await db.raw("SELECT id FROM users WHERE totp_enabled_at IS NOT NULL").all().map { UserID(try $0.value("id", as: Int64.self)) })
        }
    }

    /// The roles whose members must sign in with a code.
    public func requiredRoles() async throws -> Set<Role> {
        try await database.read { db in
            Set(try await db.raw("SELECT role FROM two_factor_roles").all().compactMap { Role(rawValue: try $0.value("role")) })
        }
    }

    public func setRequiredRoles(_ context: AccessContext, _ roles: Set<Role>) async throws {
        try context.require(.manageUsers)
        try await database.write { db in
            try await db.raw("DELETE FROM two_factor_roles").run()
            for role in roles.sorted(by: { $0.rawValue < $1.rawValue }) {
                try await db.raw("INSERT INTO two_factor_roles (role) VALUES (\(bind: role.rawValue))").run()
            }
        }
    }

    static let wrongCode = StoreError.invalid(
        ValidationErrors([ValidationError(code: "wrong_code", message: "the code is wrong or was used already")])
    )

    /// The time step `code` was made for, within one step of `now` and later than `after`.
    static func matchingStep(_ code: String, secret: String, at now: Timestamp, after last: Int64) -> Int64? {
        let current = now.rawValue / 1000 / step
        return [current - 1, current, current + 1].first { $0 > last && Secrets.constantTimeEqual(self.code(secret: secret, step: $0), code) }
    }

    /// The code an authenticator app shows for `secret` in time step `step`.
    static func code(secret: String, step: Int64) -> String {
        let value = TOTP(secret: secret, length: digits, timeStep: Int(Self.step)).compute(
            date: Date(timeIntervalSince1970: TimeInterval(step * Self.step))
        )
        return String(format: "%0\(digits)d", value)
    }

    /// Ten codes of ten letters and digits, `xxxxx-xxxxx`; only their digests are kept.
    static func replaceRecoveryCodes(_ db: any SQLDatabase, _ user: UserID) async throws -> [String] {
        try await db.raw("DELETE FROM recovery_codes WHERE user_id = \(bind: user.rawValue)").run()
        var generator = SystemRandomNumberGenerator()
        let letters = Array("abcdefghjkmnpqrstuvwxyz23456789")
        var codes: [String] = []
        while codes.count < recoveryCodeCount {
            let code = String((0..<10).map { _ in letters[Int.random(in: 0..<letters.count, using: &generator)] })
            guard !codes.contains(code) else { continue }
            codes.append(code)
            try await db.raw("INSERT INTO recovery_codes (user_id, code_hash) VALUES (\(bind: user.rawValue), \(bind: Secrets.digest(code)))").run()
        }
        return codes.map { "\($0.prefix(5))-\($0.suffix(5))" }
    }

    static func enrollment(_ secret: String, user: User) -> Enrollment {
        let base32 = base32(Array(secret.utf8))
        let grouped = stride(from: 0, to: base32.count, by: 4).map { offset in
            String(base32.dropFirst(offset).prefix(4))
        }.joined(separator: " ")
        let label = "Clientele:\(user.email.value)".addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? "Clientele"
        return Enrollment(key: grouped, url: "otpauth://totp/\(label)?secret=\(base32)&issuer=Clientele&digits=\(digits)&period=\(step)")
    }

    /// RFC 4648 base32 without padding: the key as authenticator apps take it.
    static func base32(_ bytes: [UInt8]) -> String {
        var output = ""
        var buffer = 0
        var bits = 0
        for byte in bytes {
            buffer = (buffer << 8) | Int(byte)
            bits += 8
            while bits >= 5 {
                output.append(alphabet[(buffer >> (bits - 5)) & 31])
                bits -= 5
            }
        }
        if bits > 0 { output.append(alphabet[(buffer << (5 - bits)) & 31]) }
        return output
    }
}
