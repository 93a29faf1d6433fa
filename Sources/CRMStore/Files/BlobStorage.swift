public import NIOCore

/// Where file contents live, each stored once under its SHA-256: a folder in the data directory, the database, or
/// an S3-compatible object store. Metadata, references and permissions stay in the database (`FileStore`); a
/// storage only keeps bytes.
///
/// Every operation is idempotent: putting the same hash twice, or deleting one that is gone, is not an error,
/// which is what lets the store retry after a crash without bookkeeping of its own.
public protocol BlobStorage: Sendable {
    /// A short name for logs and `/readyz`: `directory`, `database` or `s3`.
    var kind: String { get }
    /// Stores the staged file's bytes under its hash. The staged file may be moved away; the caller discards it after.
    func put(_ staged: StagedFile) async throws
    /// Hands the bytes of `hash` to `consume` in order, in chunks, as fast as `consume` takes them.
    func read(_ hash: String, _ consume: (ByteBuffer) async throws -> Void) async throws
    func delete(_ hash: String) async throws
    /// The stored size of `hash`, or nil when it is absent.
    func size(of hash: String) async throws -> Int64?
}

/// A stored blob was expected and is not there: the storage lost it, or someone removed it by hand.
public struct MissingBlob: Error, CustomStringConvertible {
    public let hash: String
    public var description: String { "file content \(hash) is missing from storage" }
}

/// The storage did not take or give back bytes (an object store refusing, a full disk). The file is not attached;
/// the caller may try again.
public struct FileStorageUnavailable: Error, CustomStringConvertible {
    public let reason: String
    public init(_ reason: String) { self.reason = reason }
    public var description: String { "file storage is unavailable: \(reason)" }
}
