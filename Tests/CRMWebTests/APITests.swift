import CRMCore
import CRMStore
import CRMTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("The REST API, through the router")
struct APITests {
    @Test(
        "a company and a contact go through their whole life: create, read, list, change, delete, restore, history",
        arguments: TestEngine.available
    )
    func lifecycle(engine: TestEngine) async throws {
        try await TestApp.run(engine) { app in
            let token = try await app.token(app.world.rafal)
            let created = try await app.api(
                .post,
                "/api/v1/companies",
                token: token,
                body: """
                    {"name": "Zakład Łódź Żółw", "priority": "A", "phones": [{"number": "(22) 123-45-67"}], "emails": [{"address": "Biuro@Zolw.PL"}],
                     "addresses": [{"city": "Łódź", "country": "pl"}], "tags": ["Renewal", "renewal"]}
                    """
            )
            #expect(created.status == .created)
            #expect(created.headers[.eTag] == "\"1\"")
            let id = try #require(created.json["id"] as? Int)
            #expect(created.headers[.location] == "/api/v1/companies/\(id)")
            #expect((created.json["phones"] as? [[String: Any]])?.first?["number"] as? String == "+48221234567")
            #expect((created.json["emails"] as? [[String: Any]])?.first?["address"] as? String == "biuro@zolw.pl")
            #expect(created.json["tags"] as? [String] == ["Renewal"])
            #expect((created.json["addresses"] as? [[String: Any]])?.first?["country"] as? String == "PL")

            let contact = try await app.api(
                .post,
                "/api/v1/contacts",
                token: token,
                body: """
                    {"first_name": "Иван", "middle_name": "Петрович", "last_name": "Иванов", "company_id": \(id)}
                    """
            )
            #expect(contact.status == .created)
            #expect(contact.json["display_name"] as? String == "Иван Петрович Иванов")
            let byCompany = try await app.api(.get, "/api/v1/contacts?company_id=\(id)", token: token)
            #expect((byCompany.json["items"] as? [Any])?.count == 1)

            let changed = try await app.api(
                .patch,
                "/api/v1/companies/\(id)",
                token: token,
                body: #"{"industry": "Textiles", "priority": null}"#,
                headers: [.ifMatch: "\"1\""]
            )
            #expect(changed.status == .ok)
            #expect(changed.json["industry"] as? String == "Textiles")
            #expect(changed.json["priority"] is NSNull)
            #expect(changed.json["name"] as? String == "Zakład Łódź Żółw")

            let found = try await app.api(.get, "/api/v1/companies?q=LODZ%20zolw&include_total=true", token: token)
            #expect(found.json["total"] as? Int == 1)

            #expect(try await app.api(.delete, "/api/v1/companies/\(id)", token: token, headers: [.ifMatch: "\"2\""]).status == .noContent)
            #expect(try await app.api(.get, "/api/v1/companies?q=zolw&include_total=true", token: token).json["total"] as? Int == 0)
            let deleted = try await app.api(.get, "/api/v1/companies/\(id)", token: token)
            #expect(deleted.json["deleted_at"] is String)
            #expect(try await app.api(.post, "/api/v1/companies/\(id)/restore", token: token).status == .ok)

            let history = try await app.api(.get, "/api/v1/companies/\(id)/history", token: token)
            let actions = (history.json["items"] as? [[String: Any]])?.compactMap { $0["action"] as? String }
            #expect(actions == ["restore", "delete", "update", "create"])
            let update = (history.json["items"] as? [[String: Any]])?[2]
            let changes = update?["changes"] as? [[String: Any]]
            #expect(changes?.contains { $0["field"] as? String == "industry" && $0["new"] as? String == "Textiles" } == true)
            #expect(changes?.contains { $0["field"] as? String == "priority" && $0["old"] as? String == "A" && $0["new"] is NSNull } == true)
            #expect(history.json["next_cursor"] is NSNull)

            // A page at a time: the older entries follow the cursor, and a bad cursor or limit is named.
            let newest = try await app.api(.get, "/api/v1/companies/\(id)/history?limit=3", token: token)
            #expect((newest.json["items"] as? [[String: Any]])?.compactMap { $0["action"] as? String } == ["restore", "delete", "update"])
            let cursor = try #require(newest.json["next_cursor"] as? String)
            let older = try await app.api(.get, "/api/v1/companies/\(id)/history?limit=3&cursor=\(cursor)", token: token)
            #expect((older.json["items"] as? [[String: Any]])?.compactMap { $0["action"] as? String } == ["create"])
            #expect(older.json["next_cursor"] is NSNull)
            let wrong = try await app.api(.get, "/api/v1/companies/\(id)/history?limit=0&cursor=x", token: token)
            #expect(wrong.status == .badRequest)
            #expect(Set(((wrong.json["errors"] as? [[String: Any]]) ?? []).compactMap { $0["field"] as? String }) == ["limit", "cursor"])
        }
    }

    @Test("a stale If-Match gets 412 with the current ETag, a missing one 428, and nothing changes", arguments: TestEngine.available)
    func optimisticLocking(engine: TestEngine) async throws {
        try await TestApp.run(engine) { app in
            let token = try await app.token(app.world.admin)
            let id = try #require(try await app.api(.post, "/api/v1/companies", token: token, body: #"{"name": "Locked"}"#).json["id"] as? Int)
            #expect(
                try await app.api(.patch, "/api/v1/companies/\(id)", token: token, body: #"{"industry": "A"}"#, headers: [.ifMatch: "\"1\""]).status
                    == .ok
            )
            let stale = try await app.api(.patch, "/api/v1/companies/\(id)", token: token, body: #"{"industry": "B"}"#, headers: [.ifMatch: "\"1\""])
            #expect(stale.status == .preconditionFailed)
            #expect(stale.headers[.eTag] == "\"2\"")
            #expect(stale.headers[.contentType] == "application/problem+json")
            let missing = try await app.api(.patch, "/api/v1/companies/\(id)", token: token, body: #"{"industry": "B"}"#)
            #expect(missing.status == .preconditionRequired)
            #expect(try await app.api(.get, "/api/v1/companies/\(id)", token: token).json["industry"] as? String == "A")
        }
    }

    @Test("a repeated Idempotency-Key returns the first result and creates nothing more", arguments: TestEngine.available)
    func idempotentCreate(engine: TestEngine) async throws {
        try await TestApp.run(engine) { app in
            let token = try await app.token(app.world.admin)
            let body = #"{"name": "Only once"}"#
            let first = try await app.api(.post, "/api/v1/companies", token: token, body: body, headers: [.init("Idempotency-Key")!: "abc-1"])
            let again = try await app.api(.post, "/api/v1/companies", token: token, body: body, headers: [.init("Idempotency-Key")!: "abc-1"])
            #expect(first.status == .created && again.status == .ok)
            #expect(again.headers[.init("Idempotent-Replayed")!] == "true")
            #expect(first.json["id"] as? Int == again.json["id"] as? Int)
            let reused = try await app.api(
                .post,
                "/api/v1/companies",
                token: token,
                body: #"{"name": "Different"}"#,
                headers: [.init("Idempotency-Key")!: "abc-1"]
            )
            #expect(reused.status == .conflict)
            #expect(try await app.api(.get, "/api/v1/companies?include_total=true", token: token).json["total"] as? Int == 1)
        }
    }

    @Test("cursor pagination through the API returns every record once", arguments: TestEngine.available)
    func paging(engine: TestEngine) async throws {
        try await TestApp.run(engine) { app in
            let token = try await app.token(app.world.admin)
            for index in 0..<12 { try await app.api(.post, "/api/v1/companies", token: token, body: #"{"name": "Firma \#(index)"}"#) }
            var seen: [Int] = []
            var path = "/api/v1/companies?limit=5&sort=-created_at"
            while true {
                let page = try await app.api(.get, path, token: token)
                seen += (page.json["items"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? Int }
                guard let next = page.json["next_cursor"] as? String else { break }
                path = "/api/v1/companies?limit=5&sort=-created_at&cursor=\(next)"
            }
            #expect(seen.count == 12 && Set(seen).count == 12 && seen == seen.sorted(by: >))
        }
    }

    @Test("users, teams and tokens: admins manage them, others cannot, and a revoked token stops working", arguments: TestEngine.available)
    func identity(engine: TestEngine) async throws {
        try await TestApp.run(engine) { app in
            let admin = try await app.token(app.world.admin)
            let rep = try await app.token(app.world.rafal)
            let me = try await app.api(.get, "/api/v1/me", token: rep)
            #expect(me.json["email"] as? String == "rafal@example.com")
            #expect(me.json["team_ids"] as? [Int] == [Int(app.world.north.id.rawValue)])
            let body = #"{"email": "new@example.com", "name": "Nowa Osoba", "role": "sales_rep", "password": "long enough password", "locale": "pl"}"#
            #expect(try await app.api(.post, "/api/v1/users", token: rep, body: body).status == .forbidden)
            let created = try await app.api(.post, "/api/v1/users", token: admin, body: body)
            #expect(created.status == .created)
            #expect(try await app.api(.post, "/api/v1/users", token: admin, body: body).status == .conflict)
            let team = try await app.api(
                .post,
                "/api/v1/teams",
                token: admin,
                body: #"{"name": "West", "shares_records": true, "member_ids": [\#(created.json["id"] as! Int)]}"#
            )
            #expect(team.status == .created)
            #expect(team.json["member_ids"] as? [Int] == [created.json["id"] as! Int])

            let issued = try await app.api(.post, "/api/v1/tokens", token: rep, body: #"{"name": "script"}"#)
            let secret = try #require(issued.json["token"] as? String)
            #expect(try await app.api(.get, "/api/v1/me", token: secret).status == .ok)
            #expect(try await app.api(.delete, "/api/v1/tokens/\(issued.json["id"] as! Int)", token: rep).status == .noContent)
            #expect(try await app.api(.get, "/api/v1/me", token: secret).status == .unauthorized)
            let listed = try await app.api(.get, "/api/v1/tokens", token: rep)
            #expect((listed.json["items"] as? [[String: Any]])?.allSatisfy { $0["token"] == nil } == true)
        }
    }

    @Test("health, readiness and metrics answer", arguments: TestEngine.available)
    func operations(engine: TestEngine) async throws {
        try await TestApp.run(engine) { app in
            #expect(try await app.api(.get, "/healthz", token: nil).status == .ok)
            let ready = try await app.api(.get, "/readyz", token: nil)
            #expect(ready.status == .ok)
            #expect(ready.json["engine"] as? String == engine.rawValue)
            _ = try await app.api(.get, "/api/v1/companies", token: nil)
            let metrics = try await app.api(.get, "/metrics", token: nil).text
            #expect(metrics.contains(#"clientele_http_requests_total{method="GET",route="/api/v1/companies",status="401"}"#))
            #expect(metrics.contains("clientele_http_request_duration_seconds_bucket"))
            #expect(metrics.contains("clientele_db_connections_in_use"))
            let request = try await app.api(.get, "/healthz", token: nil, headers: [.init("X-Request-ID")!: "trace-123"])
            #expect(request.headers[.init("X-Request-ID")!] == "trace-123")
        }
    }

    @Test("creating a likely duplicate is refused with the candidates, and allowed when the client insists", arguments: [TestEngine.sqlite])
    func duplicates(engine: TestEngine) async throws {
        try await TestApp.run(engine) { app in
            let token = try await app.token(app.world.admin)
            let first = try await app.api(
                .post,
                "/api/v1/contacts",
                token: token,
                body: #"{"first_name": "Иван", "last_name": "Иванов", "emails": [{"address": "ivan@example.ru"}]}"#
            )
            #expect(first.status == .created)
            let again = try await app.api(.post, "/api/v1/contacts", token: token, body: #"{"first_name": "Ivan", "last_name": "Ivanov"}"#)
            #expect(again.status == .conflict && again.json["code"] as? String == "possible_duplicate")
            let candidates = again.json["candidates"] as? [[String: Any]] ?? []
            #expect(candidates.compactMap { $0["id"] as? Int } == [first.json["id"] as? Int].compactMap { $0 })
            let insisted = try await app.api(
                .post,
                "/api/v1/contacts?allow_duplicates=true",
                token: token,
                body: #"{"first_name": "Ivan", "last_name": "Ivanov"}"#
            )
            #expect(insisted.status == .created)
            let bad = try await app.api(.post, "/api/v1/contacts?allow_duplicates=maybe", token: token, body: #"{"last_name": "X"}"#)
            #expect(bad.status == .badRequest)
            // The two are offered as duplicates of each other, merged keeping the Latin spelling, and split again.
            let firstID = try #require(first.json["id"] as? Int)
            let secondID = try #require(insisted.json["id"] as? Int)
            let offered = try await app.api(.get, "/api/v1/contacts/\(firstID)/duplicates", token: token)
            #expect((offered.json["items"] as? [[String: Any]])?.compactMap { $0["id"] as? Int } == [secondID])
            let unknownField = try await app.api(
                .post,
                "/api/v1/contacts/\(firstID)/merge",
                token: token,
                body: #"{"merged_id": \#(secondID), "merged_version": 1, "take": ["owner_id"]}"#,
                headers: [.ifMatch: "\"1\""]
            )
            #expect(unknownField.status == .unprocessableContent)
            let merged = try await app.api(
                .post,
                "/api/v1/contacts/\(firstID)/merge",
                token: token,
                body: #"{"merged_id": \#(secondID), "merged_version": 1, "take": ["first_name", "last_name"]}"#,
                headers: [.ifMatch: "\"1\""]
            )
            #expect(merged.status == .ok && (merged.json["record"] as? [String: Any])?["last_name"] as? String == "Ivanov")
            #expect(try await app.api(.get, "/api/v1/contacts/\(secondID)", token: token).json["deleted_at"] is String)
            let mergeID = try #require((merged.json["merge"] as? [String: Any])?["id"] as? Int)
            let undone = try await app.api(.post, "/api/v1/contacts/merges/\(mergeID)/undo", token: token)
            #expect(undone.status == .ok && (undone.json["record"] as? [String: Any])?["last_name"] as? String == "Иванов")
            #expect(try await app.api(.post, "/api/v1/contacts/merges/\(mergeID)/undo", token: token).status == .notFound)
        }
    }
}
