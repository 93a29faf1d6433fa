import ArgumentParser
import CRMCore
import CRMStore
import Foundation

@main
struct Clientele: AsyncParsableCommand {
    static let version = "0.1.0"

    static let configuration = CommandConfiguration(
        commandName: "clientele",
        abstract: "Clientele, a self-hosted CRM.",
        version: version,
        subcommands: [
            ServeCommand.self, MigrateCommand.self, UserCommand.self, TokenCommand.self, DemoCommand.self,
            BackupCommand.self, RestoreCommand.self, ImportCommand.self, VersionCommand.self,
        ]
    )
}
