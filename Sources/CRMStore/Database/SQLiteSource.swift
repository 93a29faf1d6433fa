import AsyncKit
import Foundation
import Logging
import NIOCore
import NIOPosix
import SQLiteNIO

/// Opens SQLite connections with the settings Clientele depends on.
///
/// - `journal_mode=WAL`: readers never block the writer nor the writer the readers.
/// - `synchronous=FULL`: a commit is fsynced before it is acknowledged, so an acknowledged write survives a killed
///   process and also a power cut (NORMAL would survive only the former in WAL mode). The cost is one fsync per
///   write transaction, which is why bulk paths batch rows into few transactions.
/// - `foreign_keys=ON`: SQLite leaves them off by default.
/// - `busy_timeout=5000`: outside tools (the `sqlite3` CLI, a backup) may briefly hold a lock.
/// - `cache_size=-65536` (64 MiB per connection, against SQLite's 2 MiB default) and `temp_store=MEMORY`: at a
///   million deals the indexes no longer fit the default cache, and every insert or board query would re-read
///   pages from the file.
struct SQLiteSource: ConnectionPoolSource, Sendable {
    let path: String

    func makeConnection(logger: Logger, on eventLoop: any EventLoop) -> EventLoopFuture<SQLiteConnection> {
        let promise = eventLoop.makePromise(of: SQLiteConnection.self)
        promise.completeWithTask {
            let connection = try await SQLiteConnection.open(storage: .file(path: path), threadPool: .singleton, logger: logger, on: eventLoop).get()
            do {
                for pragma in [
                    "PRAGMA journal_mode=WAL", "PRAGMA synchronous=FULL", "PRAGMA foreign_keys=ON", "PRAGMA busy_timeout=5000",
                    "PRAGMA cache_size=-65536", "PRAGMA temp_store=MEMORY",
                ] {
                    _ = try await connection.query(pragma).get()
                }
            } catch {
                try? await connection.close().get()
                throw error
            }
            return connection
        }
        return promise.futureResult
    }
}
