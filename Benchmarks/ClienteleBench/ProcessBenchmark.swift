import CRMCore
import Foundation

/// Instances per second of the representative process (`Benchmarks/processes/order.bpmn`: a user task, an
/// exclusive gateway, service tasks, a parallel fork and join), run by the engine in memory, beside
/// SpiffWorkflow running the same file in the same run (`Benchmarks/spiff_bench.py`).
struct ProcessBenchmark {
    let file = "Benchmarks/processes/order.bpmn"
    let instances: Int

    func run(into report: inout Report) throws {
        let definition = try BPMNReader.read(try Data(contentsOf: URL(fileURLWithPath: file)))
        let engine = ProcessEngine(definition: definition) { _, _, _ in [:] }
        let now = Timestamp.now
        var completed = 0
        var rounds: [Double] = []
        // Several rounds, so the figure is a median rather than one noisy total.
        for _ in 0..<5 {
            let started = DispatchTime.now().uptimeNanoseconds
            for index in 0..<instances {
                var instance = try engine.start(at: now)
                guard let task = instance.openTasks.first else { throw BenchError("the order process has no open task") }
                try engine.complete(&instance, task: task.id, variables: ["amount": ProcessValue(index % 2 == 0 ? 1_500 : 500)], at: now)
                if instance.status == .completed { completed += 1 }
            }
            rounds.append(Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9)
        }
        guard completed == instances * 5 else { throw BenchError("only \(completed) of \(instances * 5) instances completed") }
        let seconds = rounds.sorted()[2]
        let mine = Double(instances) / seconds
        report.timings.append(Timing(name: "process engine, in memory: \(instances) order instances (start, complete the user task, run to the end)", runs: rounds.map { $0 * 1000 }))
        report.note("Process engine in memory: \(Int(mine)) instances/s (median of 5 rounds of \(instances)).")
        guard let spiff = try spiffWorkflow(count: max(200, instances / 50)) else {
            report.note("SpiffWorkflow is not installed (pip install SpiffWorkflow); no ratio this run.")
            return
        }
        report.note("SpiffWorkflow \(spiff.version) on the same file: \(Int(spiff.perSecond)) instances/s; Clientele in memory is \(String(format: "%.0f", mine / spiff.perSecond))× faster.")
    }

    private func spiffWorkflow(count: Int) throws -> (version: String, perSecond: Double)? {
        let version = try python(["-c", "import importlib.metadata as m; print(m.version('SpiffWorkflow'))"])
        guard let version, !version.isEmpty else { return nil }
        guard let output = try python(["Benchmarks/spiff_bench.py", file, String(count)]),
              let json = try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any],
              let perSecond = json["per_second"] as? Double, json["completed"] as? Int == count else {
            throw BenchError("Benchmarks/spiff_bench.py did not complete its instances")
        }
        return (version, perSecond)
    }

    private func python(_ arguments: [String]) throws -> String? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3"] + arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { return nil }
        return String(data: data, encoding: .utf8)?.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
