public import CRMCore
import Foundation
import SQLKit

/// What one sweep erased.
public struct FileSweep: Sendable, Equatable {
    /// Files whose time in the bin ran out.
    public var erasedFiles = 0
    /// Contents no file refers to any more, removed from storage.
    public var removedBlobs = 0
    /// Staged uploads a crash left behind.
    public var abandonedUploads = 0

    public init(erasedFiles: Int = 0, removedBlobs: Int = 0, abandonedUploads: Int = 0) {
        self.erasedFiles = erasedFiles
        self.removedBlobs = removedBlobs
        self.abandonedUploads = abandonedUploads
    }
}

extension FileStore {
    /// Erases what the bin no longer keeps and what nothing refers to; safe on any number of nodes at once.
    ///
    /// A blob goes in two transactions around the storage call: first it is marked `deleting` (only while no file
    /// refers to it, checked under its row lock), then removed from storage, then its row is deleted. An upload
    /// of the same bytes meanwhile waits for the row to go (`claim`), so it never counts on bytes being removed.
    public func sweep(now: Timestamp = .now, limit: Int = 500) async throws -> FileSweep {
        var result = FileSweep()
        let erasedBefore = now.adding(seconds: -Int64(retention))
        result.erasedFiles = try await database.write { db in
            let rows = try await db.raw(
                "DELETE FROM files WHERE deleted_at IS NOT NULL AND deleted_at < \(bind: erasedBefore.rawValue) RETURNING id"
            ).all()
            return rows.count
        }
        let pendingBefore = now.adding(seconds: -Int64(Self.pendingGrace)).rawValue
        let candidates = try await database.read { db in
            try await db.raw(
                """
                SELECT hash, state FROM blobs b WHERE NOT EXISTS (SELECT 1 FROM files f WHERE f.hash = b.hash)
                AND (state IN ('stored', 'deleting') OR (state = 'pending' AND touched_at < \(bind: pendingBefore)))
                ORDER BY touched_at LIMIT \(literal: limit)
                """
            ).all().map { (hash: try $0.value("hash", as: String.self), state: try $0.value("state", as: String.self)) }
        }
        let engine = database.engine
        for candidate in candidates {
            let claimed = try await database.write { db -> Bool in
                let lock: SQLQueryString = engine == .postgres ? " FOR UPDATE" : ""
                let state = try await db.raw("SELECT state FROM blobs WHERE hash = \(bind: candidate.hash)\(lock)").first()?.value(
                    "state",
                    as: String.self
                )
                // Read again now that the row is ours: an upload may have added a file or renewed its claim.
                guard state == candidate.state else { return false }
                let referenced = try await db.raw("SELECT 1 AS one FROM files WHERE hash = \(bind: candidate.hash) LIMIT 1").first() != nil
                guard !referenced else { return false }
                if candidate.state == "pending" {
                    let fresh = try await db.raw(
                        "SELECT 1 AS one FROM blobs WHERE hash = \(bind: candidate.hash) AND touched_at >= \(bind: pendingBefore)"
                    ).first()
                    if fresh != nil { return false }
                }
                try await db.raw(
                    "UPDATE blobs SET state = 'deleting', touched_at = \(bind: now.rawValue) WHERE hash = \(bind: candidate.hash)"
                ).run()
                return true
            }
            guard claimed else { continue }
            try await storage.delete(candidate.hash)
            try await database.write { db in
                try await db.raw("DELETE FROM blobs WHERE hash = \(bind: candidate.hash) AND state = 'deleting'").run()
            }
            result.removedBlobs += 1
        }
        result.abandonedUploads = try staging.removeAbandoned(olderThan: Self.pendingGrace)
        return result
    }
}
