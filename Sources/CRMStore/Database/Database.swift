@preconcurrency import AsyncKit
import Foundation
public import Logging
import NIOCore
import NIOPosix
import PostgresKit
public import SQLKit
import SQLiteKit
import Synchronization

/// The one door to the database: pooled connections, read access and write transactions on either engine.
///
/// SQLite allows one writer at a time. Rather than let writers spin on `SQLITE_BUSY` inside the small shared
/// thread pool (which can starve the connection that holds the lock), every write transaction queues for a single
/// writer connection, while reads use their own pool and never wait for writers (WAL mode).
/// PostgreSQL uses one pool for both.
public final class Database: Sendable {
    public let engine: Engine
    public let logger: Logger
    let stats = PoolStats()
    private let backend: Backend

    private enum Backend: @unchecked Sendable {
        case sqlite(path: String, writer: EventLoopGroupConnectionPool<SQLiteSource>, readers: EventLoopGroupConnectionPool<SQLiteSource>)
        case postgres(url: String, pool: EventLoopGroupConnectionPool<PostgresConnectionSource>)
    }

    private init(engine: Engine, backend: Backend, logger: Logger) {
        self.engine = engine
        self.backend = backend
        self.logger = logger
    }

    /// Opens (creating if needed) the SQLite database file at `path`.
    public static func sqlite(path: String, readers: Int = 4, logger: Logger) throws -> Database {
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let loop = MultiThreadedEventLoopGroup.singleton.next()
        let source = SQLiteSource(path: path)
        let writer = EventLoopGroupConnectionPool(
            source: source,
            maxConnectionsPerEventLoop: 1,
            requestTimeout: .seconds(30),
            pruneInterval: nil,
            logger: logger,
            on: loop
        )
        let readerPool = EventLoopGroupConnectionPool(
            source: source,
            maxConnectionsPerEventLoop: readers,
            requestTimeout: .seconds(30),
            pruneInterval: nil,
            logger: logger,
            on: loop
        )
        return Database(engine: .sqlite, backend: .sqlite(path: path, writer: writer, readers: readerPool), logger: logger)
    }

    /// Connects to PostgreSQL at `url` (`postgres://user:pass@host:port/db`). `searchPath` selects a schema,
    /// which the test suite uses to give every test a clean database.
    public static func postgres(url: String, searchPath: [String]? = nil, maxConnections: Int = 8, logger: Logger) throws -> Database {
        var configuration: SQLPostgresConfiguration
        do {
            configuration = try SQLPostgresConfiguration(url: url)
        } catch {
            throw StoreError.configuration("the database URL is not a valid postgres:// URL")
        }
        configuration.searchPath = searchPath
        let pool = EventLoopGroupConnectionPool(
            source: PostgresConnectionSource(sqlConfiguration: configuration),
            maxConnectionsPerEventLoop: max(1, maxConnections / max(1, System.coreCount)),
            requestTimeout: .seconds(30),
            pruneInterval: .seconds(60),
            logger: logger,
            on: MultiThreadedEventLoopGroup.singleton
        )
        return Database(engine: .postgres, backend: .postgres(url: url, pool: pool), logger: logger)
    }

    /// Runs `body` with a connection for reading. Reads see committed data only.
    public func read<R: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> R) async throws -> R {
        switch backend {
        case .sqlite(_, _, let readers): try await withSQLite(readers, body)
        case .postgres(_, let pool): try await withPostgres(pool, body)
        }
    }

    /// Runs `body` in one transaction: everything it writes commits together or not at all.
    public func write<R: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> R) async throws -> R {
        let transaction: @Sendable (any SQLDatabase) async throws -> R = { db in
            // IMMEDIATE takes SQLite's write lock up front, so a transaction never fails half-way on upgrade.
            try await db.raw(self.engine == .sqlite ? "BEGIN IMMEDIATE" : "BEGIN").run()
            do {
                let result = try await body(db)
                try await db.raw("COMMIT").run()
                return result
            } catch {
                try? await db.raw("ROLLBACK").run()
                throw error
            }
        }
        switch backend {
        case .sqlite(_, let writer, _): return try await withSQLite(writer, transaction)
        case .postgres(_, let pool): return try await withPostgres(pool, transaction)
        }
    }

    /// Closes every pooled connection.
    public func shutdown() async {
        switch backend {
        case .sqlite(_, let writer, let readers):
            try? await writer.shutdownAsync()
            try? await readers.shutdownAsync()
        case .postgres(_, let pool):
            try? await pool.shutdownAsync()
        }
    }

    /// The SQLite file, for backups and diagnostics.
    public var sqlitePath: String? {
        if case .sqlite(let path, _, _) = backend { path } else { nil }
    }

    public var poolStatistics: PoolStats.Snapshot { stats.snapshot }

    private func withSQLite<R: Sendable>(
        _ pool: EventLoopGroupConnectionPool<SQLiteSource>,
        _ body: @escaping @Sendable (any SQLDatabase) async throws -> R
    ) async throws -> R {
        stats.willWait()
        let connection = try await pool.requestConnection(logger: logger).get()
        stats.acquired()
        defer {
            pool.releaseConnection(connection, logger: logger)
            stats.released()
        }
        return try await body(connection.sql(queryLogLevel: .trace))
    }

    private func withPostgres<R: Sendable>(
        _ pool: EventLoopGroupConnectionPool<PostgresConnectionSource>,
        _ body: @escaping @Sendable (any SQLDatabase) async throws -> R
    ) async throws -> R {
        stats.willWait()
        let connection = try await pool.requestConnection(logger: logger).get()
        stats.acquired()
        defer {
            pool.releaseConnection(connection, logger: logger)
            stats.released()
        }
        return try await body(connection.sql(queryLogLevel: .trace))
    }
}

/// Connection pool counters for `/metrics`.
public final class PoolStats: Sendable {
    public struct Snapshot: Sendable {
        public let inUse: Int
        public let waiting: Int
        public let acquiredTotal: Int
    }

    private let state = Mutex((inUse: 0, waiting: 0, acquiredTotal: 0))

    func willWait() { state.withLock { $0.waiting += 1 } }
    func acquired() {
        state.withLock {
            $0.waiting -= 1
            $0.inUse += 1
            $0.acquiredTotal += 1
        }
    }
    func released() { state.withLock { $0.inUse -= 1 } }

    public var snapshot: Snapshot {
        state.withLock { Snapshot(inUse: $0.inUse, waiting: $0.waiting, acquiredTotal: $0.acquiredTotal) }
    }
}
