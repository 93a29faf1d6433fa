/// The two database engines Clientele runs on. Behaviour is identical; only DDL spelling and operational
/// commands (backup, locking) differ, and those differences live in the store alone.
public enum Engine: String, Sendable {
    case sqlite
    case postgres
}
