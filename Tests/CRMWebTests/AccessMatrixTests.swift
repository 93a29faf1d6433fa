import CRMCore
import CRMStore
import CRMTestSupport
import CRMWeb
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

/// Proves, for every API endpoint that touches CRM records, that a rep cannot reach another team's records by
/// any path, and that a manager sees exactly the teams they head. A new endpoint that is not listed here fails
/// `everyRecordEndpointIsCovered`, so the matrix cannot silently fall behind the router.
@Suite("Access matrix")
struct AccessMatrixTests {
    /// Each record endpoint and how the matrix exercises it against a record the caller may not see.
    static let recordEndpoints: [String: (method: HTTPRequest.Method, body: String?, headers: HTTPFields)] = [
        "GET /api/v1/{collection}/{id}": (.get, nil, [:]),
        "PATCH /api/v1/{collection}/{id}": (.patch, #"{"tags": ["taken"]}"#, [.ifMatch: "\"1\""]),
        "DELETE /api/v1/{collection}/{id}": (.delete, nil, [:]),
        "POST /api/v1/{collection}/{id}/restore": (.post, nil, [:]),
        "GET /api/v1/{collection}/{id}/history": (.get, nil, [:]),
        "GET /api/v1/{collection}/{id}/files": (.get, nil, [:]),
        "POST /api/v1/{collection}/{id}/files": (
            .post, "stolen?", [.contentType: "text/plain", .contentDisposition: "attachment; filename=\"x.txt\""]
        ),
        "GET /api/v1/{collection}/{id}/comments": (.get, nil, [:]),
        "POST /api/v1/{collection}/{id}/comments": (.post, #"{"body": "@Сергей Иванов hello"}"#, [:]),
    ]
    /// A file on each of those records, exercised by its id; the search over files is checked for what it finds.
    static let fileEndpoints: [String: HTTPRequest.Method] = [
        "GET /api/v1/files/{id}": .get, "GET /api/v1/files/{id}/content": .get, "DELETE /api/v1/files/{id}": .delete,
        "POST /api/v1/files/{id}/restore": .post,
    ]
    static let fileSetEndpoints = ["GET /api/v1/files"]
    /// The caller's own notifications (only of records they may still see) and comments by id, checked below.
    static let notificationEndpoints = [
        "GET /api/v1/notifications", "POST /api/v1/notifications/read", "GET /api/v1/notifications/stream", "DELETE /api/v1/comments/{id}",
        // Names of colleagues and teams, which every user sees in owner choices anyway.
        "GET /api/v1/mentions",
        // The caller's own calendar link; the feed it serves holds only the caller's own activities (test_calendar_feed).
        "GET /api/v1/calendar-feed", "POST /api/v1/calendar-feed", "DELETE /api/v1/calendar-feed",
    ]
    /// Deal operations, exercised like the record endpoints.
    static let dealOperations: [String: (method: HTTPRequest.Method, body: String?)] = [
        "POST /api/v1/deals/{id}/move": (.post, #"{"stage_id": STAGE}"#),
        "POST /api/v1/deals/{id}/win": (.post, nil),
        "POST /api/v1/deals/{id}/lose": (.post, #"{"loss_reason_id": REASON}"#),
        "POST /api/v1/deals/{id}/reopen": (.post, "{}"),
        "GET /api/v1/deals/{id}/transitions": (.get, nil),
        "GET /api/v1/deals/{id}/contacts": (.get, nil),
        "PUT /api/v1/deals/{id}/contacts": (.put, #"{"contacts": []}"#),
    ]
    /// Lead operations, exercised like the record endpoints.
    static let leadOperations: [String: (method: HTTPRequest.Method, body: String?)] = [
        "POST /api/v1/leads/{id}/convert": (.post, #"{"create_company": true}"#),
        "POST /api/v1/leads/{id}/behaviours": (.post, #"{"behaviour": "email_answered"}"#),
    ]
    /// Endpoints that return sets of records; the matrix checks what they contain.
    static let setEndpoints = ["GET /api/v1/{collection}", "GET /api/v1/{collection}/export", "POST /api/v1/{collection}"]
    static let boardEndpoints = ["GET /api/v1/pipelines/{id}/board", "GET /api/v1/pipelines/{id}/stages/{stage}/cards"]
    /// The search box across record types; the matrix checks what it finds.
    static let searchEndpoints = ["GET /api/v1/search"]
    /// Duplicates and merges of companies and contacts, exercised against a record the caller may not see.
    static let mergeEndpoints: [String: (method: HTTPRequest.Method, body: String?, headers: HTTPFields)] = [
        "GET /api/v1/{collection}/{id}/duplicates": (.get, nil, [:]),
        "POST /api/v1/{collection}/{id}/merge": (.post, #"{"merged_id": OWN, "merged_version": 1}"#, [.ifMatch: "\"1\""]),
        "GET /api/v1/{collection}/{id}/merges": (.get, nil, [:]),
        "POST /api/v1/{collection}/merges/{merge}/undo": (.post, nil, [:]),
    ]
    static let mergeCollections = ["companies", "contacts", "leads"]
    /// Contacts as vCards: the export is checked for what it contains, the import for what it may link to.
    static let vcardEndpoints = ["GET /api/v1/contacts/export.vcf", "POST /api/v1/contacts/import.vcf"]
    /// Endpoints that do not return CRM records (identity and meta); their own rules are tested in `APITests`.
    static let otherEndpoints: Set<String> = [
        "GET /api/v1/me", "GET /api/v1/users", "POST /api/v1/users", "GET /api/v1/users/{id}", "PATCH /api/v1/users/{id}",
        "GET /api/v1/teams", "POST /api/v1/teams", "GET /api/v1/teams/{id}", "PATCH /api/v1/teams/{id}",
        "GET /api/v1/tokens", "POST /api/v1/tokens", "DELETE /api/v1/tokens/{id}", "GET /api/v1/openapi.json",
        // Only the caller's own activities, through the same predicate (ActivityTests).
        "GET /api/v1/my-day",
        // Funnel configuration: readable by all, changed by admins (FunnelAPITests).
        "GET /api/v1/pipelines", "POST /api/v1/pipelines", "GET /api/v1/pipelines/{id}", "POST /api/v1/pipelines/{id}/stages",
        // Reports, plans and forecast overrides: each report equals the admin's narrowed to what the caller may see (ReportTests).
        "GET /api/v1/reports/snapshot", "GET /api/v1/reports/funnel", "GET /api/v1/reports/losses", "GET /api/v1/reports/plan",
        "GET /api/v1/reports/reps",
        "GET /api/v1/reports/required", "GET /api/v1/reports/velocity", "GET /api/v1/reports/forecast", "GET /api/v1/reports/deals",
        "GET /api/v1/plans", "PUT /api/v1/plans", "GET /api/v1/forecast-overrides", "POST /api/v1/forecast-overrides",
        // Process definitions and their triggers hold no records: read by all, changed by admins (ProcessAPITests).
        // Binding a new instance or a campaign to records requires seeing them (ProcessStoreTests).
        "GET /api/v1/processes", "POST /api/v1/processes", "POST /api/v1/processes/{key}/instances",
        "GET /api/v1/processes/{key}/triggers", "PUT /api/v1/processes/{key}/triggers", "POST /api/v1/processes/{key}/campaigns",
        // Saved segments hold filters, not records; using one lists only what the caller may see (SegmentTests).
        "GET /api/v1/segments", "POST /api/v1/segments", "GET /api/v1/segments/{id}", "DELETE /api/v1/segments/{id}",
        // Imports belong to their uploader (and admins); their rows are tied only to what the importer may see (ImportTests).
        "GET /api/v1/imports", "POST /api/v1/imports", "GET /api/v1/imports/{id}", "POST /api/v1/imports/{id}/run",
        "POST /api/v1/imports/{id}/undo", "GET /api/v1/import-mappings",
        // The full export is the lists and the stage log through the same predicate (checked below for a rep).
        "GET /api/v1/export",
        // Lead rules and web forms: readable by all, changed by admins (LeadAPITests).
        "GET /api/v1/lead-rules/scoring", "PUT /api/v1/lead-rules/scoring", "GET /api/v1/lead-rules/routing", "PUT /api/v1/lead-rules/routing",
        "GET /api/v1/lead-forms", "POST /api/v1/lead-forms", "PATCH /api/v1/lead-forms/{id}",
        // Field definitions: readable by all, changed by admins (CustomFieldAPITests).
        "GET /api/v1/fields", "POST /api/v1/fields", "PATCH /api/v1/fields/{id}", "POST /api/v1/fields/{id}/options/rename",
        "PUT /api/v1/pipelines/{id}/stage-order", "PATCH /api/v1/stages/{id}", "PATCH /api/v1/pipelines/{id}", "DELETE /api/v1/stages/{id}",
        "GET /api/v1/loss-reasons", "POST /api/v1/loss-reasons",
    ]
    static let collections = ["companies", "contacts", "leads", "deals", "activities"]
    /// Process instances, exercised against another team's instance (bound to its record, and unbound).
    static let instanceEndpoints: [String: (method: HTTPRequest.Method, body: String?)] = [
        "GET /api/v1/process-instances/{id}": (.get, nil),
        "POST /api/v1/process-instances/{id}/tasks/{token}/complete": (.post, "{}"),
        "POST /api/v1/process-instances/{id}/tasks/{token}/claim": (.post, nil),
        "POST /api/v1/process-instances/{id}/messages": (.post, #"{"message": "Payment received"}"#),
        "POST /api/v1/process-instances/{id}/retry": (.post, nil),
    ]
    /// Endpoints over sets of instances; the matrix checks what they contain.
    static let instanceSetEndpoints = [
        "GET /api/v1/process-instances", "GET /api/v1/process-tasks", "POST /api/v1/process-messages", "GET /api/v1/process-campaigns/{id}",
    ]
    /// A process whose task is offered to team South, waiting for a payment after it.
    static let southOrder = """
        <bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="d">
          <bpmn:message id="paid" name="Payment received"/>
          <bpmn:process id="south_order" name="Zamówienie" isExecutable="true">
            <bpmn:startEvent id="start"/>
            <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="take"/>
            <bpmn:userTask id="take" name="Przyjąć zamówienie" camunda:candidateGroups="South"/>
            <bpmn:sequenceFlow id="f2" sourceRef="take" targetRef="pay"/>
            <bpmn:intermediateCatchEvent id="pay"><bpmn:messageEventDefinition messageRef="paid"/></bpmn:intermediateCatchEvent>
            <bpmn:sequenceFlow id="f3" sourceRef="pay" targetRef="end"/>
            <bpmn:endEvent id="end"/>
          </bpmn:process>
        </bpmn:definitions>
        """

    @Test("every API endpoint is in the matrix")
    func everyRecordEndpointIsCovered() async throws {
        try await TestDatabase.withStore(.sqlite) { store in
            let router = buildRouter(try await Dependencies(store: store, logger: TestDatabase.logger))
            let routed = Set(
                router.routes.map { "\($0.method) \(OpenAPIContractTests.normalize($0.path.description))" }.filter { $0.contains("/api/") }
            )
            #expect(routed.count >= 25, "the router's routes could not be read: \(routed.sorted())")
            var covered = Self.otherEndpoints.union(Self.dealOperations.keys).union(Self.instanceEndpoints.keys).union(Self.instanceSetEndpoints)
                .union(Self.leadOperations.keys).union(Self.boardEndpoints).union(Self.searchEndpoints).union(Self.vcardEndpoints)
                .union(Self.fileEndpoints.keys).union(Self.fileSetEndpoints).union(Self.notificationEndpoints)
            for collection in Self.mergeCollections {
                for pattern in Self.mergeEndpoints.keys { covered.insert(pattern.replacingOccurrences(of: "{collection}", with: collection)) }
            }
            for collection in Self.collections {
                for pattern in Array(Self.recordEndpoints.keys) + Self.setEndpoints {
                    covered.insert(pattern.replacingOccurrences(of: "{collection}", with: collection))
                }
            }
            #expect(routed.subtracting(covered).isEmpty, "endpoints missing from the access matrix: \(routed.subtracting(covered).sorted())")
        }
    }

    @Test(
        "a rep cannot read, list, search, count, update, delete, restore, export or see the history of another team's records",
        arguments: TestEngine.available
    )
    func repIsConfinedToTheirTeam(engine: TestEngine) async throws {
        try await TestApp.run(engine) { app in
            let world = app.world
            let sergei = try await app.token(world.sergei)
            let rafal = try await app.token(world.rafal)
            let southCompany = try #require(
                try await app.api(
                    .post,
                    "/api/v1/companies",
                    token: sergei,
                    body: #"{"name": "Southern Secret Ltd", "phones": [{"number": "+48 600 700 800"}]}"#
                ).json["id"] as? Int
            )
            let southContact = try #require(
                try await app.api(.post, "/api/v1/contacts", token: sergei, body: #"{"last_name": "Secretov", "company_id": \#(southCompany)}"#).json[
                    "id"
                ] as? Int
            )
            try await app.api(.post, "/api/v1/companies", token: rafal, body: #"{"name": "Northern Light"}"#)
            let (pipeline, reasons) = try await world.salesPipeline()
            let southDeal = try #require(
                try await app.api(
                    .post,
                    "/api/v1/deals",
                    token: sergei,
                    body: #"{"title": "Secret deal", "pipeline_id": \#(pipeline.id), "stage_id": \#(pipeline.stages[0].id), "amount": "100"}"#
                ).json["id"] as? Int
            )
            try await world.deal("Northern deal", by: world.rafal, in: pipeline)
            let southActivity = try #require(
                try await app.api(
                    .post,
                    "/api/v1/activities",
                    token: sergei,
                    body: #"{"kind": "task", "subject": "Secret task", "deal_id": \#(southDeal)}"#
                ).json["id"] as? Int
            )
            let southLead = try #require(
                try await app.api(
                    .post,
                    "/api/v1/leads",
                    token: sergei,
                    body: #"{"last_name": "Secretski", "company_name": "Secret Prospect", "phones": [{"number": "+48 600 700 801"}]}"#
                ).json["id"] as? Int
            )
            let ids = ["companies": southCompany, "contacts": southContact, "leads": southLead, "deals": southDeal, "activities": southActivity]
            for (collection, id) in ids {
                let attached = try await app.api(
                    .post,
                    "/api/v1/\(collection)/\(id)/files?name=secret-\(collection).txt",
                    token: sergei,
                    body: "Secret file",
                    headers: [.contentType: "text/plain"]
                )
                let file = try #require(attached.json["id"] as? Int, "attaching to \(collection): \(attached.status)")
                for (pattern, method) in Self.fileEndpoints {
                    let path = pattern.split(separator: " ")[1].replacingOccurrences(of: "{id}", with: String(file))
                    let response = try await app.api(method, path, token: rafal)
                    #expect(response.status == .notFound, "\(pattern) on a file of \(collection) answered \(response.status)")
                }
            }
            // Sergei mentions Rafał on each hidden record: Rafał is told nothing and cannot remove the comments.
            for (collection, id) in ids {
                let posted = try await app.api(
                    .post,
                    "/api/v1/\(collection)/\(id)/comments",
                    token: sergei,
                    body: #"{"body": "@Rafał Wiśniewski Secret plan"}"#
                )
                let comment = try #require(posted.json["id"] as? Int, "commenting on \(collection): \(posted.status)")
                #expect(try await app.api(.delete, "/api/v1/comments/\(comment)", token: rafal).status == .notFound)
            }
            let told = try await app.api(.get, "/api/v1/notifications", token: rafal)
            #expect(told.status == .ok && !told.text.contains("Secret"), "notifications leaked")
            #expect(told.json["unread"] as? Int == 0)
            let foundFiles = try await app.api(.get, "/api/v1/files?q=secret", token: rafal)
            #expect(foundFiles.status == .ok && (foundFiles.json["items"] as? [Any])?.isEmpty == true, "file search leaked")

            let everything = try await app.api(.get, "/api/v1/export", token: rafal)
            #expect(everything.status == .ok && everything.text.contains("Northern Light"))
            for secret in ["Southern Secret", "Secretov", "Secretski", "Secret deal", "Secret task"] {
                #expect(!everything.text.contains(secret), "the full export leaked \(secret)")
            }
            for collection in Self.collections {
                let id = ids[collection]!
                for (pattern, call) in Self.recordEndpoints {
                    let path = pattern.split(separator: " ")[1].replacingOccurrences(of: "{collection}", with: collection).replacingOccurrences(
                        of: "{id}",
                        with: String(id)
                    )
                    let response = try await app.api(call.method, path, token: rafal, body: call.body, headers: call.headers)
                    #expect(response.status == .notFound, "\(pattern) on \(collection) answered \(response.status)")
                }
                for query in [
                    "", "?q=secret", "?q=600700800", "?include_total=true", "?deleted=include", "?owner_id=\(world.sergei.id)",
                    "?team_id=\(world.south.id)",
                ] {
                    let page = try await app.api(.get, "/api/v1/\(collection)\(query)", token: rafal)
                    let listed = (page.json["items"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? Int }
                    #expect(!listed.contains(id), "\(collection)\(query) leaked")
                }
                let total = try await app.api(.get, "/api/v1/\(collection)?include_total=true&q=secret", token: rafal)
                #expect(total.json["total"] as? Int == 0)
                let export = try await app.api(.get, "/api/v1/\(collection)/export", token: rafal).text
                #expect(!export.contains("Secret"), "export of \(collection) leaked")
            }
            // Sergei merges two of his records; Rafał can neither see, merge, list nor undo that, nor merge his own
            // record with one of Sergei's.
            let southTwin = try #require(
                try await app.api(.post, "/api/v1/companies?allow_duplicates=true", token: sergei, body: #"{"name": "Southern Secret"}"#).json["id"]
                    as? Int
            )
            let southMerge = try #require(
                (try await app.api(
                    .post,
                    "/api/v1/companies/\(southCompany)/merge",
                    token: sergei,
                    body: #"{"merged_id": \#(southTwin), "merged_version": 1}"#,
                    headers: [.ifMatch: "\"1\""]
                ).json["merge"] as? [String: Any])?["id"] as? Int
            )
            let southPerson = try #require(
                try await app.api(.post, "/api/v1/contacts?allow_duplicates=true", token: sergei, body: #"{"last_name": "Secretova"}"#).json["id"]
                    as? Int
            )
            let ownCompany = try #require(
                try await app.api(.post, "/api/v1/companies", token: rafal, body: #"{"name": "Rafał's own"}"#).json["id"] as? Int
            )
            let ownContact = try #require(
                try await app.api(.post, "/api/v1/contacts", token: rafal, body: #"{"last_name": "Rafałowa"}"#).json["id"] as? Int
            )
            for collection in Self.mergeCollections {
                let hidden = collection == "companies" ? southCompany : southPerson
                let own = collection == "companies" ? ownCompany : ownContact
                for (pattern, call) in Self.mergeEndpoints {
                    let path = pattern.split(separator: " ")[1].replacingOccurrences(of: "{collection}", with: collection)
                        .replacingOccurrences(of: "{id}", with: String(hidden)).replacingOccurrences(of: "{merge}", with: String(southMerge))
                    let response = try await app.api(
                        call.method,
                        path,
                        token: rafal,
                        body: call.body?.replacingOccurrences(of: "OWN", with: String(own)),
                        headers: call.headers
                    )
                    #expect(response.status == .notFound, "\(pattern) on \(collection) answered \(response.status)")
                }
                let intoOwn = try await app.api(
                    .post,
                    "/api/v1/\(collection)/\(own)/merge",
                    token: rafal,
                    body: #"{"merged_id": \#(hidden), "merged_version": 1}"#,
                    headers: [.ifMatch: "\"1\""]
                )
                #expect(intoOwn.status == .notFound, "merging another team's \(collection) into one's own answered \(intoOwn.status)")
            }
            let vcards = try await app.api(.get, "/api/v1/contacts/export.vcf", token: rafal).text
            #expect(!vcards.contains("Secret") && vcards.contains("Rafałowa"), "the vCard export leaked or lost contacts")
            let imported = try await app.api(
                .post,
                "/api/v1/contacts/import.vcf",
                token: rafal,
                body: "BEGIN:VCARD\r\nVERSION:3.0\r\nN:Spy;;;;\r\nORG:Southern Secret Ltd\r\nEND:VCARD\r\n",
                headers: [.contentType: "text/vcard"]
            )
            #expect(imported.status == .created && imported.text.contains("no such company"), "a vCard import linked to another team's company")
            for text in ["secret", "600700800", "+48 600-700-800", "secretov"] {
                let found = try await app.api(
                    .get,
                    "/api/v1/search?q=\(text.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)",
                    token: rafal
                )
                #expect(found.status == .ok && !found.text.contains("Secret"), "search for \(text) leaked")
            }
            let own = try await app.api(.get, "/api/v1/search?q=northern", token: rafal)
            #expect(own.text.contains("Northern Light") && own.text.contains("Northern deal"))
            let sergeiFinds = try await app.api(.get, "/api/v1/search?q=600%20700%20800", token: sergei)
            #expect(sergeiFinds.text.contains("Southern Secret Ltd"))
            for (pattern, call) in Self.dealOperations {
                let path = pattern.split(separator: " ")[1].replacingOccurrences(of: "{id}", with: String(southDeal))
                let body = call.body?.replacingOccurrences(of: "STAGE", with: "\(pipeline.stages[1].id)").replacingOccurrences(
                    of: "REASON",
                    with: "\(reasons[0].id)"
                )
                let response = try await app.api(call.method, path, token: rafal, body: body)
                #expect(response.status == .notFound, "\(pattern) answered \(response.status)")
            }
            for (pattern, call) in Self.leadOperations {
                let response = try await app.api(
                    call.method,
                    pattern.split(separator: " ")[1].replacingOccurrences(of: "{id}", with: String(southLead)),
                    token: rafal,
                    body: call.body
                )
                #expect(response.status == .notFound, "\(pattern) answered \(response.status)")
            }
            let board = try await app.api(.get, "/api/v1/pipelines/\(pipeline.id)/board?cards=100", token: rafal)
            #expect(board.status == .ok)
            #expect(!board.text.contains("Secret deal") && board.text.contains("Northern deal"))
            let counts = (board.json["columns"] as? [[String: Any]] ?? []).compactMap { $0["count"] as? Int }
            #expect(counts.reduce(0, +) == 1)
            let myDay = try await app.api(.get, "/api/v1/my-day", token: rafal)
            #expect(myDay.status == .ok && !myDay.text.contains("Secret"))
            let linked = try await app.api(
                .post,
                "/api/v1/activities",
                token: rafal,
                body: #"{"kind": "note", "subject": "Spy", "deal_id": \#(southDeal)}"#
            )
            #expect(linked.status == .unprocessableContent)
            let cards = try await app.api(.get, "/api/v1/pipelines/\(pipeline.id)/stages/\(pipeline.stages[0].id)/cards?after=999999", token: rafal)
            #expect(cards.status == .ok && !cards.text.contains("Secret deal"))
            // Linking to a record one cannot see is refused too.
            let link = try await app.api(.post, "/api/v1/contacts", token: rafal, body: #"{"last_name": "Spy", "company_id": \#(southCompany)}"#)
            #expect(link.status == .unprocessableContent)
            // And the records are intact.
            let stored = try await app.store.companies.get(World.system, Int64(southCompany))
            #expect(stored.meta.version == 2 && stored.meta.deletedAt == nil && stored.fields.tags.isEmpty, "only Sergei's own merge changed it")
            let deal = try await app.store.deals.get(World.system, Int64(southDeal))
            #expect(deal.meta.version == 1 && deal.fields.status == .open && deal.fields.stageID == pipeline.stages[0].id)
        }
    }

    @Test("a manager sees exactly the records of the teams they head", arguments: TestEngine.available)
    func managerSeesHeadedTeams(engine: TestEngine) async throws {
        try await TestApp.run(engine) { app in
            let world = app.world
            for (user, name) in [(world.rafal, "N1"), (world.roza, "N2"), (world.sergei, "S1"), (world.admin, "Admin's")] {
                let token = try await app.token(user)
                try await app.api(.post, "/api/v1/companies", token: token, body: #"{"name": "\#(name)"}"#)
            }
            func names(_ user: User) async throws -> Set<String> {
                let token = try await app.token(user)
                let page = try await app.api(.get, "/api/v1/companies?limit=200", token: token)
                return Set((page.json["items"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String })
            }
            #expect(try await names(world.maria) == ["N1", "N2"])
            #expect(try await names(world.mikhail) == ["S1"])
            #expect(try await names(world.admin) == ["N1", "N2", "S1", "Admin's"])
            let export = try await app.api(.get, "/api/v1/companies/export", token: try await app.token(world.maria)).text
            #expect(export.contains("N1") && export.contains("N2") && !export.contains("S1"))
            // The manager may act on the team's records, not on others'.
            let south = try await app.store.companies.list(World.system, ListQuery(search: "S1")).items[0]
            let maria = try await app.token(world.maria)
            #expect(
                try await app.api(
                    .patch,
                    "/api/v1/companies/\(south.meta.id)",
                    token: maria,
                    body: #"{"industry": "x"}"#,
                    headers: [.ifMatch: "\"1\""]
                ).status == .notFound
            )
        }
    }

    @Test("a process instance is seen only by those who may see its record, its starter and those with a task in it", arguments: TestEngine.available)
    func processInstancesFollowTheirRecords(engine: TestEngine) async throws {
        try await TestApp.run(engine) { app in
            let world = app.world
            let admin = try await app.token(world.admin)
            let sergei = try await app.token(world.sergei)
            var xml = HTTPFields()
            xml[.contentType] = "application/xml"
            #expect(try await app.api(.post, "/api/v1/processes", token: admin, body: Self.southOrder, headers: xml).status == .created)
            let southCompany = try #require(
                try await app.api(.post, "/api/v1/companies", token: sergei, body: #"{"name": "Southern Secret Ltd"}"#).json["id"] as? Int
            )
            let rafal = try await app.token(world.rafal)
            try await app.api(.post, "/api/v1/companies", token: rafal, body: #"{"name": "Northern Light"}"#)
            let bound = try #require(
                try await app.api(
                    .post,
                    "/api/v1/processes/south_order/instances",
                    token: sergei,
                    body: #"{"record": {"type": "company", "id": \#(southCompany)}, "variables": {"secret": "Southern price list"}}"#
                ).json["id"] as? Int
            )
            let unbound = try #require(
                try await app.api(
                    .post,
                    "/api/v1/processes/south_order/instances",
                    token: sergei,
                    body: #"{"variables": {"secret": "Southern price list"}}"#
                ).json["id"] as? Int
            )
            let task = try #require(
                (try await app.api(.get, "/api/v1/process-tasks", token: sergei).json["items"] as? [[String: Any]])?.first?["token"] as? Int
            )

            // Maria heads North; Rafał is in it. Neither reaches South's instances by any path.
            for user in [world.maria, world.rafal] {
                let token = try await app.token(user)
                for id in [bound, unbound] {
                    for (pattern, call) in Self.instanceEndpoints {
                        let path = pattern.split(separator: " ")[1].replacingOccurrences(of: "{id}", with: String(id)).replacingOccurrences(
                            of: "{token}",
                            with: String(task)
                        )
                        let response = try await app.api(call.method, path, token: token, body: call.body)
                        #expect(response.status == .notFound, "\(pattern) on instance \(id) answered \(response.status) to \(user.email)")
                    }
                }
                let listed = try await app.api(.get, "/api/v1/process-instances", token: token)
                #expect(
                    listed.status == .ok && !listed.text.contains("\"id\":\(bound)") && !listed.text.contains("\"id\":\(unbound)"),
                    "\(listed.text)"
                )
                let inbox = try await app.api(.get, "/api/v1/process-tasks", token: token)
                #expect(inbox.status == .ok && (inbox.json["items"] as? [Any])?.isEmpty == true)
                let correlated = try await app.api(.post, "/api/v1/process-messages", token: token, body: #"{"message": "Payment received"}"#)
                #expect((correlated.json["delivered"] as? [Int])?.isEmpty == true)
                let session = try await app.login(user.email.description)
                let page = try await app.page("/processes", cookie: session.cookie)
                #expect(
                    page.status == .ok && !page.body.contains("/processes/instances/\(bound)\"")
                        && !page.body.contains("/processes/instances/\(unbound)\"")
                )
                for id in [bound, unbound] {
                    #expect(try await app.page("/processes/instances/\(id)", cookie: session.cookie).status == .notFound)
                }
            }
            // Mikhail heads South: he sees the instance of his team's record, not the one Sergei started unbound.
            let mikhail = try await app.token(world.mikhail)
            #expect(try await app.api(.get, "/api/v1/process-instances/\(bound)", token: mikhail).status == .ok)
            #expect(try await app.api(.get, "/api/v1/process-instances/\(unbound)", token: mikhail).status == .notFound)
            // Sergei started both; the admin sees all.
            for token in [sergei, admin] {
                for id in [bound, unbound] { #expect(try await app.api(.get, "/api/v1/process-instances/\(id)", token: token).status == .ok) }
            }
            let all = try await app.api(.get, "/api/v1/process-instances?process=south_order", token: admin)
            #expect((all.json["items"] as? [[String: Any]])?.compactMap { $0["id"] as? Int }.sorted() == [bound, unbound])

            // A campaign over every company: Maria's board counts North's records only.
            let campaign = try #require(
                try await app.api(
                    .post,
                    "/api/v1/processes/south_order/campaigns",
                    token: admin,
                    body: #"{"name": "Wszyscy", "segment": {"q": "ern"}}"#
                ).json["id"] as? Int
            )
            try await app.store.processes.runStartRequests()
            let board = try await app.api(.get, "/api/v1/process-campaigns/\(campaign)", token: try await app.token(world.maria))
            #expect(
                board.status == .ok && board.json["requested"] as? Int == 1 && (board.json["by_status"] as? [String: Int])?["running"] == 1,
                "\(board.text)"
            )
            let full = try await app.api(.get, "/api/v1/process-campaigns/\(campaign)", token: admin)
            #expect(full.json["requested"] as? Int == 2)
        }
    }
}
