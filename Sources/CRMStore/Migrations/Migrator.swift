import CRMCore
import Foundation
import Logging
import SQLKit

/// Applies pending migrations in order, each in its own transaction, and records them in `schema_migrations`.
public struct Migrator: Sendable {
    let database: Database
    let migrations: [Migration]

    public init(database: Database) {
        self.database = database
        self.migrations = Migrations.all
    }

    /// The schema version this build expects: the number of its last migration.
    public static var schemaVersion: Int { Migrations.all.last?.number ?? 0 }

    public struct Status: Sendable {
        public let applied: [Int]
        public let pending: [(number: Int, name: String)]
        public var isCurrent: Bool { pending.isEmpty }
    }

    public func status() async throws -> Status {
        try await ensureTable()
        let applied = try await database.read { db in
            try await db.raw("SELECT number FROM schema_migrations ORDER BY number").all().map { try $0.decode(column: "number", as: Int.self) }
        }
        let done = Set(applied)
        return Status(applied: applied, pending: migrations.filter { !done.contains($0.number) }.map { ($0.number, $0.name) })
    }

    /// Applies what is pending and returns the numbers applied. Safe to run from several nodes at once on
    /// PostgreSQL: an advisory lock serialises them and each re-checks inside its transaction.
    @discardableResult
    public func migrate() async throws -> [Int] {
        try await ensureTable()
        var appliedNow: [Int] = []
        for migration in migrations {
            let ddl = DDL(engine: database.engine)
            let applied = try await database.write { db in
                if database.engine == .postgres {
                    try await db.raw("SELECT pg_advisory_xact_lock(7243001)").run()
                }
                let exists = try await db.raw("SELECT 1 AS one FROM schema_migrations WHERE number = \(bind: migration.number)").first() != nil
                guard !exists else { return false }
                for statement in migration.statements(ddl) {
                    try await db.raw("\(unsafeRaw: statement)").run()
                }
                try await migration.rewrite?(db, database.engine)
                try await db.raw(
                    """
                    INSERT INTO schema_migrations (number, name, applied_at)
                    VALUES (\(bind: migration.number), \(bind: migration.name), \(bind: Timestamp.now.rawValue))
                    """
                ).run()
                return true
            }
            if applied {
                database.logger.info("migration applied", metadata: ["number": "\(migration.number)", "name": "\(migration.name)"])
                appliedNow.append(migration.number)
            }
        }
        return appliedNow
    }

    private func ensureTable() async throws {
        try await database.write { db in
            if database.engine == .postgres {
                try await db.raw("SELECT pg_advisory_xact_lock(7243001)").run()
            }
            try await db.raw(
                """
                CREATE TABLE IF NOT EXISTS schema_migrations (
                    number INTEGER PRIMARY KEY,
                    name TEXT NOT NULL,
                    applied_at BIGINT NOT NULL
                )
                """
            ).run()
        }
    }
}
