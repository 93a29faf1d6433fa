/// A stretch of a record's audit trail, newest first. `next` is where the older entries continue (the id of the
/// last entry here), nil when these are the oldest; paging by id keeps a long history as quick to open as a short one.
public struct HistoryPage: Sendable {
    public static let defaultLimit = 50

    public let entries: [AuditEntry]
    public let next: Int64?

    public init(entries: [AuditEntry], next: Int64?) {
        self.entries = entries
        self.next = next
    }
}
