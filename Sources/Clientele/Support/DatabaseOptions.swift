import ArgumentParser
import CRMCore
import CRMStore
import Foundation
import Logging

/// Where the data lives. Without a database URL, Clientele keeps everything in one SQLite file in the data
/// directory. Environment: `CLIENTELE_DATABASE_URL`, `CLIENTELE_DATA_DIR`.
struct DatabaseOptions: ParsableArguments {
    @Option(help: "Directory of the embedded SQLite database (default ./clientele-data; env CLIENTELE_DATA_DIR).")
    var dataDir: String?

    @Option(help: "postgres://user:password@host:port/database to use PostgreSQL instead (env CLIENTELE_DATABASE_URL).")
    var databaseURL: String?

    @Option(help: "Most database connections this process opens (PostgreSQL).")
    var databaseConnections: Int = 8

    var resolvedURL: String? {
        databaseURL ?? ProcessInfo.processInfo.environment["CLIENTELE_DATABASE_URL"].flatMap { $0.isEmpty ? nil : $0 }
    }

    var sqlitePath: String {
        let directory = dataDir ?? ProcessInfo.processInfo.environment["CLIENTELE_DATA_DIR"] ?? "./clientele-data"
        return URL(fileURLWithPath: directory).appendingPathComponent("clientele.sqlite").standardizedFileURL.path
    }

    func open(logger: Logger) throws -> Database {
        if let url = resolvedURL {
            guard url.hasPrefix("postgres://") || url.hasPrefix("postgresql://") else {
                throw ValidationError("the database URL must start with postgres://")
            }
            return try Database.postgres(url: url, maxConnections: databaseConnections, logger: logger)
        }
        return try Database.sqlite(path: sqlitePath, logger: logger)
    }

    /// Opens the store and runs `body`, always closing the connections afterwards.
    func withStore<R>(logger: Logger, files: FileConfiguration = .init(), _ body: (Store) async throws -> R) async throws -> R {
        let database = try open(logger: logger)
        do {
            let result = try await body(Store(database: database, files: files))
            await database.shutdown()
            return result
        } catch {
            await database.shutdown()
            throw error
        }
    }
}

/// Refuses to work on a schema that is behind the code, naming the command that fixes it.
func requireCurrentSchema(_ store: Store) async throws {
    let status = try await store.migrator.status()
    guard status.isCurrent else {
        throw OperatorError("the database has \(status.pending.count) pending migration(s); run `clientele migrate` first")
    }
}
