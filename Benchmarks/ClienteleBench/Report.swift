import Foundation

/// What a benchmark run found, written as Markdown for people and JSON for tools, with the machine's description.
struct Report: Encodable {
    struct Load: Encodable {
        let deals: Int
        let transitions: Int
        let seconds: Double
    }

    let date = Date()
    let deals: Int
    var load: Load?
    var timings: [Timing] = []
    var checks: [String] = []
    var notes: [String] = []
    /// A product figure beside the same work done by hand in the `sqlite3` CLI, as p50 ratios.
    var comparisons: [Comparison] = []
    let machine = Machine.describe()

    /// What the run measured, in its file name: a deal count, `processes` or `search-<contacts>`.
    let name: String
    let title: String

    init(options: Options, name: String, title: String) {
        deals = options.deals
        self.name = name
        self.title = title
    }

    struct Comparison: Encodable {
        let name: String
        let product: Double
        let floor: Double
        var ratio: Double { floor > 0 ? product / floor : 0 }
    }

    mutating func note(_ text: String) { notes.append(text) }

    mutating func compare(_ name: String, _ product: Timing, with floor: Timing) {
        comparisons.append(Comparison(name: name, product: product.p50, floor: floor.p50))
    }

    func write(to directory: String) throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let stamp = date.formatted(.iso8601.year().month().day()) + "-\(name)"
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        try encoder.encode(self).write(to: URL(fileURLWithPath: "\(directory)/\(stamp).json"))
        try markdown.write(toFile: "\(directory)/\(stamp).md", atomically: true, encoding: .utf8)
        print(markdown)
    }

    var markdown: String {
        var lines = ["# Benchmarks, \(title)", "", "Run \(date.formatted(.iso8601)) on \(machine.summary).", ""]
        if let load {
            lines.append(
                "Loaded \(load.deals) deals with \(load.transitions) stage-log rows through `FunnelStore.importDeals` in \(String(format: "%.1f", load.seconds)) s (\(Int(Double(load.deals) / load.seconds)) deals/s, \(Int(Double(load.transitions) / load.seconds)) log rows/s)."
            )
            lines.append("")
        }
        lines += ["| operation | p50 ms | p95 ms | max ms | runs |", "|---|---:|---:|---:|---:|"]
        for timing in timings {
            lines.append(
                "| \(timing.name) | \(String(format: "%.1f", timing.p50)) | \(String(format: "%.1f", timing.p95)) | \(String(format: "%.1f", timing.max)) | \(timing.runs.count) |"
            )
        }
        if !comparisons.isEmpty {
            lines += [
                "", "Against the same aggregates written by hand and run in the `sqlite3` CLI on the same file (p50 to p50):", "",
                "| figure | product ms | sqlite3 CLI ms | ratio |", "|---|---:|---:|---:|",
            ]
            for comparison in comparisons {
                lines.append(
                    "| \(comparison.name) | \(String(format: "%.1f", comparison.product)) | \(String(format: "%.1f", comparison.floor)) | \(String(format: "%.2f", comparison.ratio))× |"
                )
            }
        }
        lines += [""] + checks.map { "- \($0)" } + notes.map { "- \($0)" }
        return lines.joined(separator: "\n") + "\n"
    }

    struct Machine: Encodable {
        let cpu: String
        let cores: Int
        let memoryGiB: Double
        let os: String

        var summary: String { "\(cpu), \(cores) cores, \(String(format: "%.0f", memoryGiB)) GiB, \(os)" }

        static func describe() -> Machine {
            let cpuInfo = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
            let model =
                cpuInfo.split(separator: "\n").first { $0.hasPrefix("model name") }?.split(separator: ":").last.map {
                    $0.trimmingCharacters(in: .whitespaces)
                } ?? "unknown CPU"
            return Machine(
                cpu: model,
                cores: ProcessInfo.processInfo.activeProcessorCount,
                memoryGiB: Double(ProcessInfo.processInfo.physicalMemory) / 1_073_741_824,
                os: ProcessInfo.processInfo.operatingSystemVersionString
            )
        }
    }
}
