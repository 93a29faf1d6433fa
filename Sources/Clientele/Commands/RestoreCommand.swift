import ArgumentParser
import Foundation

/// Puts a SQLite backup (and its files) back as the data directory's database.
struct RestoreCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restore",
        abstract: "Restore a SQLite backup written by `clientele backup`, with its files.",
        discussion: """
            Stop Clientele first. The backup's database becomes DATA_DIR/clientele.sqlite and its files go back \
            into DATA_DIR/files. A data directory that already holds a database is refused unless --replace is \
            given; the database it held is then kept beside it as clientele.sqlite.replaced-<time>.
            """
    )
    @Option(help: "Directory of the embedded SQLite database (default ./clientele-data; env CLIENTELE_DATA_DIR).")
    var dataDir: String?
    @Option(help: "The backup file written by `clientele backup --to`.") var from: String
    @Flag(help: "Replace the database the data directory holds now.") var replace = false

    func run() async throws {
        let manager = FileManager.default
        let source = URL(fileURLWithPath: from).standardizedFileURL.path
        guard manager.fileExists(atPath: source) else { throw OperatorError("\(source) does not exist") }
        let directory = URL(fileURLWithPath: dataDir ?? ProcessInfo.processInfo.environment["CLIENTELE_DATA_DIR"] ?? "./clientele-data")
            .standardizedFileURL.path
        let database = "\(directory)/clientele.sqlite"
        try manager.createDirectory(atPath: directory, withIntermediateDirectories: true)
        if manager.fileExists(atPath: database) {
            guard replace else { throw OperatorError("\(database) exists; stop Clientele and add --replace to put the backup in its place") }
            let stamp = Int(Date().timeIntervalSince1970)
            try manager.moveItem(atPath: database, toPath: "\(database).replaced-\(stamp)")
        }
        for suffix in ["-wal", "-shm"] { try? manager.removeItem(atPath: database + suffix) }
        // Copy beside, then rename: a crash halfway leaves no half database under the real name.
        let partial = database + ".restoring"
        try? manager.removeItem(atPath: partial)
        try manager.copyItem(atPath: source, toPath: partial)
        try manager.moveItem(atPath: partial, toPath: database)
        var restored = 0
        let files = source + ".files"
        if let enumerator = manager.enumerator(atPath: files) {
            while let relative = enumerator.nextObject() as? String {
                let from = "\(files)/\(relative)"
                var isFolder: ObjCBool = false
                guard manager.fileExists(atPath: from, isDirectory: &isFolder), !isFolder.boolValue else { continue }
                let to = "\(directory)/files/\(relative)"
                // Contents are named by their hash: one already there is the same bytes.
                guard !manager.fileExists(atPath: to) else { continue }
                try manager.createDirectory(atPath: (to as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
                try manager.copyItem(atPath: from, toPath: to)
                restored += 1
            }
        }
        print("Restored \(database)\(restored > 0 ? " and \(restored) file(s) into \(directory)/files" : "")")
    }
}
