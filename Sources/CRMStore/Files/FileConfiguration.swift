import Foundation
public import S3Client

/// Where file contents go and what uploads may be; chosen by the operator (`clientele serve --file-storage …`).
public struct FileConfiguration: Sendable {
    public enum Storage: Sendable {
        /// A folder; by default `files/` beside the SQLite database.
        case directory(String)
        /// The database itself; the default on PostgreSQL, where nodes share no disk.
        case database
        case s3(S3Client.Configuration, prefix: String)
    }

    /// Nil picks the engine's default: the data directory for SQLite, the database for PostgreSQL.
    public var storage: Storage?
    public var maxUploadBytes: Int64
    /// Days a removed file stays restorable in the bin.
    public var retentionDays: Int
    /// Where uploads wait until they are whole; by default inside the storage folder, or the system's temporary one.
    public var stagingDirectory: String?

    public init(storage: Storage? = nil, maxUploadBytes: Int64 = 256_000_000, retentionDays: Int = 30, stagingDirectory: String? = nil) {
        self.storage = storage
        self.maxUploadBytes = maxUploadBytes
        self.retentionDays = retentionDays
        self.stagingDirectory = stagingDirectory
    }

    func makeStore(database: Database) -> FileStore {
        let storage: any BlobStorage
        var staging = stagingDirectory
        switch self.storage ?? defaultStorage(database) {
        case .directory(let root):
            let directory = DirectoryBlobStorage(root: root)
            staging = staging ?? directory.stagingDirectory
            storage = directory
        case .database:
            storage = DatabaseBlobStorage(database: database)
        case .s3(let configuration, let prefix):
            storage = S3BlobStorage(client: S3Client(configuration), prefix: prefix)
        }
        let uploads = staging ?? (NSTemporaryDirectory() as NSString).appendingPathComponent("clientele-uploads")
        return FileStore(
            database: database,
            storage: storage,
            staging: FileStaging(directory: uploads, maxBytes: maxUploadBytes),
            retention: TimeInterval(retentionDays) * 86400
        )
    }

    private func defaultStorage(_ database: Database) -> Storage {
        guard let path = database.sqlitePath else { return .database }
        return .directory((URL(fileURLWithPath: path).deletingLastPathComponent().path as NSString).appendingPathComponent("files"))
    }
}
