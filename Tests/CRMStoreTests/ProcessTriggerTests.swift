import CRMCore
import CRMStore
import CRMTestSupport
import Foundation
import SQLKit
import Testing

@Suite("Processes started by deals and campaigns")
struct ProcessTriggerTests {
    static let followUp = Data("""
        <bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d">
          <bpmn:process id="follow_up" name="Follow-up" isExecutable="true">
            <bpmn:startEvent id="s"/><bpmn:sequenceFlow id="a" sourceRef="s" targetRef="call"/>
            <bpmn:userTask id="call" name="Call back"/><bpmn:sequenceFlow id="b" sourceRef="call" targetRef="outcome"/>
            <bpmn:exclusiveGateway id="outcome" default="no"/>
            <bpmn:sequenceFlow id="yes" sourceRef="outcome" targetRef="renewed"><bpmn:conditionExpression>renewed</bpmn:conditionExpression></bpmn:sequenceFlow>
            <bpmn:sequenceFlow id="no" sourceRef="outcome" targetRef="lost"/>
            <bpmn:endEvent id="renewed" name="Renewed"/><bpmn:endEvent id="lost" name="Not renewed"/>
          </bpmn:process>
        </bpmn:definitions>
        """.utf8)

    @Test("a deal entering a trigger stage starts the process once, bound to the deal, whoever runs the requests", arguments: TestEngine.available)
    func stageTrigger(engine: TestEngine) async throws {
        try await TestDatabase.withStore(engine) { store in
            let world = try await World.make(store)
            let admin = try await world.context(world.admin)
            _ = try await store.processes.deploy(admin, bpmn: Self.followUp)
            let (pipeline, _) = try await world.salesPipeline()
            let proposal = pipeline.stages[3].id
            #expect(try await store.processes.setStageTriggers(admin, key: "follow_up", stages: [proposal]) == [proposal])
            let rafal = try await world.context(world.rafal)
            await #expect(throws: StoreError.self) { try await store.processes.setStageTriggers(rafal, key: "follow_up", stages: [proposal]) }
            await #expect(throws: StoreError.self) { try await store.processes.setStageTriggers(admin, key: "follow_up", stages: [StageID(9_999)]) }

            let deal = try await world.deal("Poznań", by: world.rafal, in: pipeline, stage: 0)
            _ = try await store.funnel.apply(rafal, deal: deal.meta.id, expectedVersion: nil, .move(to: pipeline.stages[2].id))
            _ = try await store.funnel.apply(rafal, deal: deal.meta.id, expectedVersion: nil, .move(to: proposal))
            let entered = try await world.deal("Opole", by: world.rafal, in: pipeline, stage: 3)
            async let here = store.processes.runStartRequests()
            async let there = store.processes.runStartRequests()
            #expect(try await here + there == 2)
            let instances = try await store.database.read { db in
                try await db.raw("SELECT record_id FROM process_instances ORDER BY record_id").all().map { try $0.decode(column: "record_id", as: Int64.self) }
            }
            #expect(instances == [deal.meta.id, entered.meta.id].sorted(), "one instance per entry into Proposal, none for other stages")
            #expect(try await store.processes.tasks(rafal).count == 2)
        }
    }

    @Test("a campaign starts one instance per company of the segment, and its board shows where each one is", arguments: TestEngine.available)
    func campaign(engine: TestEngine) async throws {
        try await TestDatabase.withStore(engine) { store in
            let world = try await World.make(store)
            let admin = try await world.context(world.admin)
            _ = try await store.processes.deploy(admin, bpmn: Self.followUp)
            for (name, priority, tags) in [("Łódź A", Priority.a, ["renewal"]), ("Kraków A", .a, ["renewal"]), ("Gdańsk A", .a, []), ("Sofia B", .b, ["renewal"])] {
                _ = try await store.companies.create(try await world.context(world.rafal), CompanyFields(name: name, priority: priority, tags: tags))
            }
            let rafal = try await world.context(world.rafal)
            await #expect(throws: StoreError.self) { try await store.processes.startCampaign(rafal, key: "follow_up", name: "Renewals", priority: .a, tag: "renewal") }
            let maria = try await world.context(world.maria)
            let (id, requested) = try await store.processes.startCampaign(maria, key: "follow_up", name: "Renewals 2027", priority: .a, tag: "renewal")
            #expect(requested == 2)
            #expect(try await store.processes.campaign(maria, id).notStarted == 2)
            try await store.processes.runStartRequests()
            var board = try await store.processes.campaign(maria, id)
            #expect(board.byStep == ["Call back": 2] && board.byStatus == ["running": 2] && board.notStarted == 0)

            let tasks = try await store.processes.tasks(admin)
            _ = try await store.processes.complete(admin, instance: tasks[0].instanceID, task: tasks[0].token, variables: ["renewed": .bool(true)])
            _ = try await store.processes.complete(admin, instance: tasks[1].instanceID, task: tasks[1].token, variables: ["renewed": .bool(false)])
            board = try await store.processes.campaign(maria, id)
            #expect(board.byEnd == ["Renewed": 1, "Not renewed": 1] && board.byStatus == ["completed": 2] && board.byStep.isEmpty)
            await #expect(throws: StoreError.self) { try await store.processes.campaign(rafal, id) }
        }
    }

    @Test("a timer start event starts instances on its cycle, each start exactly once", arguments: TestEngine.available)
    func timerStart(engine: TestEngine) async throws {
        try await TestDatabase.withStore(engine) { store in
            let world = try await World.make(store)
            let admin = try await world.context(world.admin)
            let t0 = Timestamp(rawValue: 1_800_000_000_000)
            let hourly = Data("""
                <bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d">
                  <bpmn:process id="digest" isExecutable="true">
                    <bpmn:startEvent id="s"><bpmn:timerEventDefinition><bpmn:timeCycle>R2/PT1H</bpmn:timeCycle></bpmn:timerEventDefinition></bpmn:startEvent>
                    <bpmn:sequenceFlow id="a" sourceRef="s" targetRef="t"/><bpmn:userTask id="t" name="Read the digest"/>
                    <bpmn:sequenceFlow id="b" sourceRef="t" targetRef="e"/><bpmn:endEvent id="e"/>
                  </bpmn:process>
                </bpmn:definitions>
                """.utf8)
            _ = try await store.processes.deploy(admin, bpmn: hourly, at: t0)
            #expect(try await store.processes.schedules()["digest"] == Timestamp(rawValue: t0.rawValue + 3_600_000))
            #expect(try await store.processes.runSchedules(at: Timestamp(rawValue: t0.rawValue + 3_599_999)) == 0)
            async let here = store.processes.runSchedules(at: Timestamp(rawValue: t0.rawValue + 3_600_000))
            async let there = store.processes.runSchedules(at: Timestamp(rawValue: t0.rawValue + 3_600_000))
            #expect(try await here + there == 1)
            #expect(try await store.processes.runSchedules(at: Timestamp(rawValue: t0.rawValue + 7_200_000)) == 1)
            #expect(try await store.processes.schedules().isEmpty, "R2: two starts, then done")
            #expect(try await store.processes.tasks(admin).count == 2)
            await #expect(throws: StoreError.self) {
                try await store.processes.deploy(admin, bpmn: Data(String(decoding: hourly, as: UTF8.self).replacingOccurrences(of: "R2/PT1H", with: "every hour").utf8))
            }
            if let folder = SharedData.folder("bpmn/accept") {
                _ = try await store.processes.deploy(admin, bpmn: try Data(contentsOf: folder.appendingPathComponent("c7ex_loan-granting.bpmn")), at: t0)
                #expect(try await store.processes.schedules().count == 1, "its cron start event is scheduled")
            }
        }
    }
}

