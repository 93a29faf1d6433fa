import CRMCore
import CRMStore
import CRMTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("Processes through the API")
struct ProcessAPITests {
    static let order = """
        <?xml version="1.0" encoding="UTF-8"?>
        <bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="d">
          <bpmn:message id="paid" name="Payment received"/>
          <bpmn:process id="order" name="Zamówienie" isExecutable="true">
            <bpmn:startEvent id="start"/>
            <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="take"/>
            <bpmn:userTask id="take" name="Przyjąć zamówienie" camunda:candidateGroups="sales_rep"/>
            <bpmn:sequenceFlow id="f2" sourceRef="take" targetRef="size"/>
            <bpmn:exclusiveGateway id="size" default="small"/>
            <bpmn:sequenceFlow id="big" sourceRef="size" targetRef="pay"><bpmn:conditionExpression>amount &gt; 1000</bpmn:conditionExpression></bpmn:sequenceFlow>
            <bpmn:sequenceFlow id="small" sourceRef="size" targetRef="end"/>
            <bpmn:intermediateCatchEvent id="pay"><bpmn:messageEventDefinition messageRef="paid"/></bpmn:intermediateCatchEvent>
            <bpmn:sequenceFlow id="f3" sourceRef="pay" targetRef="end"/>
            <bpmn:endEvent id="end"/>
          </bpmn:process>
        </bpmn:definitions>
        """

    func deploy(_ app: TestApp, _ token: String, _ body: String, type: String = "application/xml") async throws -> TestResponse {
        var headers = HTTPFields()
        headers[.contentType] = type
        return try await app.api(.post, "/api/v1/processes", token: token, body: body, headers: headers)
    }

    @Test("deploy, start, work the task, send the message: the instance runs to its end", arguments: TestEngine.available)
    func lifecycle(engine: TestEngine) async throws {
        try await TestApp.run(engine) { app in
            let admin = try await app.token(app.world.admin)
            let deployed = try await deploy(app, admin, Self.order)
            #expect(deployed.status == .created, "\(deployed.text)")
            #expect((deployed.json["items"] as? [[String: Any]])?.first?["version"] as? Int == 1)

            let rafal = try await app.token(app.world.rafal)
            let started = try await app.api(
                .post,
                "/api/v1/processes/order/instances",
                token: rafal,
                body: #"{"variables": {"customer": "Łódź Trading"}}"#
            )
            #expect(started.status == .created, "\(started.text)")
            let id = try #require(started.json["id"] as? Int)
            let inbox = try await app.api(.get, "/api/v1/process-tasks", token: rafal)
            let task = try #require((inbox.json["items"] as? [[String: Any]])?.first)
            #expect(task["name"] as? String == "Przyjąć zamówienie" && task["process"] as? String == "Zamówienie")
            let session = try await app.login("rafal@example.com")
            let myDay = try await app.page("/my-day", cookie: session.cookie)
            #expect(myDay.body.contains("Przyjąć zamówienie") && myDay.body.contains("/processes/instances/\(id)"))
            let overview = try await app.page("/processes", cookie: session.cookie)
            #expect(overview.status == .ok && overview.body.contains("Przyjąć zamówienie") && overview.body.contains("data-testid=\"claim\""))
            #expect(
                overview.body.contains("data-testid=\"waiting-at\">Przyjąć zamówienie</td>"),
                "the monitoring list names the step the instance waits at"
            )
            let filtered = try await app.page("/processes?process=order", cookie: session.cookie)
            #expect(filtered.status == .ok && filtered.body.contains("/processes/instances/\(id)"))
            #expect(try await app.page("/processes?colour=red", cookie: session.cookie).status == .badRequest)
            let page = try await app.page("/processes/instances/\(id)", cookie: session.cookie)
            #expect(page.status == .ok && page.body.contains("task-form"))

            let mikhail = try await app.token(app.world.mikhail)
            // Róża is a rep too; once Rafał claims the task it leaves her inbox, and she cannot take it.
            let roza = try await app.token(app.world.roza)
            #expect((try await app.api(.get, "/api/v1/process-tasks", token: roza).json["items"] as? [Any])?.count == 1)
            let claimed = try await app.api(.post, "/api/v1/process-instances/\(id)/tasks/\(try #require(task["token"] as? Int))/claim", token: rafal)
            #expect(claimed.status == .ok, "\(claimed.text)")
            #expect((try await app.api(.get, "/api/v1/process-tasks", token: roza).json["items"] as? [Any])?.isEmpty == true)
            // With the task taken she has nothing in the instance, which Rafał started unbound: it is not hers to see.
            #expect(
                try await app.api(.post, "/api/v1/process-instances/\(id)/tasks/\(try #require(task["token"] as? Int))/claim", token: roza).status
                    == .notFound
            )
            let othersInbox = try await app.api(.get, "/api/v1/process-tasks", token: mikhail)
            #expect((othersInbox.json["items"] as? [Any])?.isEmpty == true, "a manager is not a sales_rep")
            let token = try #require(task["token"] as? Int)
            let refused = try await app.api(.post, "/api/v1/process-instances/\(id)/tasks/\(token)/complete", token: mikhail, body: "{}")
            #expect(refused.status == .notFound, "a manager of another team does not see an instance started unbound by someone else")

            let waiting = try await app.api(
                .post,
                "/api/v1/process-instances/\(id)/tasks/\(token)/complete",
                token: rafal,
                body: #"{"variables": {"amount": 2500.50}}"#
            )
            #expect(waiting.status == .ok, "\(waiting.text)")
            #expect(waiting.json["status"] as? String == "running" && (waiting.json["variables"] as? [String: Any])?["amount"] as? Double == 2500.5)
            // A rep of another team without a task in it does not see the instance either.
            let sergei = try await app.token(app.world.sergei)
            #expect(
                try await app.api(.post, "/api/v1/process-instances/\(id)/messages", token: sergei, body: #"{"message": "Payment received"}"#).status
                    == .notFound
            )
            let wrong = try await app.api(.post, "/api/v1/process-instances/\(id)/messages", token: rafal, body: #"{"message": "Invoice lost"}"#)
            #expect(wrong.json["delivered"] as? Bool == false)
            let paid = try await app.api(.post, "/api/v1/process-instances/\(id)/messages", token: rafal, body: #"{"message": "Payment received"}"#)
            #expect(paid.json["delivered"] as? Bool == true)
            let done = try await app.api(.get, "/api/v1/process-instances/\(id)", token: rafal)
            #expect(done.json["status"] as? String == "completed" && done.json["trail"] as? [String] == ["start", "take", "size", "pay", "end"])
        }
    }

    @Test("bad files, media types, rights and variables are refused with a clear problem")
    func refusals() async throws {
        try await TestApp.run(.sqlite) { app in
            let admin = try await app.token(app.world.admin)
            let unsupported = try await deploy(
                app,
                admin,
                Self.order.replacingOccurrences(of: "<bpmn:endEvent id=\"end\"/>", with: "<bpmn:endEvent id=\"end\"/><bpmn:transaction id=\"tx\"/>")
            )
            #expect(unsupported.status == .unprocessableContent && unsupported.text.contains("tx") && unsupported.text.contains("line"))
            #expect(try await deploy(app, admin, Self.order, type: "application/json").status == .unsupportedMediaType)
            #expect(try await deploy(app, admin, "<not-closed").status == .unprocessableContent)
            let rep = try await app.token(app.world.rafal)
            #expect(try await deploy(app, rep, Self.order).status == .forbidden)
            #expect(try await app.api(.get, "/api/v1/processes", token: admin).json["items"] as? [Any] != nil)
            #expect(try await app.api(.post, "/api/v1/processes/none/instances", token: admin, body: "{}").status == .notFound)
            _ = try await deploy(app, admin, Self.order)
            #expect(
                try await app.api(.post, "/api/v1/processes/order/instances", token: admin, body: #"{"variables": 5}"#).status
                    == .unprocessableContent
            )
            #expect(
                try await app.api(.post, "/api/v1/processes/order/instances", token: admin, body: #"{"vars": {}}"#).status == .unprocessableContent
            )
            #expect(
                try await app.api(.post, "/api/v1/processes/order/instances", token: admin, body: #"{"record": {"type": "user", "id": 1}}"#).status
                    == .unprocessableContent
            )
            #expect(
                try await app.api(.post, "/api/v1/processes/order/instances", token: admin, body: #"{"record": {"type": "deal", "id": 999}}"#).status
                    == .notFound
            )
            #expect(try await app.api(.get, "/api/v1/process-instances/999", token: admin).status == .notFound)
            #expect(try await app.api(.get, "/api/v1/process-tasks?x=1", token: admin).status == .badRequest)
        }
    }

    @Test("a process bound to a deal drives it through the funnel, and the stage log records the move", arguments: TestEngine.available)
    func drivesDeal(engine: TestEngine) async throws {
        try await TestApp.run(engine) { app in
            let admin = try await app.token(app.world.admin)
            let (pipeline, _) = try await app.world.salesPipeline()
            let deal = try await app.world.deal("Szczecin", by: app.world.rafal, in: pipeline)
            let bpmn = """
                <bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="d">
                  <bpmn:process id="qualify" isExecutable="true">
                    <bpmn:startEvent id="s"/><bpmn:sequenceFlow id="a" sourceRef="s" targetRef="present"/>
                    <bpmn:serviceTask id="present" camunda:type="crm.move_deal">
                      <bpmn:extensionElements><camunda:inputOutput><camunda:inputParameter name="stage">presentation</camunda:inputParameter></camunda:inputOutput></bpmn:extensionElements>
                    </bpmn:serviceTask>
                    <bpmn:sequenceFlow id="b" sourceRef="present" targetRef="e"/><bpmn:endEvent id="e"/>
                  </bpmn:process>
                </bpmn:definitions>
                """
            #expect(try await deploy(app, admin, bpmn).status == .created)
            let rafal = try await app.token(app.world.rafal)
            let started = try await app.api(
                .post,
                "/api/v1/processes/qualify/instances",
                token: rafal,
                body: #"{"record": {"type": "deal", "id": \#(deal.meta.id)}}"#
            )
            #expect(started.status == .created, "\(started.text)")
            #expect(try await app.store.processes.runEffects() == 1)
            let id = try #require(started.json["id"] as? Int)
            let done = try await app.api(.get, "/api/v1/process-instances/\(id)", token: rafal)
            #expect(
                done.json["status"] as? String == "completed"
                    && (done.json["variables"] as? [String: Any])?["deal_stage"] as? String == "Presentation"
            )
            let log = try await app.api(.get, "/api/v1/deals/\(deal.meta.id)/transitions", token: rafal)
            #expect((log.json["items"] as? [[String: Any]])?.last?["kind"] as? String == "moved")
            // From the deal's page: the process is offered, started for this deal, and listed there.
            let session = try await app.login("rafal@example.com")
            let dealPage = try await app.page("/deals/\(deal.meta.id)", cookie: session.cookie)
            #expect(dealPage.body.contains("record-start-process") && dealPage.body.contains("/processes/instances/\(id)"))

            // A process for companies is offered on company pages, not on deal pages.
            var xml = HTTPFields()
            xml[.contentType] = "application/xml"
            let forCompanies = Self.order.replacingOccurrences(of: "id=\"order\" name=\"Zamówienie\"", with: "id=\"visit\" name=\"Wizyta\"")
            let bound = try await app.api(.post, "/api/v1/processes?record_type=company", token: admin, body: forCompanies, headers: xml)
            #expect(
                bound.status == .created && (bound.json["items"] as? [[String: Any]])?.first?["record_type"] as? String == "company",
                "\(bound.text)"
            )
            #expect(
                try await app.api(.post, "/api/v1/processes?record_type=planet", token: admin, body: forCompanies, headers: xml).status == .badRequest
            )
            let company = try await app.world.company("Łódź Trading", by: app.world.rafal)
            let companyPage = try await app.page("/companies/\(company.meta.id)", cookie: session.cookie)
            #expect(companyPage.body.contains("record-start-process") && companyPage.body.contains("<option value=\"visit\">Wizyta</option>"))
            #expect(!(try await app.page("/deals/\(deal.meta.id)", cookie: session.cookie)).body.contains("<option value=\"visit\">"))
            let wrongKind = try await app.api(
                .post,
                "/api/v1/processes/visit/instances",
                token: rafal,
                body: #"{"record": {"type": "deal", "id": \#(deal.meta.id)}}"#
            )
            #expect(wrongKind.status == .unprocessableContent && wrongKind.text.contains("wrong_record_type"))
            let posted = try await app.postForm(
                "/processes/start",
                cookie: session.cookie,
                fields: [("_csrf", session.csrf), ("key", "qualify"), ("record_type", "deal"), ("record_id", String(deal.meta.id))]
            )
            #expect(posted.status == .seeOther && posted.headers[.location]?.hasPrefix("/processes/instances/") == true)
            // A process for leads (nurture) is offered on lead pages and starts on a lead through the API and the page.
            let forLeads = Self.order.replacingOccurrences(of: "id=\"order\" name=\"Zamówienie\"", with: "id=\"nurture\" name=\"Pielęgnacja leada\"")
            #expect(try await app.api(.post, "/api/v1/processes?record_type=lead", token: admin, body: forLeads, headers: xml).status == .created)
            let lead = try await app.store.leads.create(
                try await app.world.context(app.world.rafal),
                LeadFields(firstName: "Zsófia", lastName: "Kovács")
            ).record
            let leadPage = try await app.page("/leads/\(lead.meta.id)", cookie: session.cookie).body
            #expect(
                leadPage.contains("record-start-process") && leadPage.contains("<option value=\"nurture\">Pielęgnacja leada</option>")
                    && !leadPage.contains("<option value=\"visit\">")
            )
            let onLead = try await app.api(
                .post,
                "/api/v1/processes/nurture/instances",
                token: rafal,
                body: #"{"record": {"type": "lead", "id": \#(lead.meta.id)}}"#
            )
            #expect(onLead.status == .created && (onLead.json["record"] as? [String: Any])?["type"] as? String == "lead", "\(onLead.text)")
            let fromPage = try await app.postForm(
                "/processes/start",
                cookie: session.cookie,
                fields: [("_csrf", session.csrf), ("key", "nurture"), ("record_type", "lead"), ("record_id", String(lead.meta.id))]
            )
            #expect(fromPage.status == .seeOther)
            #expect(
                try await app.page("/leads/\(lead.meta.id)", cookie: session.cookie).body.components(separatedBy: "/processes/instances/").count - 1
                    == 2
            )
            // Sergei (another team) may not bind a process to Rafał's deal.
            let sergei = try await app.token(app.world.sergei)
            #expect(
                try await app.api(
                    .post,
                    "/api/v1/processes/qualify/instances",
                    token: sergei,
                    body: #"{"record": {"type": "deal", "id": \#(deal.meta.id)}}"#
                ).status == .notFound
            )
        }
    }

    @Test("triggers and campaigns through the API start instances the worker then runs")
    func triggersAndCampaigns() async throws {
        try await TestApp.run(.sqlite) { app in
            let admin = try await app.token(app.world.admin)
            #expect(try await deploy(app, admin, Self.order).status == .created)
            let (pipeline, _) = try await app.world.salesPipeline()
            let stage = pipeline.stages[1].id.rawValue
            let set = try await app.api(.put, "/api/v1/processes/order/triggers", token: admin, body: #"{"deal_entered_stage": [\#(stage)]}"#)
            #expect(set.status == .ok && set.json["deal_entered_stage"] as? [Int] == [Int(stage)])
            #expect(
                try await app.api(.put, "/api/v1/processes/order/triggers", token: admin, body: #"{"deal_entered_stage": ["x"]}"#).status
                    == .unprocessableContent
            )
            let rafal = try await app.token(app.world.rafal)
            #expect(
                try await app.api(.put, "/api/v1/processes/order/triggers", token: rafal, body: #"{"deal_entered_stage": []}"#).status == .forbidden
            )

            let deal = try await app.world.deal("Toruń", by: app.world.rafal, in: pipeline)
            #expect(try await app.api(.post, "/api/v1/deals/\(deal.meta.id)/move", token: rafal, body: #"{"stage_id": \#(stage)}"#).status == .ok)
            #expect(try await app.store.processes.runStartRequests() == 1)
            #expect((try await app.api(.get, "/api/v1/process-tasks", token: rafal).json["items"] as? [Any])?.count == 1)
            let unknownField = try await app.api(
                .put,
                "/api/v1/processes/order/triggers",
                token: admin,
                body: #"{"deal_entered_stage": [\#(stage)], "field_changed": [{"record_type": "company", "field": "colour"}]}"#
            )
            #expect(unknownField.status == .unprocessableContent && unknownField.text.contains("field_changed[0].field"))
            let watched = try await app.api(
                .put,
                "/api/v1/processes/order/triggers",
                token: admin,
                body: """
                    {"deal_entered_stage": [\(stage)], "record_created": ["contact"], "field_changed": [{"record_type": "company", "field": "priority", "value": "A"}]}
                    """
            )
            #expect(watched.status == .ok && watched.json["record_created"] as? [String] == ["contact"], "\(watched.text)")
            let read = try await app.api(.get, "/api/v1/processes/order/triggers", token: rafal)
            #expect((read.json["field_changed"] as? [[String: Any]])?.first?["value"] as? String == "A")
            #expect(try await app.api(.post, "/api/v1/contacts", token: rafal, body: #"{"last_name": "Kowalczyk"}"#).status == .created)
            #expect(try await app.store.processes.runStartRequests() == 1, "creating a contact started the order process")
            #expect(
                try await app.api(.put, "/api/v1/processes/order/triggers", token: admin, body: #"{"deal_entered_stage": [\#(stage)]}"#).status == .ok
            )

            _ = try await app.api(.post, "/api/v1/companies", token: rafal, body: #"{"name": "Łódź Trading", "priority": "A", "tags": ["renewal"]}"#)
            let maria = try await app.token(app.world.maria)
            let started = try await app.api(
                .post,
                "/api/v1/processes/order/campaigns",
                token: maria,
                body: #"{"name": "Odnowienia", "segment": {"priority": "A", "tag": "renewal"}}"#
            )
            #expect(started.status == .created && started.json["requested"] as? Int == 1, "\(started.text)")
            #expect(
                try await app.api(.post, "/api/v1/processes/order/campaigns", token: maria, body: #"{"name": "X", "segment": {}}"#).status
                    == .unprocessableContent
            )
            let badFilter = try await app.api(
                .post,
                "/api/v1/processes/order/campaigns",
                token: maria,
                body: #"{"name": "X", "segment": {"record_type": "deal", "stage_id": "soon"}}"#
            )
            #expect(badFilter.status == .unprocessableContent && badFilter.text.contains("segment.stage_id"), "\(badFilter.text)")
            let contacts = try await app.api(
                .post,
                "/api/v1/processes/order/campaigns",
                token: maria,
                body: #"{"name": "Kontakty", "segment": {"record_type": "contact", "q": "kowalczyk"}}"#
            )
            #expect(contacts.status == .created && contacts.json["requested"] as? Int == 1, "\(contacts.text)")
            #expect(
                try await app.api(.post, "/api/v1/processes/order/campaigns", token: rafal, body: #"{"name": "X", "segment": {"priority": "A"}}"#)
                    .status == .forbidden
            )
            try await app.store.processes.runStartRequests()
            let id = try #require(started.json["id"] as? Int)
            let board = try await app.api(.get, "/api/v1/process-campaigns/\(id)", token: maria)
            #expect(board.json["by_step"] as? [String: Int] == ["Przyjąć zamówienie": 1] && board.json["requested"] as? Int == 1)
            #expect(try await app.api(.get, "/api/v1/process-campaigns/\(id)", token: rafal).status == .notFound)

            // The same through the pages: the form on the processes page, and the campaign board.
            let session = try await app.login("maria@example.com")
            let posted = try await app.postForm(
                "/processes/order/campaigns",
                cookie: session.cookie,
                fields: [("_csrf", session.csrf), ("name", "Druga fala"), ("priority", "A"), ("tag", "renewal")]
            )
            #expect(posted.status == .seeOther)
            let location = try #require(posted.headers[.location])
            try await app.store.processes.runStartRequests()
            let page = try await app.page(location, cookie: session.cookie)
            #expect(page.status == .ok && page.body.contains("Druga fala") && page.body.contains("Przyjąć zamówienie") && page.body.contains("<svg"))
        }
    }

    @Test("a message finds the instances waiting for it by correlation, or starts the processes it starts", arguments: TestEngine.available)
    func correlation(engine: TestEngine) async throws {
        try await TestApp.run(engine) { app in
            let admin = try await app.token(app.world.admin)
            #expect(try await deploy(app, admin, Self.order).status == .created)
            let paidStart = """
                <bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d2">
                  <bpmn:message id="m" name="Complaint received"/>
                  <bpmn:process id="complaint" isExecutable="true">
                    <bpmn:startEvent id="s"><bpmn:messageEventDefinition messageRef="m"/></bpmn:startEvent>
                    <bpmn:sequenceFlow id="a" sourceRef="s" targetRef="t"/><bpmn:userTask id="t" name="Answer"/>
                    <bpmn:sequenceFlow id="b" sourceRef="t" targetRef="e"/><bpmn:endEvent id="e"/>
                  </bpmn:process>
                </bpmn:definitions>
                """
            #expect(try await deploy(app, admin, paidStart).status == .created)
            var waiting: [Int] = []
            for order in [41, 42] {
                let started = try await app.api(
                    .post,
                    "/api/v1/processes/order/instances",
                    token: admin,
                    body: #"{"variables": {"order_id": \#(order)}}"#
                )
                let id = try #require(started.json["id"] as? Int)
                let token = try #require((started.json["open_tasks"] as? [[String: Any]])?.first?["token"] as? Int)
                _ = try await app.api(
                    .post,
                    "/api/v1/process-instances/\(id)/tasks/\(token)/complete",
                    token: admin,
                    body: #"{"variables": {"amount": 5000}}"#
                )
                waiting.append(id)
            }
            let paid = try await app.api(
                .post,
                "/api/v1/process-messages",
                token: admin,
                body: #"{"message": "Payment received", "correlation": {"order_id": 42}}"#
            )
            #expect(paid.json["delivered"] as? [Int] == [waiting[1]] && paid.json["started"] as? [Int] == [])
            #expect(try await app.api(.get, "/api/v1/process-instances/\(waiting[0])", token: admin).json["status"] as? String == "running")
            let complaint = try await app.api(
                .post,
                "/api/v1/process-messages",
                token: admin,
                body: #"{"message": "Complaint received", "correlation": {"customer": "Łódź Trading"}}"#
            )
            let started = try #require((complaint.json["started"] as? [Int])?.first)
            #expect(
                (try await app.api(.get, "/api/v1/process-instances/\(started)", token: admin).json["variables"] as? [String: Any])?["customer"]
                    as? String == "Łódź Trading"
            )
            #expect(try await app.api(.post, "/api/v1/process-messages", token: admin, body: #"{"message": " "}"#).status == .unprocessableContent)
        }
    }
}
