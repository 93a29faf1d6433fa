import ArgumentParser
import CRMCore
import CRMStore
import Foundation

struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "migrate", abstract: "Apply pending database migrations.")

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var logging: LogOptions

    @Flag(help: "Only list what would be applied.")
    var dryRun = false

    func run() async throws {
        let logger = logging.bootstrap()
        try await database.withStore(logger: logger) { store in
            let status = try await store.migrator.status()
            if let newer = status.applied.last, newer > Migrator.schemaVersion {
                // A database migrated by a newer build: running this one on it could write what it no longer understands.
                throw ValidationError("the database is at schema \(newer), newer than this build's \(Migrator.schemaVersion); run a newer clientele")
            }
            if status.isCurrent {
                print("The database is up to date (schema \(Migrator.schemaVersion), \(status.applied.count) migrations applied).")
                return
            }
            let verb = dryRun ? "would apply" : "pending"
            for pending in status.pending { print("\(verb): \(String(format: "%04d", pending.number)) \(pending.name)") }
            guard !dryRun else { return }
            let applied = try await store.migrator.migrate()
            print("Applied \(applied.count) migration(s).")
        }
    }
}
