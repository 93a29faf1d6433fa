/// Something a user should know about, shown under the bell until read.
public struct UserNotification: Sendable, Equatable {
    public enum Kind: String, Codable, Sendable, CaseIterable {
        /// Someone mentioned the user (or a team of theirs) in a comment.
        case mention
        /// A record was given to the user by someone else (or by a routing rule).
        case assignment
        /// A task or other activity was given to the user by someone else.
        case task
    }

    public let id: Int64
    public let userID: UserID
    public let kind: Kind
    public let recordType: RecordType
    public let recordID: Int64
    /// Who did it; nil when Clientele did (a routing rule).
    public let actorID: UserID?
    /// The start of the comment, for mentions.
    public let excerpt: String
    public let createdAt: Timestamp
    public let readAt: Timestamp?

    public init(
        id: Int64,
        userID: UserID,
        kind: Kind,
        recordType: RecordType,
        recordID: Int64,
        actorID: UserID?,
        excerpt: String,
        createdAt: Timestamp,
        readAt: Timestamp?
    ) {
        self.id = id
        self.userID = userID
        self.kind = kind
        self.recordType = recordType
        self.recordID = recordID
        self.actorID = actorID
        self.excerpt = excerpt
        self.createdAt = createdAt
        self.readAt = readAt
    }
}
