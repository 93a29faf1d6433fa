import Foundation

/// Runs SQL in the `sqlite3` command-line shell on the benchmark's file and reads its own timer: the floor
/// against which the product's figures are compared.
enum SQLiteCLI {
    /// Milliseconds per run of all statements in `sql` together (the sum of the shell's "Run Time" lines);
    /// nil when the shell is not installed or the dataset is not in a SQLite file. The first run warms the cache
    /// and is dropped.
    static func timing(_ name: String, path: String?, sql: String, runs: Int) throws -> Timing? {
        guard let path, FileManager.default.isExecutableFile(atPath: "/usr/bin/sqlite3") else { return nil }
        var times: [Double] = []
        for _ in 0...runs {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
            process.arguments = [path]
            let input = Pipe()
            let output = Pipe()
            process.standardInput = input
            process.standardOutput = output
            try process.run()
            // Dot-commands given as arguments do not switch the timer on; on standard input they do.
            input.fileHandleForWriting.write(Data(".timer on\n\(sql)\n".utf8))
            try input.fileHandleForWriting.close()
            let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            let seconds = text.split(separator: "\n").filter { $0.hasPrefix("Run Time:") }.compactMap { line -> Double? in
                let words = line.split(separator: " ")
                return words.firstIndex(of: "real").flatMap { Double(words[$0 + 1]) }
            }
            if !seconds.isEmpty { times.append(seconds.reduce(0, +) * 1000) }
        }
        return times.count > 1 ? Timing(name: name, runs: Array(times.dropFirst())) : nil
    }
}
