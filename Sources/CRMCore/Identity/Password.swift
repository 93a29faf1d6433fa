/// The rules a new password must meet. Hashing is the store's business; the rule is the domain's.
public enum PasswordPolicy {
    public static let minimumLength = 10

    public static func check(_ password: String) throws(ValidationError) {
        guard password.count >= minimumLength else {
            throw ValidationError(field: "password", code: "too_short", message: "a password has at least \(minimumLength) characters")
        }
        guard password.utf8.count <= 72 else {
            // bcrypt reads only the first 72 bytes; a longer password would be silently truncated.
            throw ValidationError(field: "password", code: "too_long", message: "a password has at most 72 bytes")
        }
    }
}
