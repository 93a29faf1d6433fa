import CRMCore
import CRMStore
import CRMTestSupport
import Foundation
import SQLKit
import Testing

@Suite("Durable processes")
struct ProcessStoreTests {
    static func bpmn(timer: Bool, action: String = "crm.create_activity", stage: String = "Proposal") -> Data {
        Data(
            """
            <?xml version="1.0" encoding="UTF-8"?>
            <bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="d">
              <bpmn:process id="renewal" name="Contract renewal" isExecutable="true">
                <bpmn:startEvent id="start"/>
                <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="call"/>
                <bpmn:userTask id="call" name="Call the customer" camunda:candidateGroups="sales_rep" camunda:dueDate="P2D"/>
                <bpmn:sequenceFlow id="f2" sourceRef="call" targetRef="offer"/>
                <bpmn:serviceTask id="offer" name="Send the offer" camunda:type="\(action)">
                  <bpmn:extensionElements><camunda:inputOutput>
                    <camunda:inputParameter name="subject">Wyślij ofertę</camunda:inputParameter>
                    <camunda:inputParameter name="due_in_days">2</camunda:inputParameter>
                    <camunda:inputParameter name="stage">\(stage)</camunda:inputParameter>
                  </camunda:inputOutput></bpmn:extensionElements>
                </bpmn:serviceTask>
                <bpmn:sequenceFlow id="f3" sourceRef="offer" targetRef="\(timer ? "wait" : "end")"/>
                \(timer ? #"<bpmn:intermediateCatchEvent id="wait"><bpmn:timerEventDefinition><bpmn:timeDuration>PT1H</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:intermediateCatchEvent><bpmn:sequenceFlow id="f4" sourceRef="wait" targetRef="end"/>"# : "")
                <bpmn:endEvent id="end"/>
              </bpmn:process>
            </bpmn:definitions>
            """.utf8
        )
    }

    static let t0 = Timestamp(rawValue: 1_800_000_000_000)
    static let hour: Int64 = 3_600_000

    @Test("deploying adds versions; a file the engine cannot run, or a non-admin, changes nothing", arguments: TestEngine.available)
    func deploy(engine: TestEngine) async throws {
        try await TestDatabase.withStore(engine) { store in
            let world = try await World.make(store)
            let admin = try await world.context(world.admin)
            #expect(try await store.processes.deploy(admin, bpmn: Self.bpmn(timer: true)).map(\.version) == [1])
            #expect(try await store.processes.deploy(admin, bpmn: Self.bpmn(timer: false)).map(\.version) == [2])
            #expect(try await store.processes.definitions().map(\.name) == ["Contract renewal"])
            await #expect(throws: StoreError.self) {
                try await store.processes.deploy(
                    admin,
                    bpmn: Data(
                        "<bpmn:definitions xmlns:bpmn=\"http://www.omg.org/spec/BPMN/20100524/MODEL\"><bpmn:process id=\"p\"><bpmn:transaction id=\"t\"/></bpmn:process></bpmn:definitions>"
                            .utf8
                    )
                )
            }
            let rep = try await world.context(world.rafal)
            await #expect(throws: StoreError.self) { try await store.processes.deploy(rep, bpmn: Self.bpmn(timer: true)) }
            #expect(try await store.count("SELECT COUNT(*) AS n FROM process_definitions") == 2)
        }
    }

    @Test("an instance waits for a person and a timer, with every step stored; running ones keep their version", arguments: TestEngine.available)
    func lifecycle(engine: TestEngine) async throws {
        try await TestDatabase.withStore(engine) { store in
            let world = try await World.make(store)
            let admin = try await world.context(world.admin)
            _ = try await store.processes.deploy(admin, bpmn: Self.bpmn(timer: true))
            let rafal = try await world.context(world.rafal)
            let (pipeline, _) = try await world.salesPipeline()
            let deal = try await world.deal("Łódź renewal", by: world.rafal, in: pipeline)
            let started = try await store.processes.start(
                rafal,
                key: "renewal",
                variables: ["company": .string("Łódź Trading")],
                record: (.deal, deal.meta.id),
                at: Self.t0
            )
            let task = try #require(started.state.openTasks.first)
            #expect(try await store.count("SELECT COUNT(*) AS n FROM process_tasks") == 1)
            #expect(try await store.processes.tasks(rafal).map(\.name) == ["Call the customer"])
            #expect(try await store.processes.tasks(rafal).first?.dueAt == Timestamp(rawValue: Self.t0.rawValue + 2 * 24 * Self.hour))
            let sergei = try await world.context(world.sergei)
            #expect(try await store.processes.tasks(try await world.context(world.mikhail)).isEmpty)
            #expect(try await store.processes.instance(sergei, started.id).id == started.id, "offered to every rep, so every rep may see it")

            // A new version arrives while the instance runs; the instance keeps version 1 and its timer.
            _ = try await store.processes.deploy(admin, bpmn: Self.bpmn(timer: false))
            let maria = try await world.context(world.maria)
            await #expect(throws: StoreError.self) { try await store.processes.complete(maria, instance: started.id, task: task.id, at: Self.t0) }
            let waiting = try await store.processes.complete(
                rafal,
                instance: started.id,
                task: task.id,
                variables: ["answer": .string("yes")],
                at: Self.t0
            )
            #expect(waiting.state.status == .running && waiting.definition.version == 1 && waiting.state.pendingServices.map(\.node) == ["offer"])
            #expect(try await store.count("SELECT COUNT(*) AS n FROM process_tasks") == 0)
            #expect(try await store.count("SELECT COUNT(*) AS n FROM process_effects WHERE status = 'pending'") == 1)
            #expect(try await store.processes.runEffects(at: Self.t0) == 1)
            #expect(try await store.processes.runEffects(at: Self.t0) == 0)
            let activities = try await store.activities.list(
                admin,
                {
                    var query = ListQuery()
                    query.dealID = deal.id
                    return query
                }()
            ).items
            #expect(activities.map(\.fields.subject) == ["Wyślij ofertę"] && activities.first?.meta.ownerID == world.rafal.id)

            #expect(try await store.processes.wakeDue(at: Timestamp(rawValue: Self.t0.rawValue + Self.hour - 1)) == 0)
            #expect(try await store.processes.wakeDue(at: Timestamp(rawValue: Self.t0.rawValue + Self.hour)) == 1)
            let done = try await store.processes.instance(admin, started.id)
            #expect(done.state.status == .completed && done.state.variables["answer"] == .string("yes") && done.steps == 4)
            #expect(done.state.variables["activity_id"] == ProcessValue(Int(activities[0].meta.id)))

            let newer = try await store.processes.start(rafal, key: "renewal", record: (.deal, deal.meta.id), at: Self.t0)
            #expect(newer.definition.version == 2)
        }
    }

    @Test("timers fired from two places at once move each instance exactly once", arguments: TestEngine.available)
    func concurrentTimers(engine: TestEngine) async throws {
        try await TestDatabase.withStore(engine) { store in
            let world = try await World.make(store)
            let admin = try await world.context(world.admin)
            _ = try await store.processes.deploy(admin, bpmn: Self.bpmn(timer: true))
            let (pipeline, _) = try await world.salesPipeline()
            var ids: [Int64] = []
            for index in 0..<12 {
                let deal = try await world.deal("Deal \(index)", by: world.rafal, in: pipeline)
                let instance = try await store.processes.start(admin, key: "renewal", record: (.deal, deal.meta.id), at: Self.t0)
                ids.append(try await store.processes.complete(admin, instance: instance.id, task: instance.state.openTasks[0].id, at: Self.t0).id)
            }
            async let ranHere = store.processes.runEffects(at: Self.t0)
            async let ranThere = store.processes.runEffects(at: Self.t0)
            #expect(try await ranHere + ranThere == 12, "each action is claimed by one caller")
            #expect(try await store.count("SELECT COUNT(*) AS n FROM activities") == 12)
            let later = Timestamp(rawValue: Self.t0.rawValue + 2 * Self.hour)
            async let first = store.processes.wakeDue(at: later, limit: 100)
            async let second = store.processes.wakeDue(at: later, limit: 100)
            #expect(try await first + second == 12)
            for id in ids {
                let instance = try await store.processes.instance(admin, id)
                #expect(instance.state.status == .completed && instance.steps == 4)
            }
        }
    }

    @Test("a failing action is retried with back-off, then stops the instance at an incident an admin can retry", arguments: TestEngine.available)
    func failingAction(engine: TestEngine) async throws {
        try await TestDatabase.withStore(engine) { store in
            let world = try await World.make(store)
            let admin = try await world.context(world.admin)
            let (pipeline, _) = try await world.salesPipeline()
            let deal = try await world.deal("Kraków", by: world.rafal, in: pipeline)
            _ = try await store.processes.deploy(admin, bpmn: Self.bpmn(timer: false, action: "crm.move_deal", stage: "Negocjacje"))
            let started = try await store.processes.start(admin, key: "renewal", record: (.deal, deal.meta.id), at: Self.t0)
            _ = try await store.processes.complete(admin, instance: started.id, task: started.state.openTasks[0].id, at: Self.t0)
            var clock = Self.t0.rawValue
            for attempt in 1...ProcessStore.maxAttempts {
                #expect(try await store.processes.runEffects(at: Timestamp(rawValue: clock)) == 1, "attempt \(attempt)")
                #expect(try await store.processes.runEffects(at: Timestamp(rawValue: clock)) == 0, "not again before its back-off")
                clock += 1_000 << (attempt - 1)
            }
            let failed = try await store.processes.instance(admin, started.id)
            #expect(failed.state.status == .failed && failed.state.incident?.contains("Negocjacje") == true)

            // The admin renames the stage the process expects, and retries.
            let proposal = pipeline.stages[3]
            _ = try await store.pipelines.updateStage(World.system, proposal.id, .init(name: "Negocjacje", probability: proposal.probability))
            _ = try await store.processes.retry(admin, instance: started.id, at: Timestamp(rawValue: clock))
            #expect(try await store.processes.runEffects(at: Timestamp(rawValue: clock)) == 1)
            #expect(try await store.processes.instance(admin, started.id).state.status == .completed)
            #expect(try await store.deals.get(admin, deal.meta.id).fields.stageID == proposal.id)
        }
    }

    @Test("an action run again after a crash, before it was marked done, changes nothing more", arguments: TestEngine.available)
    func idempotentAction(engine: TestEngine) async throws {
        try await TestDatabase.withStore(engine) { store in
            let world = try await World.make(store)
            let admin = try await world.context(world.admin)
            let (pipeline, _) = try await world.salesPipeline()
            let deal = try await world.deal("Gdańsk", by: world.rafal, in: pipeline)
            _ = try await store.processes.deploy(admin, bpmn: Self.bpmn(timer: false))
            let started = try await store.processes.start(admin, key: "renewal", record: (.deal, deal.meta.id), at: Self.t0)
            _ = try await store.processes.complete(admin, instance: started.id, task: started.state.openTasks[0].id, at: Self.t0)
            #expect(try await store.processes.runEffects(at: Self.t0) == 1)
            // As if the node died after the action and before recording it: the action becomes pending again.
            try await store.database.write { db in
                try await db.raw("UPDATE process_effects SET status = 'pending', claimed_until = NULL WHERE kind = 'service'").run()
            }
            #expect(try await store.processes.runEffects(at: Self.t0) == 1)
            #expect(
                try await store.activities.list(
                    admin,
                    {
                        var query = ListQuery()
                        query.dealID = deal.id
                        return query
                    }()
                ).items.count == 1
            )
            #expect(try await store.processes.instance(admin, started.id).state.status == .completed)
        }
    }

    @Test("set a field, start another process and queue an e-mail, each once", arguments: TestEngine.available)
    func moreActions(engine: TestEngine) async throws {
        try await TestDatabase.withStore(engine) { store in
            let world = try await World.make(store)
            let admin = try await world.context(world.admin)
            let (pipeline, _) = try await world.salesPipeline()
            let deal = try await world.deal("Wrocław", by: world.rafal, in: pipeline)
            let chain = Data(
                """
                <bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="d">
                  <bpmn:process id="first" isExecutable="true">
                    <bpmn:startEvent id="s"/><bpmn:sequenceFlow id="a" sourceRef="s" targetRef="amount"/>
                    <bpmn:serviceTask id="amount" camunda:type="crm.set_field"><bpmn:extensionElements><camunda:inputOutput>
                      <camunda:inputParameter name="field">amount</camunda:inputParameter><camunda:inputParameter name="value">2500,50</camunda:inputParameter>
                    </camunda:inputOutput></bpmn:extensionElements></bpmn:serviceTask>
                    <bpmn:sequenceFlow id="b" sourceRef="amount" targetRef="mail"/>
                    <bpmn:serviceTask id="mail" camunda:type="crm.send_email"><bpmn:extensionElements><camunda:inputOutput>
                      <camunda:inputParameter name="template">offer_sent</camunda:inputParameter>
                    </camunda:inputOutput></bpmn:extensionElements></bpmn:serviceTask>
                    <bpmn:sequenceFlow id="c" sourceRef="mail" targetRef="next"/>
                    <bpmn:serviceTask id="next" camunda:type="crm.start_process"><bpmn:extensionElements><camunda:inputOutput>
                      <camunda:inputParameter name="process">second</camunda:inputParameter>
                    </camunda:inputOutput></bpmn:extensionElements></bpmn:serviceTask>
                    <bpmn:sequenceFlow id="d" sourceRef="next" targetRef="e"/><bpmn:endEvent id="e"/>
                  </bpmn:process>
                  <bpmn:process id="second" isExecutable="true">
                    <bpmn:startEvent id="s2"/><bpmn:sequenceFlow id="a2" sourceRef="s2" targetRef="t2"/><bpmn:userTask id="t2" name="Follow up"/>
                    <bpmn:sequenceFlow id="b2" sourceRef="t2" targetRef="e2"/><bpmn:endEvent id="e2"/>
                  </bpmn:process>
                </bpmn:definitions>
                """.utf8
            )
            _ = try await store.processes.deploy(admin, bpmn: chain)
            let first = try await store.processes.start(admin, key: "first", record: (.deal, deal.meta.id))
            while try await store.processes.runEffects() > 0 {}
            let done = try await store.processes.instance(admin, first.id)
            #expect(done.state.status == .completed && done.state.variables["email_queued"] == .string("offer_sent"), "\(done.state.incident ?? "")")
            #expect(try await store.deals.get(admin, deal.meta.id).fields.amount.minorUnits == 250_050)
            #expect(try await store.processes.runStartRequests() == 1)
            #expect(try await store.processes.tasks(admin).map(\.name) == ["Follow up"])
            #expect(try await store.count("SELECT COUNT(*) AS n FROM process_effects WHERE action = 'crm.send_email' AND status = 'done'") == 1)
        }
    }
}
