import ArgumentParser
import CRMStore

struct VersionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "version", abstract: "Print the version and the schema version it expects.")

    func run() {
        print("clientele \(Clientele.version)")
        print("schema \(Migrator.schemaVersion)")
    }
}
