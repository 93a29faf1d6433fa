import Foundation
public import NIOCore
import SQLKit

/// Contents in the database itself, in 1 MiB chunks: nothing more to run or back up when several nodes share
/// one PostgreSQL. A blob is written in one transaction, so it is there whole or not at all.
public struct DatabaseBlobStorage: BlobStorage {
    let database: Database
    public var kind: String { "database" }
    static let chunkSize = 1 << 20

    public init(database: Database) { self.database = database }

    public func put(_ staged: StagedFile) async throws {
        if try await size(of: staged.hash) == staged.size { return }
        try await database.write { db in
            try await db.raw("DELETE FROM blob_chunks WHERE hash = \(bind: staged.hash)").run()
            let handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: staged.path))
            defer { try? handle.close() }
            var seq = 0
            while let chunk = try handle.read(upToCount: Self.chunkSize), !chunk.isEmpty {
                try await db.raw("INSERT INTO blob_chunks (hash, seq, bytes) VALUES (\(bind: staged.hash), \(bind: seq), \(bind: chunk))").run()
                seq += 1
            }
        }
    }

    public func read(_ hash: String, _ consume: (ByteBuffer) async throws -> Void) async throws {
        // One chunk per query: a 100 MB file never sits in memory whole.
        let count = try await database.read { db in
            try await db.raw("SELECT COUNT(*) AS n FROM blob_chunks WHERE hash = \(bind: hash)").first()?.value("n", as: Int.self) ?? 0
        }
        guard count > 0 else { throw MissingBlob(hash: hash) }
        for seq in 0..<count {
            let bytes = try await database.read { db in
                try await db.raw("SELECT bytes FROM blob_chunks WHERE hash = \(bind: hash) AND seq = \(bind: seq)").first()?.value(
                    "bytes",
                    as: Data.self
                )
            }
            guard let bytes else { throw MissingBlob(hash: hash) }
            try await consume(ByteBuffer(bytes: bytes))
        }
    }

    public func delete(_ hash: String) async throws {
        try await database.write { db in try await db.raw("DELETE FROM blob_chunks WHERE hash = \(bind: hash)").run() }
    }

    public func size(of hash: String) async throws -> Int64? {
        let engine = database.engine
        return try await database.read { db in
            let length: SQLQueryString = engine == .sqlite ? "length(bytes)" : "octet_length(bytes)"
            let row = try await db.raw("SELECT COUNT(*) AS n, SUM(\(length)) AS size FROM blob_chunks WHERE hash = \(bind: hash)").first()
            guard let row, try row.value("n", as: Int.self) > 0 else { return nil }
            return try row.value("size", as: Int64.self)
        }
    }
}
