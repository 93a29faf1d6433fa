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
            if status.isCurrent {
                print("The database is up to date (\(status.applied.count) migrations applied).")
                return
            }
            for pending in status.pending { print("pending: \(pending.number) \(pending.name)") }
            guard !dryRun else { return }
            let applied = try await store.migrator.migrate()
            print("Applied \(applied.count) migration(s).")
        }
    }
}
