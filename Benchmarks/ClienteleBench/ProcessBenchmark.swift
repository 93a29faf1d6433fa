import CRMCore
import CRMStore
import Foundation
import Logging
import SQLKit

/// Instances per second of the representative process (`Benchmarks/processes/order.bpmn`: a user task, an
/// exclusive gateway, service tasks, a parallel fork and join), run by the engine in memory, beside
/// SpiffWorkflow running the same file in the same run (`Benchmarks/spiff_bench.py`).
struct ProcessBenchmark {
    let file = "Benchmarks/processes/order.bpmn"
    let instances: Int

    func run(into report: inout Report) async throws {
        let definition = try BPMNReader.read(try Data(contentsOf: URL(fileURLWithPath: file)))
        let engine = ProcessEngine(definition: definition, services: { _, _, _ in [:] })
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
        report.timings.append(
            Timing(
                name: "process engine, in memory: \(instances) order instances (start, complete the user task, run to the end)",
                runs: rounds.map { $0 * 1000 }
            )
        )
        report.note("Process engine in memory: \(Int(mine)) instances/s (median of 5 rounds of \(instances)).")
        let durable = try await durableOnSQLite(count: max(200, instances / 20))
        report.note(
            "Process engine durable on SQLite (every step, open task and queued action committed, actions run by the worker path): \(Int(durable)) instances/s."
        )
        guard let spiff = try spiffWorkflow(count: max(200, instances / 50)) else {
            report.note("SpiffWorkflow is not installed (pip install SpiffWorkflow); no ratio this run.")
            return
        }
        report.note(
            "SpiffWorkflow \(spiff.version) on the same file, in memory: \(Int(spiff.perSecond)) instances/s; Clientele is \(String(format: "%.0f", mine / spiff.perSecond))× faster in memory and \(String(format: "%.1f", durable / spiff.perSecond))× durable."
        )
    }

    /// The same instances through the store on a fresh SQLite file: start, complete the task, run the queued
    /// service actions, each in its own transactions as in production.
    private func durableOnSQLite(count: Int) async throws -> Double {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("clientele-bench-processes-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        var logger = Logger(label: "bench")
        logger.logLevel = .warning
        let database = try Database.sqlite(path: directory.appendingPathComponent("clientele.sqlite").path, logger: logger)
        let store = Store(database: database, bcryptCost: 4)
        do {
            try await store.migrator.migrate()
            let admin = AccessContext.system(reason: "benchmark")
            _ = try await store.processes.deploy(admin, bpmn: try Data(contentsOf: URL(fileURLWithPath: file)))
            let started = DispatchTime.now().uptimeNanoseconds
            for index in 0..<count {
                let instance = try await store.processes.start(admin, key: "order")
                _ = try await store.processes.complete(
                    admin,
                    instance: instance.id,
                    task: instance.state.openTasks[0].id,
                    variables: ["amount": ProcessValue(index % 2 == 0 ? 1_500 : 500)]
                )
                while try await store.processes.runEffects() > 0 {}
            }
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
            let completed = try await store.database.read { db in
                try await db.raw("SELECT COUNT(*) AS n FROM process_instances WHERE status = 'completed'").first()!.decode(column: "n", as: Int.self)
            }
            await database.shutdown()
            guard completed == count else { throw BenchError("only \(completed) of \(count) durable instances completed") }
            return Double(count) / seconds
        } catch {
            await database.shutdown()
            throw error
        }
    }

    private func spiffWorkflow(count: Int) throws -> (version: String, perSecond: Double)? {
        let version = try python(["-c", "import importlib.metadata as m; print(m.version('SpiffWorkflow'))"])
        guard let version, !version.isEmpty else { return nil }
        guard let output = try python(["Benchmarks/spiff_bench.py", file, String(count)]),
            let json = try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any],
            let perSecond = json["per_second"] as? Double, json["completed"] as? Int == count
        else {
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
