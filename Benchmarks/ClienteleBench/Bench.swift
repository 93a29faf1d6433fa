import CRMCore
import CRMStore
import CRMWeb
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging

/// The benchmark harness: builds a dataset through the product's own bulk path, measures, and writes
/// `Benchmarks/results/<date>.md` and `.json`. Run it in release mode through `Benchmarks/run`.
@main
struct Bench {
    static func main() async {
        do {
            try await run()
        } catch {
            FileHandle.standardError.write(Data("benchmark failed: \(error)\n".utf8))
            exit(1)
        }
    }

    static func run() async throws {
        let options = try Options(CommandLine.arguments.dropFirst())
        if options.only == "processes" {
            var report = Report(options: options, name: "processes", title: "process engine")
            try await ProcessBenchmark(instances: options.instances).run(into: &report)
            try report.write(to: options.resultsDir)
            return
        }
        if options.only == "http-ceiling" {
            try await HTTPCeiling.serve(port: options.port)
            return
        }
        if options.only == "import" {
            var report = Report(options: options, name: "import-\(options.contacts)", title: "importing \(options.contacts) contacts")
            try await ImportBenchmark(rows: options.contacts, runs: min(options.runs, 5), dataDir: options.baseDir).run(into: &report)
            try report.write(to: options.resultsDir)
            return
        }
        if options.only == "search" {
            var report = Report(options: options, name: "search-\(options.contacts)", title: "search over \(options.contacts) contacts")
            try await SearchBenchmark(contacts: options.contacts, runs: options.runs, dataDir: options.baseDir).run(into: &report)
            try report.write(to: options.resultsDir)
            return
        }
        var logger = Logger(label: "bench")
        logger.logLevel = .warning
        let sqlitePath = options.databaseURL == nil ? options.dataDir + "/clientele.sqlite" : nil
        let database =
            try sqlitePath.map { try Database.sqlite(path: $0, logger: logger) }
            ?? Database.postgres(url: options.databaseURL!, maxConnections: 8, logger: logger)
        let store = Store(database: database, bcryptCost: 4)
        var report =
            sqlitePath == nil
            ? Report(options: options, name: "\(options.deals)-postgresql", title: "\(options.deals) deals on PostgreSQL")
            : Report(options: options, name: options.only.map { "\($0)-\(options.deals)" } ?? "\(options.deals)", title: "\(options.deals) deals")
        do {
            if options.only == nil { try await ProcessBenchmark(instances: options.instances).run(into: &report) }
            let started = ContinuousClock.now
            let applied = try await store.migrator.migrate()
            if !applied.isEmpty {
                report.note(
                    "Migrations \(applied.map(String.init).joined(separator: ", ")) applied to the existing data in \(started.duration(to: .now).formatted(.units(allowed: [.seconds], fractionalPart: .show(length: 1))))."
                )
            }
            let dataset = try await Dataset.prepare(store, deals: options.deals, report: &report)
            if options.only != "reports" {
                try await CardBenchmark(store: store, dataset: dataset, runs: options.runs, dataPath: sqlitePath).run(into: &report)
            }
            if options.only == nil {
                try await BoardBenchmark(store: store, dataset: dataset, runs: options.runs, dataPath: sqlitePath).run(into: &report)
            }
            if options.only != "card" {
                try await ReportBenchmark(store: store, dataset: dataset, runs: options.runs, dataPath: sqlitePath).run(into: &report)
            }
        } catch {
            await database.shutdown()
            throw error
        }
        await database.shutdown()
        try report.write(to: options.resultsDir)
    }
}

struct Options {
    var deals = 1_000_000
    var runs = 30
    var dataDir = FileManager.default.temporaryDirectory.appendingPathComponent("clientele-bench").path
    var resultsDir = "Benchmarks/results"
    /// `processes` runs only the process-engine benchmark, which needs no dataset; `http-ceiling` serves the
    /// minimal endpoint on `port` until killed; `search` runs the search benchmark over `contacts` contacts;
    /// `card` measures only the customer card on the `deals` dataset, `reports` only the funnel reports.
    var only: String?
    var instances = 20_000
    var port = 8090
    var contacts = 1_000_000
    /// Runs the dataset and its measurements on PostgreSQL instead of a SQLite file.
    var databaseURL: String?
    /// The directory that holds one data directory per dataset (`deals-N`, `contacts-N`).
    var baseDir = FileManager.default.temporaryDirectory.appendingPathComponent("clientele-bench").path

    init(_ arguments: ArraySlice<String>) throws {
        var rest = arguments
        while let flag = rest.popFirst() {
            guard let value = rest.popFirst() else { throw BenchError("\(flag) needs a value") }
            switch flag {
            case "--deals": deals = Int(value) ?? deals
            case "--runs": runs = Int(value) ?? runs
            case "--data-dir": dataDir = value
            case "--results": resultsDir = value
            case "--only": only = value
            case "--instances": instances = Int(value) ?? instances
            case "--port": port = Int(value) ?? port
            case "--contacts": contacts = Int(value) ?? contacts
            case "--database-url": databaseURL = value
            default:
                throw BenchError(
                    "unknown option \(flag); use --deals N --runs N --data-dir DIR --results DIR --only processes|http-ceiling|search|card|reports|import --instances N --port N --contacts N --database-url URL"
                )
            }
        }
        baseDir = dataDir
        dataDir = URL(fileURLWithPath: dataDir).appendingPathComponent("deals-\(deals)").path
    }
}

struct BenchError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Milliseconds of repeated runs of one operation, and their percentiles.
struct Timing: Codable {
    let name: String
    let runs: [Double]

    var p50: Double { percentile(0.5) }
    var p95: Double { percentile(0.95) }
    var max: Double { runs.max() ?? 0 }

    func percentile(_ fraction: Double) -> Double {
        let sorted = runs.sorted()
        guard !sorted.isEmpty else { return 0 }
        return sorted[min(sorted.count - 1, Int((Double(sorted.count - 1) * fraction).rounded()))]
    }

    static func measure(_ name: String, runs: Int, _ body: () async throws -> Void) async rethrows -> Timing {
        try await body()  // warm-up: the first run pays for cold caches and is not counted
        var times: [Double] = []
        for _ in 0..<runs {
            let start = ContinuousClock.now
            try await body()
            let elapsed = ContinuousClock.now - start
            times.append(Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15)
        }
        return Timing(name: name, runs: times)
    }
}
