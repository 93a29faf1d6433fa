import CRMCore
public import CRMStore
import Foundation
public import Logging
import PostgresKit
public import Testing

/// The engines the store suite runs on: SQLite always, PostgreSQL when `CLIENTELE_TEST_DATABASE_URL` is set.
public enum TestEngine: String, CaseIterable, CustomTestStringConvertible, Sendable {
    case sqlite, postgres

    public static var available: [TestEngine] {
        ProcessInfo.processInfo.environment["CLIENTELE_TEST_DATABASE_URL"].map { _ in [.sqlite, .postgres] } ?? [.sqlite]
    }

    public var testDescription: String { rawValue }
}

/// A fresh, migrated database for one test: a new SQLite file, or a new schema in the test PostgreSQL database.
public struct TestDatabase {
    public static let logger: Logger = {
        var logger = Logger(label: "test")
        logger.logLevel = .warning
        return logger
    }()

    public static func withStore(_ engine: TestEngine, _ body: (Store) async throws -> Void) async throws {
        let name = "t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(16)
        let database: Database
        var cleanup: () async throws -> Void
        switch engine {
        case .sqlite:
            let dir = FileManager.default.temporaryDirectory.appendingPathComponent("clientele-tests/\(name)")
            database = try Database.sqlite(path: dir.appendingPathComponent("clientele.sqlite").path, logger: logger)
            cleanup = { try? FileManager.default.removeItem(at: dir) }
        case .postgres:
            let url = ProcessInfo.processInfo.environment["CLIENTELE_TEST_DATABASE_URL"]!
            let admin = try Database.postgres(url: url, maxConnections: 2, logger: logger)
            try await admin.write { db in try await db.raw("CREATE SCHEMA \(ident: String(name))").run() }
            database = try Database.postgres(url: url, searchPath: [String(name)], maxConnections: 4, logger: logger)
            cleanup = {
                try await admin.write { db in try await db.raw("DROP SCHEMA \(ident: String(name)) CASCADE").run() }
                await admin.shutdown()
            }
        }
        let store = Store(database: database, bcryptCost: 4)
        do {
            try await store.migrator.migrate()
            try await body(store)
            await database.shutdown()
            try await cleanup()
        } catch {
            await database.shutdown()
            try? await cleanup()
            throw error
        }
    }
}
