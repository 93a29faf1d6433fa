import CRMCore
import CRMStore
import CRMTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("Saved segments")
struct SegmentTests {
    @Test(
        "a segment saved over the API opens its list, starts a campaign, and shows each user only what they may see",
        arguments: TestEngine.available
    )
    func segments(engine: TestEngine) async throws {
        try await TestApp.run(engine) { app in
            let rafal = try await app.token(app.world.rafal)
            let sergei = try await app.token(app.world.sergei)
            for (token, name) in [(rafal, "Łódź Trading"), (rafal, "Kraków Steel"), (sergei, "Пловдив Логистик")] {
                #expect(
                    try await app.api(.post, "/api/v1/companies", token: token, body: #"{"name": "\#(name)", "priority": "A", "tags": ["renewal"]}"#)
                        .status == .created
                )
            }
            let created = try await app.api(
                .post,
                "/api/v1/segments",
                token: rafal,
                body: #"{"name": "Odnowienia A", "record_type": "company", "filters": {"priority": "A", "tag": "renewal"}}"#
            )
            #expect(created.status == .created, "\(created.text)")
            let id = try #require(created.json["id"] as? Int)
            #expect(
                try await app.api(.post, "/api/v1/segments", token: sergei, body: #"{"name": "Odnowienia A", "filters": {"tag": "x"}}"#).status
                    == .conflict
            )
            for (body, field) in [
                (#"{"name": "X", "record_type": "contact", "filters": {"priority": "A"}}"#, "filters.priority"),
                (#"{"name": "X", "filters": {"stage_id": "soon"}}"#, "filters.stage_id"),
                (#"{"name": "X", "filters": {"sort": "name"}}"#, "filters.sort"),
                (#"{"name": "X", "filters": {"cf.shoe_size": "42"}}"#, "filters.cf.shoe_size"),
                (#"{"name": "X", "filters": {}}"#, "filters"),
                (#"{"name": "", "filters": {"tag": "x"}}"#, "name"),
                (#"{"name": "X", "record_type": "activity", "filters": {"tag": "x"}}"#, "record_type"),
            ] {
                let refused = try await app.api(.post, "/api/v1/segments", token: rafal, body: body)
                #expect(refused.status == .unprocessableContent && refused.text.contains("\"\(field)"), "\(body): \(refused.text)")
            }
            let listed = try await app.api(.get, "/api/v1/segments?record_type=company", token: sergei)
            #expect((listed.json["items"] as? [[String: Any]])?.map { $0["name"] as? String } == ["Odnowienia A"])
            #expect(try await app.api(.get, "/api/v1/segments?record_type=planet", token: sergei).status == .badRequest)

            // The same segment gathers each viewer's own records: a campaign by Maria (North) reaches Rafał's two.
            let maria = try await app.token(app.world.maria)
            let admin = try await app.token(app.world.admin)
            var headers = HTTPFields()
            headers[.contentType] = "application/xml"
            _ = try await app.api(.post, "/api/v1/processes", token: admin, body: ProcessAPITests.order, headers: headers)
            let campaign = try await app.api(
                .post,
                "/api/v1/processes/order/campaigns",
                token: maria,
                body: #"{"name": "Q1", "segment": {"segment_id": \#(id)}}"#
            )
            #expect(campaign.status == .created && campaign.json["requested"] as? Int == 2, "\(campaign.text)")
            #expect(
                try await app.api(.post, "/api/v1/processes/order/campaigns", token: maria, body: #"{"name": "Q1", "segment": {"segment_id": 9999}}"#)
                    .status == .notFound
            )
            #expect(
                try await app.api(
                    .post,
                    "/api/v1/processes/order/campaigns",
                    token: maria,
                    body: #"{"name": "Q1", "segment": {"segment_id": \#(id), "tag": "x"}}"#
                ).status == .unprocessableContent
            )

            // Pages: the list offers to save its filters, then lists the segment as a link to itself.
            let session = try await app.login("rafal@example.com")
            let filtered = try await app.page("/contacts?tag=newsletter", cookie: session.cookie)
            #expect(filtered.body.contains("data-testid=\"save-segment\"") && filtered.body.contains("name=\"filter_tag\" value=\"newsletter\""))
            let saved = try await app.postForm(
                "/segments",
                cookie: session.cookie,
                fields: [
                    ("_csrf", session.csrf), ("record_type", "contact"), ("filter_tag", "newsletter"), ("name", "Newsletter"),
                ]
            )
            #expect(saved.status == .seeOther && saved.headers[.location] == "/contacts?tag=newsletter")
            let contacts = try await app.page("/contacts", cookie: session.cookie)
            #expect(
                contacts.body.contains("data-testid=\"segments\"") && contacts.body.contains("<a href=\"/contacts?tag=newsletter\">Newsletter</a>")
            )
            #expect(!contacts.body.contains("data-testid=\"save-segment\""), "nothing to save without filters")
            let again = try await app.postForm(
                "/segments",
                cookie: session.cookie,
                fields: [
                    ("_csrf", session.csrf), ("record_type", "contact"), ("filter_tag", "vip"), ("name", "Newsletter"),
                ]
            )
            #expect(again.status == .conflict)

            // A custom field's filter is kept like the others: saved from the list, it opens the same list.
            let adminContext = try await app.world.context(app.world.admin)
            _ = try await app.store.fields.create(
                adminContext,
                FieldDefinition(recordType: .contact, key: "language", label: "Język", kind: .choice, options: ["polski", "magyar"])
            )
            let rafalContext = try await app.world.context(app.world.rafal)
            _ = try await app.store.contacts.create(
                rafalContext,
                ContactFields(firstName: "Zsófia", lastName: "Kovács", custom: ["language": .choice("magyar")])
            )
            _ = try await app.store.contacts.create(
                rafalContext,
                ContactFields(firstName: "Jan", lastName: "Nowak", custom: ["language": .choice("polski")])
            )
            let byLanguage = try await app.page("/contacts?cf.language=magyar", cookie: session.cookie)
            #expect(byLanguage.body.contains("name=\"filter_cf.language\" value=\"magyar\""))
            let kept = try await app.postForm(
                "/segments",
                cookie: session.cookie,
                fields: [
                    ("_csrf", session.csrf), ("record_type", "contact"), ("filter_cf.language", "magyar"), ("name", "Węgrzy"),
                ]
            )
            #expect(kept.status == .seeOther && kept.headers[.location] == "/contacts?cf.language=magyar")
            // The list's rows, not its filters (whose owner choice names the users).
            let opened =
                try await app.page(try #require(kept.headers[.location]), cookie: session.cookie).body.components(separatedBy: "<tbody>").last ?? ""
            #expect(opened.contains("Kovács") && !opened.contains("Nowak"))

            #expect(try await app.api(.delete, "/api/v1/segments/\(id)", token: sergei).status == .forbidden)
            #expect(try await app.api(.delete, "/api/v1/segments/\(id)", token: rafal).status == .noContent)
            #expect(try await app.api(.get, "/api/v1/segments/\(id)", token: rafal).status == .notFound)
        }
    }
}
