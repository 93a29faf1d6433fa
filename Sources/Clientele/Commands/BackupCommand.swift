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
            SQLite: VACUUM INTO writes a compact, consistent copy from one read transaction, and the file contents \
            it refers to go into FILE.files/ (hard links when on the same disk); restore with `clientele restore`. \
            PostgreSQL: runs pg_dump (custom format) against the same URL, which holds file contents kept in the \
            database; restore with pg_restore into an empty database. Contents in an S3 bucket are the bucket's to \
            keep (turn on versioning).
            """
    )
    @OptionGroup var database: DatabaseOptions
    @OptionGroup var logging: LogOptions
    @OptionGroup(title: "Files") var files: FileOptions
    @Option(help: "The file to write; it must not exist yet.") var to: String

    func run() async throws {
        let target = URL(fileURLWithPath: to).standardizedFileURL.path
        guard !FileManager.default.fileExists(atPath: target) else { throw ValidationError("\(target) exists; choose a new file") }
        if let url = database.resolvedURL {
            try runPgDump(url: url, to: target)
        } else {
            let configuration = try files.configuration()
            let backup = try await database.withStore(logger: logging.bootstrap(), files: configuration) { store in
                try await store.backup(to: target)
            }
            if let folder = backup.filesDirectory { print("\(backup.files) file(s) written to \(folder)") }
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
