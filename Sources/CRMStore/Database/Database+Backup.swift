import Foundation
import Logging
import SQLKit

extension Store {
    /// What a backup wrote.
    public struct Backup: Sendable {
        /// File contents copied (or hard-linked) beside the database copy.
        public var files = 0
        /// Where they went: `<backup>.files`, or nil when the storage is not a folder (the database holds them, or
        /// the object store keeps its own copies).
        public var filesDirectory: String?
    }

    /// Writes a consistent copy of the SQLite database to `path` while readers and writers carry on, and the file
    /// contents that copy refers to into `<path>.files/`.
    ///
    /// `VACUUM INTO` reads from one snapshot, so the copy is as of a single moment. The contents listed in that copy
    /// are then linked or copied: they are immutable and named by hash, and the sweeper erases none a file still
    /// refers to, so every one the copy needs is still there.
    public func backup(to path: String) async throws -> Backup {
        guard database.engine == .sqlite else {
            throw StoreError.configuration("back up PostgreSQL with pg_dump; `clientele backup` runs it for you")
        }
        try await database.read { db in try await db.raw("VACUUM INTO \(bind: path)").run() }
        guard let folder = files.storage as? DirectoryBlobStorage else { return Backup() }
        let copy = try Database.sqlite(path: path, readers: 1, logger: database.logger)
        let hashes: [String]
        do {
            hashes = try await copy.read { db in
                try await db.raw("SELECT hash FROM blobs WHERE state = 'stored' ORDER BY hash").all().map { try $0.value("hash", as: String.self) }
            }
            await copy.shutdown()
        } catch {
            await copy.shutdown()
            throw error
        }
        let target = DirectoryBlobStorage(root: path + ".files")
        let manager = FileManager.default
        for hash in hashes {
            let destination = target.path(hash)
            try manager.createDirectory(atPath: (destination as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            do {
                try manager.linkItem(atPath: folder.path(hash), toPath: destination)
            } catch {
                // Another file system: copy instead.
                try manager.copyItem(atPath: folder.path(hash), toPath: destination)
            }
        }
        return Backup(files: hashes.count, filesDirectory: hashes.isEmpty ? nil : target.root)
    }
}
