import ArgumentParser
import CRMCore
import CRMStore
import Foundation

/// A consistent copy of the database while the server keeps running.
struct BackupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "Copy the database consistently while Clientele runs.",
        discussion: """
            SQLite: VACUUM INTO writes a compact, consistent copy from one read transaction; restore by stopping \
            Clientele and putting the file in place of clientele.sqlite. PostgreSQL: runs pg_dump (custom format) \
            against the same URL; restore with pg_restore into an empty database.
            """
    )
    @OptionGroup var database: DatabaseOptions
    @OptionGroup var logging: LogOptions
    @Option(help: "The file to write; it must not exist yet.") var to: String

    func run() async throws {
        let target = URL(fileURLWithPath: to).standardizedFileURL.path
        guard !FileManager.default.fileExists(atPath: target) else { throw ValidationError("\(target) exists; choose a new file") }
        if let url = database.resolvedURL {
            try runPgDump(url: url, to: target)
        } else {
            try await database.withStore(logger: logging.bootstrap()) { store in
                try await store.backup(to: target)
            }
        }
        print("Backup written to \(target)")
    }

    private func runPgDump(url: String, to target: String) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["pg_dump", "--format=custom", "--file=\(target)", "--dbname=\(url)"]
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw ValidationError("pg_dump failed with status \(process.terminationStatus); is the PostgreSQL client installed?")
        }
    }
}
