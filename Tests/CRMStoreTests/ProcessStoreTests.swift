import CRMCore
import CRMStore
import CRMTestSupport
import Foundation
import SQLKit
import Testing

@Suite("Durable processes")
struct ProcessStoreTests {
    static func bpmn(timer: Bool) -> Data {
        Data("""
            <?xml version="1.0" encoding="UTF-8"?>
            <bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="d">
              <bpmn:process id="renewal" name="Contract renewal" isExecutable="true">
                <bpmn:startEvent id="start"/>
                <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="call"/>
                <bpmn:userTask id="call" name="Call the customer" camunda:candidateGroups="sales_rep"/>
                <bpmn:sequenceFlow id="f2" sourceRef="call" targetRef="offer"/>
                <bpmn:serviceTask id="offer" name="Send the offer" camunda:type="send_offer"/>
                <bpmn:sequenceFlow id="f3" sourceRef="offer" targetRef="\(timer ? "wait" : "end")"/>
                \(timer ? #"<bpmn:intermediateCatchEvent id="wait"><bpmn:timerEventDefinition><bpmn:timeDuration>PT1H</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:intermediateCatchEvent><bpmn:sequenceFlow id="f4" sourceRef="wait" targetRef="end"/>"# : "")
                <bpmn:endEvent id="end"/>
              </bpmn:process>
            </bpmn:definitions>
            """.utf8)
    }

    static let t0 = Timestamp(rawValue: 1_800_000_000_000)
    static let hour: Int64 = 3_600_000

    static func count(_ store: Store, _ sql: String) async throws -> Int {
        try await store.database.read { db in try await db.raw("\(unsafeRaw: sql)").first()!.decode(column: "n", as: Int.self) }
    }

    @Test("deploying adds versions; a file the engine cannot run, or a non-admin, changes nothing", arguments: TestEngine.available)
    func deploy(engine: TestEngine) async throws {
        try await TestDatabase.withStore(engine) { store in
            let world = try await World.make(store)
            let admin = try await world.context(world.admin)
            #expect(try await store.processes.deploy(admin, bpmn: Self.bpmn(timer: true)).map(\.version) == [1])
            #expect(try await store.processes.deploy(admin, bpmn: Self.bpmn(timer: false)).map(\.version) == [2])
            #expect(try await store.processes.definitions().map(\.name) == ["Contract renewal"])
            await #expect(throws: StoreError.self) {
                try await store.processes.deploy(admin, bpmn: Data("<bpmn:definitions xmlns:bpmn=\"http://www.omg.org/spec/BPMN/20100524/MODEL\"><bpmn:process id=\"p\"><bpmn:transaction id=\"t\"/></bpmn:process></bpmn:definitions>".utf8))
            }
            let rep = try await world.context(world.rafal)
            await #expect(throws: StoreError.self) { try await store.processes.deploy(rep, bpmn: Self.bpmn(timer: true)) }
            #expect(try await Self.count(store, "SELECT COUNT(*) AS n FROM process_definitions") == 2)
        }
    }

    @Test("an instance waits for a person and a timer, with every step stored; running ones keep their version", arguments: TestEngine.available)
    func lifecycle(engine: TestEngine) async throws {
        try await TestDatabase.withStore(engine) { store in
            let world = try await World.make(store)
            let admin = try await world.context(world.admin)
            _ = try await store.processes.deploy(admin, bpmn: Self.bpmn(timer: true))
            let rafal = try await world.context(world.rafal)
            let started = try await store.processes.start(rafal, key: "renewal", variables: ["company": .string("Łódź Trading")], at: Self.t0)
            let task = try #require(started.state.openTasks.first)
            #expect(try await Self.count(store, "SELECT COUNT(*) AS n FROM process_tasks") == 1)
            #expect(try await store.processes.tasks(rafal).map(\.name) == ["Call the customer"])
            let sergei = try await world.context(world.sergei)
            #expect(try await store.processes.tasks(try await world.context(world.mikhail)).isEmpty)
            #expect(try await store.processes.instance(sergei, started.id).id == started.id, "offered to every rep, so every rep may see it")

            // A new version arrives while the instance runs; the instance keeps version 1 and its timer.
            _ = try await store.processes.deploy(admin, bpmn: Self.bpmn(timer: false))
            let maria = try await world.context(world.maria)
            await #expect(throws: StoreError.self) { try await store.processes.complete(maria, instance: started.id, task: task.id, at: Self.t0) }
            let waiting = try await store.processes.complete(rafal, instance: started.id, task: task.id, variables: ["answer": .string("yes")], at: Self.t0)
            #expect(waiting.state.status == .running && waiting.definition.version == 1)
            #expect(try await Self.count(store, "SELECT COUNT(*) AS n FROM process_tasks") == 0)
            #expect(try await Self.count(store, "SELECT COUNT(*) AS n FROM process_effects WHERE kind = 'service' AND action = 'send_offer'") == 1)

            #expect(try await store.processes.wakeDue(at: Timestamp(rawValue: Self.t0.rawValue + Self.hour - 1)) == 0)
            #expect(try await store.processes.wakeDue(at: Timestamp(rawValue: Self.t0.rawValue + Self.hour)) == 1)
            let done = try await store.processes.instance(admin, started.id)
            #expect(done.state.status == .completed && done.state.variables["answer"] == .string("yes") && done.steps == 3)

            let newer = try await store.processes.start(rafal, key: "renewal", at: Self.t0)
            #expect(newer.definition.version == 2)
        }
    }

    @Test("timers fired from two places at once move each instance exactly once", arguments: TestEngine.available)
    func concurrentTimers(engine: TestEngine) async throws {
        try await TestDatabase.withStore(engine) { store in
            let world = try await World.make(store)
            let admin = try await world.context(world.admin)
            _ = try await store.processes.deploy(admin, bpmn: Self.bpmn(timer: true))
            var ids: [Int64] = []
            for _ in 0..<12 {
                let instance = try await store.processes.start(admin, key: "renewal", at: Self.t0)
                ids.append(try await store.processes.complete(admin, instance: instance.id, task: instance.state.openTasks[0].id, at: Self.t0).id)
            }
            let later = Timestamp(rawValue: Self.t0.rawValue + 2 * Self.hour)
            async let first = store.processes.wakeDue(at: later, limit: 100)
            async let second = store.processes.wakeDue(at: later, limit: 100)
            #expect(try await first + second == 12)
            for id in ids {
                let instance = try await store.processes.instance(admin, id)
                #expect(instance.state.status == .completed && instance.steps == 3)
            }
        }
    }
}
