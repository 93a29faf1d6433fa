/// What every CRM record carries besides its own fields: identity, ownership, optimistic-locking version and
/// lifecycle times. `version` grows by one on every change and is the record's ETag.
public struct RecordMeta: Codable, Sendable, Equatable {
    public var id: Int64
    public var version: Int64
    public var ownerID: UserID
    public var teamID: TeamID?
    public var createdAt: Timestamp
    public var updatedAt: Timestamp
    public var deletedAt: Timestamp?

    public init(id: Int64, version: Int64, ownerID: UserID, teamID: TeamID?, createdAt: Timestamp, updatedAt: Timestamp, deletedAt: Timestamp?) {
        self.id = id
        self.version = version
        self.ownerID = ownerID
        self.teamID = teamID
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.deletedAt = deletedAt
    }

    public var etag: String { "\"\(version)\"" }
}

/// The kinds of CRM records, as named in the audit trail, the API and permissions.
public enum RecordType: String, Codable, Sendable, CaseIterable {
    case company
    case contact
    case lead
    case user
    case team
    case deal
    case activity
    case process
    case processTask = "process_task"
    case segment
    case importFile = "import"
    case file
    case comment
}
