import CRMCore
import CRMTestSupport
import Foundation
import Synchronization
import Testing

/// Each scenario follows the behaviour the BPMN files' manifest expects of them (`../shared/data/bpmn`).
@Suite("Running BPMN processes")
struct ProcessEngineTests {
    static let t0 = Timestamp(rawValue: 1_800_000_000_000)

    static func definition(_ names: String...) throws -> ProcessDefinition? {
        guard let folder = SharedData.folder("bpmn/accept") else { return nil }
        var merged: ProcessDefinition?
        for name in names {
            let data = try Data(contentsOf: folder.appendingPathComponent(name + ".bpmn"))
            let read = try BPMNReader.read(data)
            if merged == nil { merged = read } else { merged!.processes += read.processes }
        }
        return merged
    }

    static func engine(_ names: String..., services: @escaping ProcessEngine.Services = { _, _, _ in [:] }) throws -> ProcessEngine? {
        var definition: ProcessDefinition?
        for name in names {
            guard let read = try Self.definition(name) else { return nil }
            if definition == nil { definition = read } else { definition!.processes += read.processes }
        }
        return definition.map { ProcessEngine(definition: $0, services: services) }
    }

    /// Completes open tasks one by one (filling in `values` for the task named) until none is left.
    static func completeAll(
        _ engine: ProcessEngine,
        _ instance: inout ProcessInstance,
        _ values: [String: [String: ProcessValue]] = [:]
    ) throws -> [String] {
        var done: [String] = []
        while let task = instance.openTasks.first {
            try engine.complete(&instance, task: task.id, variables: values[task.node] ?? [:], at: t0)
            done.append(task.node)
        }
        return done
    }

    @Test("straight, parallel and looping flows run each step the expected number of times")
    func flows() throws {
        guard let empty = try Self.engine("spiff_no-tasks") else { return }
        #expect(try empty.start(at: Self.t0).status == .completed)

        let parallel = try #require(try Self.engine("spiff_ParallelOrder"))
        let order = try parallel.start(at: Self.t0)
        #expect(order.status == .completed)
        let tasks = parallel.definition.processes[0].nodes.filter { if case .task(.none) = $0.kind { true } else { false } }.map(\.id)
        #expect(tasks.count == 4 && tasks.allSatisfy { id in order.trail.filter { $0 == id }.count == 1 })
        let joins = parallel.definition.processes[0].nodes.filter { if case .gateway(.parallel, _) = $0.kind { true } else { false } }.map(\.id)
        #expect(joins.allSatisfy { id in order.trail.filter { $0 == id }.count == 1 })

        let loop = try #require(try Self.engine("spiff_gateway_loop_input"))
        let looped = try loop.start(at: Self.t0)
        #expect(looped.status == .completed && looped.variables["x"] == ProcessValue(2))
    }

    @Test("an exclusive gateway takes the true condition, and with none true and no default raises an incident")
    func exclusive() throws {
        guard let engine = try Self.engine("spiff_exclusive_gateway_no_default") else { return }
        let greater = try engine.start(variables: ["x": ProcessValue(2)], at: Self.t0)
        #expect(greater.status != .running && greater.status != .failed && greater.trail.contains("Activity_Greater"))
        let less = try engine.start(variables: ["x": ProcessValue(0)], at: Self.t0)
        #expect(less.trail.contains("Activity_Less") && !less.trail.contains("Activity_Greater"))
        var stuck = try engine.start(variables: ["x": ProcessValue(1)], at: Self.t0)
        #expect(stuck.status == .failed && stuck.incident?.contains("Gateway_CheckValue") == true)
        // An admin fixes the data and retries: the instance goes on from the gateway.
        stuck.variables["x"] = ProcessValue(5)
        engine.retry(&stuck, at: Self.t0)
        #expect(stuck.status != .failed && stuck.trail.contains("Activity_Greater"))
    }

    @Test("user and manual tasks wait for people; scripts and forms set variables")
    func people() throws {
        guard let script = try Self.engine("spiff_script-start") else { return }
        var started = try script.start(at: Self.t0)
        #expect(started.openTasks.map(\.node) == ["manual"])
        _ = try Self.completeAll(script, &started)
        #expect(started.status == .completed && started.variables["z"] == ProcessValue(3))

        let trial = try #require(try Self.engine("spiffcam_token_trial_parallel_simple"))
        var parallel = try trial.start(at: Self.t0)
        let done = try Self.completeAll(trial, &parallel, ["Activity_1ghr6kd": ["skipParallel": .bool(false)]])
        #expect(Set(done) == ["Activity_1ghr6kd", "UserTask_0fd3nql", "UserTask_1k9gxsc"] && parallel.status == .completed)
        var skipped = try trial.start(at: Self.t0)
        #expect(try Self.completeAll(trial, &skipped, ["Activity_1ghr6kd": ["skipParallel": .bool(true)]]) == ["Activity_1ghr6kd"])
        #expect(skipped.status == .completed)

        let sub = try #require(try Self.engine("spiffcam_subWorkflowComplex"))
        var complex = try sub.start(at: Self.t0)
        #expect(Set(try Self.completeAll(sub, &complex)) == ["Activity_A", "Activity_A1", "Activity_A2", "Activity_B"])
        #expect(complex.status == .completed)
    }

    @Test("an inclusive gateway takes every true branch and joins them once")
    func inclusive() throws {
        guard let engine = try Self.engine("spiff_inclusive_gateway") else { return }
        var instance = try engine.start(at: Self.t0)
        _ = try Self.completeAll(engine, &instance, ["set_data": ["u": ProcessValue(1), "v": ProcessValue(0), "w": ProcessValue(1)]])
        #expect(instance.status == .completed)
        #expect(instance.trail.contains("u_plus_v") && instance.trail.contains("w_plus_v") && !instance.trail.contains("increment_v"))
        #expect(instance.trail.filter { $0 == "second" }.count == 1)
    }

    @Test("timers wait until due; a non-interrupting boundary timer runs beside its open task")
    func timers() throws {
        guard let timer = try Self.engine("spiff_timer") else { return }
        var waiting = try timer.start(at: Self.t0)
        #expect(waiting.status == .running && waiting.nextTimer == Timestamp(rawValue: Self.t0.rawValue + 250))
        timer.wake(&waiting, at: Timestamp(rawValue: Self.t0.rawValue + 100))
        #expect(waiting.status == .running)
        timer.wake(&waiting, at: Timestamp(rawValue: Self.t0.rawValue + 300))
        #expect(waiting.status == .completed)

        let boundary = try #require(try Self.engine("spiff_boundary_timer_on_task"))
        var task = try boundary.start(at: Self.t0)
        #expect(task.openTasks.map(\.node) == ["user_task"] && task.variables["timer_called"] == .bool(false))
        boundary.wake(&task, at: Timestamp(rawValue: Self.t0.rawValue + 10))
        #expect(task.variables["timer_called"] == .bool(true) && task.openTasks.map(\.node) == ["user_task"])
        _ = try Self.completeAll(boundary, &task)
        #expect(task.status == .completed)
    }

    @Test("an event-based gateway follows whichever happens first: a message or its timer")
    func eventGateway() throws {
        guard let engine = try Self.engine("spiff_event-gateway") else { return }
        var byMessage = try engine.start(at: Self.t0)
        #expect(engine.deliver(&byMessage, message: "message_2", at: Self.t0))
        #expect(byMessage.status == .completed && byMessage.trail.last == "message_2_end" && byMessage.boundaryTimers.isEmpty)
        var byTimer = try engine.start(at: Self.t0)
        #expect(!engine.deliver(&byTimer, message: "nobody waits for this", at: Self.t0))
        engine.wake(&byTimer, at: Timestamp(rawValue: Self.t0.rawValue + 1_000))
        #expect(byTimer.status == .completed && byTimer.trail.last == "timer")
    }

    @Test("multi-instance tasks run once per item or cardinality, in sequence or in parallel")
    func multiInstance() throws {
        guard let sequential = try Self.engine("spiff_sequential_multiinstance_cardinality") else { return }
        let three = try sequential.start(at: Self.t0)
        #expect(three.status == .completed && three.trail.filter { $0 == "any_task" }.count == 4)  // 3 passes and the host
        let parallel = try #require(try Self.engine("spiff_parallel_multiinstance_loop_input"))
        let items = try parallel.start(variables: ["input_data": .list([ProcessValue(1), ProcessValue(2)])], at: Self.t0)
        #expect(items.status == .completed && items.trail.filter { $0 == "any_task" }.count == 3)
        let none = try parallel.start(variables: ["input_data": .list([])], at: Self.t0)
        #expect(none.status == .completed)
    }

    @Test("a call activity runs the called process and its variables come back")
    func callActivity() throws {
        guard let engine = try Self.engine("spiff_call_activity_end_event", "spiff_call_activity_call_activity") else { return }
        let instance = try engine.start("Process_8200379", at: Self.t0)
        #expect(instance.status == .completed, "\(instance.incident ?? "")")
        #expect(instance.variables["my_var"] == .string("World") && instance.variables["my_other_var"] == .string("Mike"))
    }

    @Test("service tasks call the host's actions; a failing action is an incident that a retry clears")
    func services() throws {
        let calls = Mutex<[String]>([])
        let failing = Mutex(true)
        guard
            let engine = try Self.engine(
                "c7ex_TwitterDemoProcess",
                services: { action, node, _ throws(ProcessEngine.ServiceFailure) in
                    calls.withLock { $0.append(node.id) }
                    if node.id == "service_task_publish_on_twitter", failing.withLock({ $0 }) { throw .failure("Twitter is down") }
                    return ["published": .bool(true)]
                }
            )
        else { return }
        var rejected = try engine.start(at: Self.t0)
        _ = try Self.completeAll(engine, &rejected, ["user_task_review_tweet": ["approved": .bool(false)]])
        #expect(rejected.status == .completed && calls.withLock { $0 } == ["service_task_send_rejection_notification"])
        var approved = try engine.start(at: Self.t0)
        _ = try Self.completeAll(engine, &approved, ["user_task_review_tweet": ["approved": .bool(true)]])
        #expect(approved.status == .failed && approved.incident?.contains("Twitter is down") == true)
        failing.withLock { $0 = false }
        engine.retry(&approved, at: Self.t0)
        #expect(approved.status == .completed && approved.variables["published"] == .bool(true))
    }

    @Test("an instance survives being stored and read back mid-way")
    func codable() throws {
        guard let engine = try Self.engine("spiffcam_subWorkflowComplex") else { return }
        let instance = try engine.start(at: Self.t0)
        var restored = try JSONDecoder().decode(ProcessInstance.self, from: try JSONEncoder().encode(instance))
        #expect(restored == instance)
        _ = try Self.completeAll(engine, &restored)
        #expect(restored.status == .completed)
    }

    static func at(_ milliseconds: Int64) -> Timestamp { Timestamp(rawValue: t0.rawValue + milliseconds) }

    @Test("an interrupting timer on a subprocess cancels it; answering first ends normally")
    func interruptingBoundary() throws {
        guard let engine = try Self.engine("spiff_boundary") else { return }
        var patient = try engine.start(at: Self.t0)
        _ = try Self.completeAll(engine, &patient, ["Activity_Pester_Dad": ["answer": .string("Yes")]])
        #expect(patient.status == .completed && !patient.trail.contains("Event_0iiih8g") && patient.boundaryTimers.isEmpty)

        var fedUp = try engine.start(at: Self.t0)
        let ready = try #require(fedUp.openTasks.first)
        try engine.complete(&fedUp, task: ready.id, at: Self.t0)
        let pester = try #require(fedUp.openTasks.first)
        try engine.complete(&fedUp, task: pester.id, variables: ["answer": .string("No")], at: Self.at(10))
        #expect(fedUp.openTasks.map(\.node) == ["Activity_Pester_Dad"])
        engine.wake(&fedUp, at: Self.at(50))
        #expect(fedUp.openTasks.map(\.node) == ["Activity_1ya1db2"], "the subprocess and its task are cancelled")
        _ = try Self.completeAll(engine, &fedUp, ["StopCar": [:]])
        #expect(fedUp.status == .completed && fedUp.trail.contains("StopCar"))
    }

    @Test("a non-interrupting timer adds a task beside the running subprocess, and the join waits for both")
    func nonInterruptingBoundary() throws {
        guard let engine = try Self.engine("spiff_timer-non-interrupt-boundary") else { return }
        var late = try engine.start(at: Self.t0)
        engine.wake(&late, at: Self.at(250))
        #expect(Set(late.openTasks.map(\.node)) == ["Activity_Work", "GetReason"])
        let work = try #require(late.openTasks.first { $0.node == "Activity_Work" })
        try engine.complete(&late, task: work.id, variables: ["work_done": .string("Yes")], at: Self.at(300))
        #expect(late.status == .running && late.openTasks.map(\.node) == ["GetReason"])
        _ = try Self.completeAll(engine, &late)
        #expect(late.status == .completed)

        var prompt = try engine.start(at: Self.t0)
        _ = try Self.completeAll(engine, &prompt, ["Activity_Work": ["work_done": .string("Yes")]])
        #expect(prompt.status == .completed && !prompt.trail.contains("GetReason"))
    }

    @Test("an error end event inside a subprocess is caught by the boundary on it")
    func errorBoundary() throws {
        guard let engine = try Self.engine("spiffext_error_event_payload") else { return }
        let thrown = try engine.start(variables: ["error": .bool(true)], at: Self.t0)
        #expect(thrown.status == .completed && thrown.trail.contains("catch") && thrown.trail.last == "Event_1nd3odq")
        let quiet = try engine.start(variables: ["error": .bool(false)], at: Self.t0)
        #expect(quiet.status == .completed && quiet.trail.last == "Event_1n1i393")
    }

    @Test("a signal thrown on one branch releases the branch waiting for it")
    func signals() throws {
        guard let engine = try Self.engine("spiffext_signal_event_payload") else { return }
        var instance = try engine.start(at: Self.t0)
        #expect(instance.tokens.contains { $0.node == "catch" })
        _ = try Self.completeAll(engine, &instance)
        #expect(instance.status == .completed && instance.trail.contains("catch"))
    }

    @Test("a message catch is waited for again when the flow loops back to it")
    func messagesInALoop() throws {
        guard let engine = try Self.engine("spiff_return_to_event") else { return }
        var instance = try engine.start(at: Self.t0)
        let message = try #require(engine.definition.processes[0].nodes.first { $0.id == "Event_10ncvxn" })
        guard case .intermediateCatch(.message(let name)) = message.kind else {
            Issue.record("not a message catch")
            return
        }
        #expect(engine.deliver(&instance, message: name, at: Self.t0))
        _ = try Self.completeAll(engine, &instance, ["manual": ["repeat": .bool(true)]])
        #expect(instance.status == .running && instance.tokens.map(\.wait) == [.message(name)])
        #expect(engine.deliver(&instance, message: name, at: Self.t0))
        _ = try Self.completeAll(engine, &instance, ["manual": ["repeat": .bool(false)]])
        #expect(instance.status == .completed)
    }

    @Test("service tasks without an implementation call the host once; a message start runs like a none start")
    func plainServiceAndMessageStart() throws {
        let calls = Mutex(0)
        guard
            let service = try Self.engine(
                "spiff_service_task",
                services: { _, _, _ throws(ProcessEngine.ServiceFailure) in
                    calls.withLock { $0 += 1 }
                    return [:]
                }
            )
        else { return }
        #expect(try service.start(at: Self.t0).status == .completed && calls.withLock { $0 } == 1)
        let message = try #require(try Self.engine("c7ex_message_start_process"))
        var started = try message.start(at: Self.t0)
        #expect(started.openTasks.count == 1)
        _ = try Self.completeAll(message, &started)
        #expect(started.status == .completed)
    }

    @Test("a call activity to a process that was not deployed with it is an incident")
    func missingCalledProcess() throws {
        guard let alone = try Self.engine("c7ex_job-announcement") else { return }
        var instance = try alone.start(at: Self.t0)
        _ = try Self.completeAll(
            alone,
            &instance,
            [:].merging(alone.definition.processes[0].nodes.map { ($0.id, ["approved": ProcessValue.bool(true)]) }) { $1 }
        )
        #expect(instance.status == .failed && instance.incident?.contains("not in this definition") == true)
        let together = try #require(try Self.engine("c7ex_job-announcement", "c7ex_job-announcement-publication"))
        var deployed = try together.start(variables: ["twitter": .bool(true), "facebook": .bool(false)], at: Self.t0)
        _ = try Self.completeAll(
            together,
            &deployed,
            [:].merging(together.definition.processes[0].nodes.map { ($0.id, ["approved": ProcessValue.bool(true)]) }) { $1 }
        )
        #expect(deployed.status == .completed, "\(deployed.incident ?? "")")
    }
}
