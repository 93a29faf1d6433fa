import CRMCore
import CRMStore
import CRMTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("Activities, My day and the people on a deal")
struct ActivityTests {
    @Test("tasks, calls, meetings and notes are logged on a deal and listed on its timeline", arguments: TestEngine.available)
    func timeline(engine: TestEngine) async throws {
        try await TestApp.run(engine) { app in
            let (pipeline, _) = try await app.world.salesPipeline()
            let deal = try await app.world.deal("Szkolenia", by: app.world.rafal, in: pipeline)
            let token = try await app.token(app.world.rafal)
            let bodies = [
                #"{"kind": "task", "subject": "Wysłać ofertę", "deal_id": \#(deal.meta.id), "due_at": "2026-12-01T09:00:00Z", "priority": "high"}"#,
                #"{"kind": "call", "subject": "Rozmowa z zarządem", "deal_id": \#(deal.meta.id), "direction": "inbound", "duration_minutes": 25, "outcome": "Zainteresowani"}"#,
                #"{"kind": "meeting", "subject": "Prezentacja", "deal_id": \#(deal.meta.id), "starts_at": "2026-12-02T10:00:00Z", "ends_at": "2026-12-02T11:30:00Z", "place": "Łódź"}"#,
                #"{"kind": "note", "notes": "Klient prosi o rabat.", "deal_id": \#(deal.meta.id)}"#,
            ]
            for body in bodies {
                let response = try await app.api(.post, "/api/v1/activities", token: token, body: body)
                #expect(response.status == .created, "\(response.text)")
            }
            let list = try await app.api(.get, "/api/v1/activities?deal_id=\(deal.meta.id)&sort=-created_at", token: token)
            #expect((list.json["items"] as? [[String: Any]])?.compactMap { $0["kind"] as? String } == ["note", "meeting", "call", "task"])
            let tasks = try await app.api(.get, "/api/v1/activities?deal_id=\(deal.meta.id)&kind=task&done=false", token: token)
            let task = try #require((tasks.json["items"] as? [[String: Any]])?.first)
            #expect(task["priority"] as? String == "high" && task["due_at"] as? String == "2026-12-01T09:00:00.000Z")
            let done = try await app.api(
                .patch,
                "/api/v1/activities/\(task["id"] as! Int)",
                token: token,
                body: #"{"done": true}"#,
                headers: [.ifMatch: "\"1\""]
            )
            #expect(done.json["done"] as? Bool == true && done.json["done_at"] is String)
            let kindChange = try await app.api(
                .patch,
                "/api/v1/activities/\(task["id"] as! Int)",
                token: token,
                body: #"{"kind": "note"}"#,
                headers: [.ifMatch: "\"2\""]
            )
            #expect(kindChange.status == .unprocessableContent)
            let (cookie, _) = try await app.login("rafal@example.com")
            let page = try await app.page("/deals/\(deal.meta.id)", cookie: cookie).body
            #expect(page.contains("Wysłać ofertę") && page.contains("Klient prosi o rabat."))
            // A Polish rep reads the activity's form and page in Polish: kinds, directions and priorities alike.
            _ = try await app.store.users.update(World.system, app.world.rafal.id, .init(locale: "pl"))
            let call = try #require((list.json["items"] as? [[String: Any]])?.first { $0["kind"] as? String == "call" }?["id"] as? Int)
            let shown = try await app.page("/activities/\(call)", cookie: cookie).body
            #expect(shown.contains(">Rozmowa<") && shown.contains("Przychodzący"), "\(shown)")
            let form = try await app.page("/activities/\(task["id"] as! Int)/edit", cookie: cookie).body
            #expect(form.contains(">wysoki</option>") && form.contains(">Przychodzący</option>") && !form.contains(">high</option>"))
        }
    }

    @Test("bad activities are refused and nothing is written", arguments: [TestEngine.sqlite])
    func badActivities(engine: TestEngine) async throws {
        try await TestApp.run(engine) { app in
            let token = try await app.token(app.world.rafal)
            for body in [
                #"{"kind": "meeting", "subject": "No start"}"#,
                #"{"kind": "meeting", "subject": "Backwards", "starts_at": "2026-12-02T10:00:00Z", "ends_at": "2026-12-02T09:00:00Z"}"#,
                #"{"kind": "call", "subject": "Endless", "duration_minutes": 5000}"#,
                #"{"kind": "task", "subject": "Bad date", "due_at": "tomorrow"}"#,
                #"{"kind": "task", "subject": ""}"#,
                #"{"kind": "party", "subject": "X"}"#,
                #"{"kind": "task", "subject": "X", "deal_id": 99999}"#,
            ] {
                #expect(try await app.api(.post, "/api/v1/activities", token: token, body: body).status == .unprocessableContent, "\(body)")
            }
            #expect(try await app.store.activities.count(World.system, ListQuery(deleted: .include)) == 0)
        }
    }

    @Test("My day holds the user's overdue and due tasks and today's meetings, in their time zone", arguments: TestEngine.available)
    func myDay(engine: TestEngine) async throws {
        try await TestApp.run(engine) { app in
            let roza = app.world.roza
            _ = try await app.store.users.update(World.system, roza.id, .init(timeZone: "Europe/Moscow"))
            let zone = TimeZone(identifier: "Europe/Moscow")!
            let today = DayRange(containing: .now, timeZone: zone)
            let context = try await app.world.context(roza)
            func task(_ subject: String, _ due: Timestamp, done: Bool = false) async throws {
                _ = try await app.store.activities.create(context, ActivityFields(kind: .task, subject: subject, dueAt: due, isDone: done))
            }
            try await task("Yesterday", today.start.adding(seconds: -3600))
            try await task("This evening", today.end.adding(seconds: -60))
            try await task("Tomorrow", today.end.adding(seconds: 60))
            try await task("Finished", today.start.adding(seconds: -7200), done: true)
            _ = try await app.store.activities.create(
                context,
                ActivityFields(kind: .meeting, subject: "Lunch", startsAt: today.start.adding(seconds: 12 * 3600))
            )
            _ = try await app.store.activities.create(
                context,
                ActivityFields(kind: .meeting, subject: "Next week", startsAt: today.end.adding(seconds: 7 * 86_400))
            )
            _ = try await app.store.activities.create(
                try await app.world.context(app.world.rafal),
                ActivityFields(kind: .task, subject: "Not hers", dueAt: today.start)
            )

            let day = try await app.api(.get, "/api/v1/my-day", token: try await app.token(roza))
            func subjects(_ key: String) -> [String] { (day.json[key] as? [[String: Any]] ?? []).compactMap { $0["subject"] as? String } }
            #expect(subjects("overdue") == ["Yesterday"])
            #expect(subjects("due_today") == ["This evening"])
            #expect(subjects("meetings") == ["Lunch"])
            let (cookie, _) = try await app.login("roza@example.com")
            let landing = try await app.page("/", cookie: cookie).body
            #expect(landing.contains("This evening") && landing.contains("Lunch") && !landing.contains("Tomorrow"))
        }
    }

    @Test("the people on a deal have roles, and only visible contacts can be added", arguments: TestEngine.available)
    func dealContacts(engine: TestEngine) async throws {
        try await TestApp.run(engine) { app in
            let (pipeline, _) = try await app.world.salesPipeline()
            let deal = try await app.world.deal("Kontrakt", by: app.world.rafal, in: pipeline)
            let rafal = try await app.world.context(app.world.rafal)
            let anna = try await app.store.contacts.create(rafal, ContactFields(firstName: "Anna", lastName: "Zielińska")).record
            let hidden = try await app.store.contacts.create(try await app.world.context(app.world.sergei), ContactFields(lastName: "Hidden")).record
            let token = try await app.token(app.world.rafal)
            let set = try await app.api(
                .put,
                "/api/v1/deals/\(deal.meta.id)/contacts",
                token: token,
                body: #"{"contacts": [{"contact_id": \#(anna.meta.id), "role": "decision maker"}]}"#
            )
            #expect(set.status == .ok)
            #expect((set.json["items"] as? [[String: Any]])?.first?["role"] as? String == "decision maker")
            let refused = try await app.api(
                .put,
                "/api/v1/deals/\(deal.meta.id)/contacts",
                token: token,
                body: #"{"contacts": [{"contact_id": \#(hidden.meta.id)}]}"#
            )
            #expect(refused.status == .unprocessableContent)
            let listed = try await app.api(.get, "/api/v1/deals/\(deal.meta.id)/contacts", token: token)
            #expect((listed.json["items"] as? [[String: Any]])?.compactMap { $0["display_name"] as? String } == ["Anna Zielińska"])

            // Her card lists the deals she is on, open ones first with their stage and her role, then won and lost;
            // a deal Rafał may not see stays off it.
            let won = try await app.world.deal("Serwis 2026", by: app.world.rafal, in: pipeline)
            let secret = try await app.world.deal("Tajny", by: app.world.sergei, in: pipeline)
            for other in [won, secret] { _ = try await app.store.funnel.setContacts(World.system, deal: other.meta.id, [(anna.id, "user")]) }
            _ = try await app.store.funnel.apply(rafal, deal: won.meta.id, expectedVersion: nil, .win)
            #expect(try await app.store.funnel.deals(rafal, contact: anna.meta.id).map(\.deal.fields.title) == ["Kontrakt", "Serwis 2026"])
            #expect(
                try await app.store.funnel.deals(World.system, contact: anna.meta.id).map(\.deal.fields.title) == [
                    "Tajny", "Kontrakt", "Serwis 2026",
                ]
            )
            let (cookie, _) = try await app.login("rafal@example.com")
            let card = try await app.page("/contacts/\(anna.meta.id)", cookie: cookie).body
            let deals = try #require(card.firstMatch(of: /data-testid="contact-deals">(.*?)<\/ul>/)?.1)
            #expect(
                deals.contains("Kontrakt") && deals.contains("decision maker") && deals.contains(pipeline.stages[0].name)
                    && deals.contains("Serwis 2026") && deals.contains("Won")
            )
            #expect(!card.contains("Tajny"))
        }
    }
}
