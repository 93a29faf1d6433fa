import ArgumentParser
import CRMCore
import CRMStore
import Foundation

struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "demo", abstract: "Load a demo company into an empty database.")
    @OptionGroup var database: DatabaseOptions
    @OptionGroup var logging: LogOptions
    @Option(help: "Seed of the generator; the same seed gives the same data.") var seed: UInt64 = 42

    func run() async throws {
        try await database.withStore(logger: logging.bootstrap()) { store in
            let status = try await store.migrator.status()
            if !status.isCurrent {
                guard store.database.engine == .sqlite else { throw ValidationError("run `clientele migrate` first") }
                try await store.migrator.migrate()
            }
            let company = DemoCompany(store: store, seed: seed)
            guard try await company.isNeeded() else {
                throw ValidationError("the database already has users; the demo loads only into an empty one")
            }
            try await company.load()
            print("Demo loaded. Sign in as \(DemoCompany.adminEmail) / \(DemoCompany.password)")
        }
    }
}
