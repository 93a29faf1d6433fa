/// A remark on a record by a colleague, for colleagues: "@Elena, can we go to 12 %?".
///
/// The body keeps mentions as tokens (`@[user:5]`, `@[team:2]`, see `MentionText`), so a mention still names the
/// right person after they change their name.
public struct Comment: Sendable, Equatable {
    public let id: Int64
    public let recordType: RecordType
    public let recordID: Int64
    public let authorID: UserID
    public let body: String
    public let createdAt: Timestamp

    public init(id: Int64, recordType: RecordType, recordID: Int64, authorID: UserID, body: String, createdAt: Timestamp) {
        self.id = id
        self.recordType = recordType
        self.recordID = recordID
        self.authorID = authorID
        self.body = body
        self.createdAt = createdAt
    }

    /// Longest body accepted, in characters.
    public static let maxLength = 10_000

    /// Record types one can comment on.
    public static let commentable: Set<RecordType> = [.company, .contact, .lead, .deal, .activity]
}
