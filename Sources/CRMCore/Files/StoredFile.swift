public import Foundation

/// A file attached to a record: its name as uploaded, what its bytes are, and the content it points at by hash.
///
/// The bytes live once per hash in the blob storage, however many records hold the same file.
public struct StoredFile: Sendable, Equatable {
    public let id: Int64
    public let recordType: RecordType
    public let recordID: Int64
    public let name: String
    /// Read from the bytes (`ContentSniffer`), never from the name.
    public let mediaType: String
    public let size: Int64
    /// SHA-256 of the bytes, lowercase hex.
    public let hash: String
    /// Nil when Clientele itself attached it (a received e-mail's attachment).
    public let uploadedBy: UserID?
    public let createdAt: Timestamp
    public let deletedAt: Timestamp?
    /// Whether text was read out of it for search.
    public let hasText: Bool

    public init(
        id: Int64,
        recordType: RecordType,
        recordID: Int64,
        name: String,
        mediaType: String,
        size: Int64,
        hash: String,
        uploadedBy: UserID?,
        createdAt: Timestamp,
        deletedAt: Timestamp?,
        hasText: Bool
    ) {
        self.id = id
        self.recordType = recordType
        self.recordID = recordID
        self.name = name
        self.mediaType = mediaType
        self.size = size
        self.hash = hash
        self.uploadedBy = uploadedBy
        self.createdAt = createdAt
        self.deletedAt = deletedAt
        self.hasText = hasText
    }

    /// Record types a file can be attached to.
    public static let attachable: Set<RecordType> = [.company, .contact, .lead, .deal, .activity]

    /// Whether a browser may show it in place: images and PDFs, never anything that can run a script.
    public var showsInline: Bool {
        ["image/png", "image/jpeg", "image/gif", "image/webp", "application/pdf"].contains(mediaType)
    }
}
