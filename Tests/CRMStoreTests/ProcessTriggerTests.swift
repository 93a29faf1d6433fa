import CRMCore
import CRMStore
import CRMTestSupport
import Foundation
import SQLKit
import Testing

@Suite("Processes started by deals and campaigns")
struct ProcessTriggerTests {
    static let followUp = Data(
        """
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
        """.utf8
    )

    @Test("a deal entering a trigger stage starts the process once, bound to the deal, whoever runs the requests", arguments: TestEngine.available)
    func stageTrigger(engine: TestEngine) async throws {
        try await TestDatabase.withStore(engine) { store in
            let world = try await World.make(store)
            let admin = try await world.context(world.admin)
            _ = try await store.processes.deploy(admin, bpmn: Self.followUp)
            let (pipeline, _) = try await world.salesPipeline()
            let proposal = pipeline.stages[3].id
            #expect(
                try await store.processes.setTriggers(admin, key: "follow_up", ProcessTriggers(dealEnteredStage: [proposal, proposal]))
                    .dealEnteredStage == [proposal]
            )
            let rafal = try await world.context(world.rafal)
            await #expect(throws: StoreError.self) {
                try await store.processes.setTriggers(rafal, key: "follow_up", ProcessTriggers(dealEnteredStage: [proposal]))
            }
            await #expect(throws: StoreError.self) {
                try await store.processes.setTriggers(admin, key: "follow_up", ProcessTriggers(dealEnteredStage: [StageID(9_999)]))
            }
            #expect(
                try await store.processes.triggers(key: "follow_up") == ProcessTriggers(dealEnteredStage: [proposal]),
                "a refused change leaves the triggers as they were"
            )

            let deal = try await world.deal("Poznań", by: world.rafal, in: pipeline, stage: 0)
            _ = try await store.funnel.apply(rafal, deal: deal.meta.id, expectedVersion: nil, .move(to: pipeline.stages[2].id))
            _ = try await store.funnel.apply(rafal, deal: deal.meta.id, expectedVersion: nil, .move(to: proposal))
            let entered = try await world.deal("Opole", by: world.rafal, in: pipeline, stage: 3)
            async let here = store.processes.runStartRequests()
            async let there = store.processes.runStartRequests()
            #expect(try await here + there == 2)
            let instances = try await store.database.read { db in
                try await db.raw("SELECT record_id FROM process_instances ORDER BY record_id").all().map {
                    try $0.decode(column: "record_id", as: Int64.self)
                }
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
            for (name, priority, tags) in [
                ("Łódź A", Priority.a, ["renewal"]), ("Kraków A", .a, ["renewal"]), ("Gdańsk A", .a, []), ("Sofia B", .b, ["renewal"]),
            ] {
                _ = try await store.companies.create(try await world.context(world.rafal), CompanyFields(name: name, priority: priority, tags: tags))
            }
            let rafal = try await world.context(world.rafal)
            await #expect(throws: StoreError.self) {
                try await store.processes.startCampaign(rafal, key: "follow_up", name: "Renewals", segment: ListQuery(tag: "renewal", priority: .a))
            }
            let maria = try await world.context(world.maria)
            let (id, requested) = try await store.processes.startCampaign(
                maria,
                key: "follow_up",
                name: "Renewals 2027",
                segment: ListQuery(tag: "renewal", priority: .a)
            )
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

    @Test(
        "creating a record or changing a watched field starts the process once, bound to the record; imports start nothing",
        arguments: TestEngine.available
    )
    func recordEvents(engine: TestEngine) async throws {
        try await TestDatabase.withStore(engine) { store in
            let world = try await World.make(store)
            let admin = try await world.context(world.admin)
            _ = try await store.processes.deploy(admin, bpmn: Self.followUp)
            let triggers = ProcessTriggers(
                recordCreated: [.contact],
                fieldChanged: [.init(recordType: .company, field: "priority", value: "A"), .init(recordType: .company, field: "owner_id")]
            )
            #expect(try await store.processes.setTriggers(admin, key: "follow_up", triggers) == triggers)
            await #expect(throws: StoreError.self) {
                try await store.processes.setTriggers(
                    admin,
                    key: "follow_up",
                    ProcessTriggers(fieldChanged: [.init(recordType: .company, field: "stage")])
                )
            }
            await #expect(throws: StoreError.self) {
                try await store.processes.setTriggers(admin, key: "follow_up", ProcessTriggers(recordCreated: [.activity]))
            }

            let rafal = try await world.context(world.rafal)
            let contact = try await store.contacts.create(rafal, ContactFields(firstName: "Łukasz", lastName: "Wiśniewski")).record
            let company = try await world.company("Łódź Trading", by: world.rafal)
            var fields = company.fields
            fields.priority = .b
            let asB = try await store.companies.update(rafal, company.meta.id, expectedVersion: company.meta.version, fields)
            fields.priority = .a
            fields.industry = "Logistics"
            let asA = try await store.companies.update(rafal, company.meta.id, expectedVersion: asB.meta.version, fields)
            // Two watched changes in one edit (priority to A and a new owner) start one instance, not two.
            fields.priority = .b
            let moved = try await store.companies.update(
                admin,
                company.meta.id,
                expectedVersion: asA.meta.version,
                fields,
                assignment: .init(owner: world.roza.id)
            )
            fields.priority = .a
            _ = try await store.companies.update(
                admin,
                company.meta.id,
                expectedVersion: moved.meta.version,
                fields,
                assignment: .init(owner: world.rafal.id)
            )
            _ = try await store.contacts.importMany(admin, [ContactFields(lastName: "Иванов"), ContactFields(lastName: "Nagy")])

            #expect(try await store.processes.runStartRequests() == 4)
            let bound = try await store.database.read { db in
                try await db.raw("SELECT record_type, record_id FROM process_instances ORDER BY id").all()
                    .map { "\(try $0.decode(column: "record_type", as: String.self))#\(try $0.decode(column: "record_id", as: Int64.self))" }
            }
            let expected = ["contact#\(contact.meta.id)"] + Array(repeating: "company#\(company.meta.id)", count: 3)
            #expect(
                bound == expected,
                "the contact's creation; priority to A; the owner's change (priority to B is not watched); owner and priority to A together"
            )
        }
    }

    /// Lead nurture: a call for the lead's owner, the lead marked as being worked, then a branch on its score.
    static let nurture = Data(
        """
        <bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="d">
          <bpmn:process id="nurture" name="Lead nurture" isExecutable="true">
            <bpmn:startEvent id="s"/><bpmn:sequenceFlow id="f0" sourceRef="s" targetRef="call"/>
            <bpmn:serviceTask id="call" name="Call the lead" camunda:type="crm.create_activity">
              <bpmn:extensionElements><camunda:inputOutput>
                <camunda:inputParameter name="kind">call</camunda:inputParameter>
                <camunda:inputParameter name="subject">Zadzwoń do leada</camunda:inputParameter>
                <camunda:inputParameter name="due_in_days">1</camunda:inputParameter>
              </camunda:inputOutput></bpmn:extensionElements>
            </bpmn:serviceTask>
            <bpmn:sequenceFlow id="f1" sourceRef="call" targetRef="mark"/>
            <bpmn:serviceTask id="mark" name="Mark as worked" camunda:type="crm.set_field">
              <bpmn:extensionElements><camunda:inputOutput>
                <camunda:inputParameter name="field">status</camunda:inputParameter>
                <camunda:inputParameter name="value">working</camunda:inputParameter>
              </camunda:inputOutput></bpmn:extensionElements>
            </bpmn:serviceTask>
            <bpmn:sequenceFlow id="f3" sourceRef="mark" targetRef="hot"/>
            <bpmn:exclusiveGateway id="hot" default="cold"/>
            <bpmn:sequenceFlow id="warm" sourceRef="hot" targetRef="qualify"><bpmn:conditionExpression>${record.score &gt;= 10 and record.source == "strona www"}</bpmn:conditionExpression></bpmn:sequenceFlow>
            <bpmn:sequenceFlow id="cold" sourceRef="hot" targetRef="later"/>
            <bpmn:userTask id="qualify" name="Qualify the lead"/><bpmn:sequenceFlow id="f2" sourceRef="qualify" targetRef="done"/>
            <bpmn:endEvent id="later" name="Nurture later"/><bpmn:endEvent id="done" name="Qualified"/>
          </bpmn:process>
        </bpmn:definitions>
        """.utf8
    )

    @Test(
        "a lead from the web form starts its nurture process, bound to the lead: a call on the lead for its owner, a branch on its score, and qualifying starts another",
        arguments: TestEngine.available
    )
    func leadNurture(engine: TestEngine) async throws {
        try await TestDatabase.withStore(engine) { store in
            let world = try await World.make(store)
            let admin = try await world.context(world.admin)
            _ = try await store.processes.deploy(admin, bpmn: Self.nurture, binding: .record(.lead))
            _ = try await store.processes.deploy(admin, bpmn: Self.followUp)
            _ = try await store.processes.setTriggers(admin, key: "nurture", ProcessTriggers(recordCreated: [.lead]))
            _ = try await store.processes.setTriggers(
                admin,
                key: "follow_up",
                ProcessTriggers(fieldChanged: [.init(recordType: .lead, field: "status", value: "qualified")])
            )
            await #expect(throws: StoreError.self) {
                try await store.processes.setTriggers(
                    admin,
                    key: "follow_up",
                    ProcessTriggers(fieldChanged: [.init(recordType: .lead, field: "stage")])
                )
            }
            try await store.leadWork.setScoringRules(admin, [ScoringRule(attribute: .behaviour, value: "form_filled", points: 10)])
            let form = try await store.leadWork.createForm(
                admin,
                LeadForm(name: "Kontakt", source: "strona www", redirectURL: "https://example.pl/dziekujemy", ownerID: world.maria.id)
            )
            let capture = try await store.leadWork.capture(
                key: form.key,
                values: ["first_name": "Zsófia", "last_name": "Kovács", "email": "zsofia@example.hu"],
                address: "203.0.113.7",
                defaultCountryCode: "48"
            )
            let leadID = try #require(capture.leadID)
            #expect(try await store.processes.runStartRequests() == 1)
            var ran = 0
            while case let count = try await store.processes.runEffects(), count > 0 { ran += count }
            #expect(ran == 2, "the call, then the status")

            let maria = try await world.context(world.maria)
            let instances = try await store.processes.instances(maria, boundTo: (.lead, leadID))
            #expect(instances.map(\.name) == ["Lead nurture"])
            var onLead = ListQuery()
            onLead.leadID = LeadID(leadID)
            let calls = try await store.activities.list(maria, onLead).items
            #expect(calls.map(\.fields.subject) == ["Zadzwoń do leada"] && calls[0].fields.kind == .call && calls[0].meta.ownerID == world.maria.id)
            let instance = try await store.processes.instance(maria, try #require(instances.first).id)
            #expect(
                instance.record?.type == .lead && instance.state.openTasks.map(\.node) == ["qualify"],
                "score 10 from the form, source the form's"
            )
            // Someone who may not see the lead cannot start anything on it.
            let sergei = try await world.context(world.sergei)
            await #expect(throws: StoreError.self) { try await store.processes.start(sergei, key: "nurture", record: (.lead, leadID)) }

            let lead = try await store.leads.get(maria, leadID)
            #expect(lead.fields.status == .working)
            var fields = lead.fields
            fields.status = .qualified
            _ = try await store.leads.update(maria, leadID, expectedVersion: lead.meta.version, fields)
            #expect(try await store.processes.runStartRequests() == 1)
            #expect(try await store.processes.instances(maria, boundTo: (.lead, leadID)).map(\.name).sorted() == ["Follow-up", "Lead nurture"])
        }
    }

    @Test("a campaign runs over contacts or deals chosen by their list filters", arguments: TestEngine.available)
    func campaignOverContactsAndDeals(engine: TestEngine) async throws {
        try await TestDatabase.withStore(engine) { store in
            let world = try await World.make(store)
            let admin = try await world.context(world.admin)
            let maria = try await world.context(world.maria)
            _ = try await store.processes.deploy(admin, bpmn: Self.followUp)
            let rafal = try await world.context(world.rafal)
            for (first, last, tags) in [("Łukasz", "Wiśniewski", ["newsletter"]), ("Иван", "Иванов", ["newsletter"]), ("Zoltán", "Nagy", [])] {
                _ = try await store.contacts.create(rafal, ContactFields(firstName: first, lastName: last, tags: tags))
            }
            let contacts = try await store.processes.startCampaign(
                maria,
                key: "follow_up",
                name: "Cross-sell",
                recordType: .contact,
                segment: ListQuery(tag: "newsletter")
            )
            #expect(contacts.requested == 2)
            let (pipeline, _) = try await world.salesPipeline()
            for (title, stage) in [("Gdańsk", 1), ("Sopot", 1), ("Gdynia", 2)] {
                _ = try await world.deal(title, by: world.rafal, in: pipeline, stage: stage)
            }
            var query = ListQuery()
            query.stageID = pipeline.stages[1].id
            let deals = try await store.processes.startCampaign(maria, key: "follow_up", name: "Nudge", recordType: .deal, segment: query)
            #expect(deals.requested == 2)
            try await store.processes.runStartRequests()
            let board = try await store.processes.campaign(maria, deals.id)
            #expect(board.recordType == .deal && board.segment == ["stage_id": pipeline.stages[1].id.description] && board.byStep == ["Call back": 2])
            await #expect(throws: StoreError.self) {
                try await store.processes.startCampaign(maria, key: "follow_up", name: "Users", recordType: .user, segment: ListQuery(tag: "x"))
            }
        }
    }

    @Test(
        "a process bound to a kind of record starts only for such a record, keeps its binding across versions, and refuses other triggers",
        arguments: TestEngine.available
    )
    func binding(engine: TestEngine) async throws {
        try await TestDatabase.withStore(engine) { store in
            let world = try await World.make(store)
            let admin = try await world.context(world.admin)
            #expect(try await store.processes.deploy(admin, bpmn: Self.followUp, binding: .record(.company)).first?.recordType == .company)
            #expect(try await store.processes.deploy(admin, bpmn: Self.followUp).first?.recordType == .company, "a new version keeps the binding")
            await #expect(throws: StoreError.self) { try await store.processes.deploy(admin, bpmn: Self.followUp, binding: .record(.activity)) }
            let rafal = try await world.context(world.rafal)
            let company = try await world.company("Łódź Trading", by: world.rafal)
            let (pipeline, _) = try await world.salesPipeline()
            let deal = try await world.deal("Opole", by: world.rafal, in: pipeline)
            await #expect(throws: StoreError.self) { try await store.processes.start(rafal, key: "follow_up") }
            await #expect(throws: StoreError.self) { try await store.processes.start(rafal, key: "follow_up", record: (.deal, deal.meta.id)) }
            #expect(try await store.processes.start(rafal, key: "follow_up", record: (.company, company.meta.id)).record?.id == company.meta.id)
            await #expect(throws: StoreError.self) {
                try await store.processes.setTriggers(admin, key: "follow_up", ProcessTriggers(dealEnteredStage: [pipeline.stages[1].id]))
            }
            await #expect(throws: StoreError.self) {
                try await store.processes.setTriggers(admin, key: "follow_up", ProcessTriggers(recordCreated: [.contact]))
            }
            #expect(
                try await store.processes.setTriggers(admin, key: "follow_up", ProcessTriggers(recordCreated: [.company])).recordCreated == [.company]
            )
            let maria = try await world.context(world.maria)
            await #expect(throws: StoreError.self) {
                try await store.processes.startCampaign(maria, key: "follow_up", name: "X", recordType: .contact, segment: ListQuery(tag: "x"))
            }
            #expect(try await store.processes.deploy(admin, bpmn: Self.followUp, binding: .none).first?.recordType == nil)
            #expect(try await store.processes.start(rafal, key: "follow_up").record == nil)
        }
    }

    static let recordAware = Data(
        """
        <bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="d">
          <bpmn:process id="approval" isExecutable="true">
            <bpmn:startEvent id="s"/><bpmn:sequenceFlow id="f0" sourceRef="s" targetRef="size"/>
            <bpmn:exclusiveGateway id="size" default="small"/>
            <bpmn:sequenceFlow id="big" sourceRef="size" targetRef="review"><bpmn:conditionExpression>${record.amount &gt;= 50000 and record.stage == "Proposal"}</bpmn:conditionExpression></bpmn:sequenceFlow>
            <bpmn:sequenceFlow id="small" sourceRef="size" targetRef="auto"/>
            <bpmn:endEvent id="auto" name="Approved at once"/>
            <bpmn:userTask id="review" name="Review">
              <bpmn:multiInstanceLoopCharacteristics camunda:collection="${team_members(&quot;north&quot;)}" camunda:elementVariable="reviewer"/>
              <bpmn:extensionElements/>
            </bpmn:userTask>
            <bpmn:sequenceFlow id="f1" sourceRef="review" targetRef="again"/>
            <bpmn:exclusiveGateway id="again" default="done"/>
            <bpmn:sequenceFlow id="reopen" sourceRef="again" targetRef="review"><bpmn:conditionExpression>=record.amount &gt; 90000</bpmn:conditionExpression></bpmn:sequenceFlow>
            <bpmn:sequenceFlow id="done" sourceRef="again" targetRef="approved"/>
            <bpmn:endEvent id="approved" name="Approved after review"/>
          </bpmn:process>
        </bpmn:definitions>
        """.utf8
    )

    @Test(
        "conditions read the bound record's current fields, and a loop over a team gives each member their own task",
        arguments: TestEngine.available
    )
    func recordFieldsAndTeamLoop(engine: TestEngine) async throws {
        try await TestDatabase.withStore(engine) { store in
            let world = try await World.make(store)
            let admin = try await world.context(world.admin)
            let text = String(decoding: Self.recordAware, as: UTF8.self)
                .replacingOccurrences(of: "<bpmn:extensionElements/>", with: "")
                .replacingOccurrences(
                    of: "<bpmn:userTask id=\"review\" name=\"Review\">",
                    with: "<bpmn:userTask id=\"review\" name=\"Review\" camunda:assignee=\"${reviewer}\">"
                )
            _ = try await store.processes.deploy(admin, bpmn: Data(text.utf8))
            let (pipeline, _) = try await world.salesPipeline()
            let rafal = try await world.context(world.rafal)
            let small = try await world.deal("Opole", by: world.rafal, in: pipeline, stage: 3, amount: "80000.00")
            let wrongStage = try await world.deal("Kalisz", by: world.rafal, in: pipeline, stage: 1, amount: "80000.00")
            _ = try await store.funnel.apply(rafal, deal: small.meta.id, expectedVersion: nil, .move(to: pipeline.stages[2].id))
            let big = try await world.deal("Poznań", by: world.rafal, in: pipeline, stage: 3, amount: "95000.00")
            #expect(
                try await store.processes.start(rafal, key: "approval", record: (.deal, small.meta.id)).state.status == .completed,
                "no longer at Proposal"
            )
            #expect(try await store.processes.start(rafal, key: "approval", record: (.deal, wrongStage.meta.id)).state.status == .completed)
            let started = try await store.processes.start(rafal, key: "approval", record: (.deal, big.meta.id))
            #expect(started.record?.id == big.meta.id)

            // North is Rafał and Róża: one task each, assigned by e-mail, each in that person's own inbox only.
            let roza = try await world.context(world.roza)
            let rafalTasks = try await store.processes.tasks(rafal)
            let rozaTasks = try await store.processes.tasks(roza)
            #expect(rafalTasks.map(\.assignee) == ["rafal@example.com"] && rozaTasks.map(\.assignee) == ["roza@example.com"])
            await #expect(throws: StoreError.self) { try await store.processes.complete(roza, instance: started.id, task: rafalTasks[0].token) }
            _ = try await store.processes.complete(rafal, instance: started.id, task: rafalTasks[0].token)
            // The amount is lowered before the last review ends, so the second gateway reads the new amount.
            let current = try await store.deals.get(rafal, big.meta.id)
            var fields = current.fields
            fields.amount = try Money(decimal: "60000.00", currency: pipeline.currency)
            _ = try await store.deals.update(rafal, big.meta.id, expectedVersion: current.meta.version, fields)
            let finished = try await store.processes.complete(roza, instance: started.id, task: rozaTasks[0].token)
            #expect(finished.state.status == .completed && finished.state.trail.last == "approved")
            #expect(finished.state.variables["record"] == nil, "the record is read each step, never stored as a variable")
        }
    }

    @Test("a timer start event starts instances on its cycle, each start exactly once", arguments: TestEngine.available)
    func timerStart(engine: TestEngine) async throws {
        try await TestDatabase.withStore(engine) { store in
            let world = try await World.make(store)
            let admin = try await world.context(world.admin)
            let t0 = Timestamp(rawValue: 1_800_000_000_000)
            let hourly = Data(
                """
                <bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d">
                  <bpmn:process id="digest" isExecutable="true">
                    <bpmn:startEvent id="s"><bpmn:timerEventDefinition><bpmn:timeCycle>R2/PT1H</bpmn:timeCycle></bpmn:timerEventDefinition></bpmn:startEvent>
                    <bpmn:sequenceFlow id="a" sourceRef="s" targetRef="t"/><bpmn:userTask id="t" name="Read the digest"/>
                    <bpmn:sequenceFlow id="b" sourceRef="t" targetRef="e"/><bpmn:endEvent id="e"/>
                  </bpmn:process>
                </bpmn:definitions>
                """.utf8
            )
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
                try await store.processes.deploy(
                    admin,
                    bpmn: Data(String(decoding: hourly, as: UTF8.self).replacingOccurrences(of: "R2/PT1H", with: "every hour").utf8)
                )
            }
            if let folder = SharedData.folder("bpmn/accept") {
                _ = try await store.processes.deploy(
                    admin,
                    bpmn: try Data(contentsOf: folder.appendingPathComponent("c7ex_loan-granting.bpmn")),
                    at: t0
                )
                #expect(try await store.processes.schedules().count == 1, "its cron start event is scheduled")
            }
        }
    }
}
