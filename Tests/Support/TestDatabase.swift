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

    /// Swift Testing starts every async test at once; without a limit the suite opens more PostgreSQL
    /// connections than a server allows ("too many clients"). SQLite files need no limit.
    private static let postgresGate = Gate(slots: 8)

    /// - Parameter files: where file contents go; nil is the engine's default (a folder beside SQLite, PostgreSQL's
    ///   own tables).
    public static func withStore(_ engine: TestEngine, files: FileConfiguration? = nil, _ body: (Store) async throws -> Void) async throws {
        switch engine {
        case .sqlite:
            let name = uniqueName()
            let dir = FileManager.default.temporaryDirectory.appendingPathComponent("clientele-tests/\(name)")
            let database = try Database.sqlite(path: dir.appendingPathComponent("clientele.sqlite").path, logger: logger)
            defer { try? FileManager.default.removeItem(at: dir) }
            try await run(database, files: files, body)
        case .postgres:
            await postgresGate.enter()
            do {
                try await withPostgresSchema(files: files, body)
                await postgresGate.leave()
            } catch {
                await postgresGate.leave()
                throw error
            }
        }
    }

    private static func withPostgresSchema(files: FileConfiguration?, _ body: (Store) async throws -> Void) async throws {
        let url = ProcessInfo.processInfo.environment["CLIENTELE_TEST_DATABASE_URL"]!
        let name = uniqueName()
        try await admin(url) { db in try await db.raw("CREATE SCHEMA \(ident: name)").run() }
        let database = try Database.postgres(url: url, searchPath: [name], maxConnections: 4, logger: logger)
        do {
            try await run(database, files: files, body)
            try await admin(url) { db in try await db.raw("DROP SCHEMA \(ident: name) CASCADE").run() }
        } catch {
            try? await admin(url) { db in try await db.raw("DROP SCHEMA \(ident: name) CASCADE").run() }
            throw error
        }
    }

    /// Runs one statement on a short-lived connection, so no idle admin pool holds connections during a test.
    private static func admin(_ url: String, _ statement: @escaping @Sendable (any SQLDatabase) async throws -> Void) async throws {
        let admin = try Database.postgres(url: url, maxConnections: 1, logger: logger)
        do {
            try await admin.write(statement)
            await admin.shutdown()
        } catch {
            await admin.shutdown()
            throw error
        }
    }

    private static func run(_ database: Database, files: FileConfiguration?, _ body: (Store) async throws -> Void) async throws {
        let store = Store(database: database, bcryptCost: 4, files: files ?? FileConfiguration())
        do {
            try await store.migrator.migrate()
            try await body(store)
            await database.shutdown()
        } catch {
            await database.shutdown()
            throw error
        }
    }

    private static func uniqueName() -> String {
        "t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(16)
    }
}

extension Store {
    /// A count read straight from the database, for tests that check what a store call wrote:
    /// `try await store.count("SELECT COUNT(*) AS n FROM deals")`.
    public func count(_ sql: String) async throws -> Int {
        try await database.read { db in try await db.raw("\(unsafeRaw: sql)").first()!.decode(column: "n", as: Int.self) }
    }

    /// A statement run straight on the database, for tests that stage what a crash would leave behind.
    public func execute(_ sql: String) async throws {
        try await database.write { db in try await db.raw("\(unsafeRaw: sql)").run() }
    }
}

/// A counting semaphore for async code: at most `slots` holders at a time, the rest wait in order.
actor Gate {
    private var free: Int
    private var waiting: [CheckedContinuation<Void, Never>] = []

    init(slots: Int) { free = slots }

    func enter() async {
        if free > 0 {
            free -= 1
            return
        }
        await withCheckedContinuation { waiting.append($0) }
    }

    func leave() {
        if waiting.isEmpty {
            free += 1
        } else {
            waiting.removeFirst().resume()
        }
    }
}
