import CRMCore
import CRMStore
import CRMTestSupport
import CRMWeb
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

/// Leads through the router: the API, the admins' rules and forms, the public web-form endpoint and the pages.
@Suite("Leads over HTTP")
struct LeadAPITests {
    @Test("the API creates routed leads, warns of duplicates, converts with a deal, and keeps rules for admins", arguments: TestEngine.available)
    func api(engine: TestEngine) async throws {
        try await TestApp.run(engine) { app in
            let world = app.world
            let admin = try await app.token(world.admin)
            let rafal = try await app.token(world.rafal)
            let (pipeline, _) = try await world.salesPipeline()
            let refused = try await app.api(.put, "/api/v1/lead-rules/routing", token: rafal, body: #"{"rules": []}"#)
            #expect(refused.status == .forbidden)
            let routing = try await app.api(
                .put,
                "/api/v1/lead-rules/routing",
                token: admin,
                body: #"{"rules": [{"country": "PL", "method": "user", "user_id": \#(world.roza.id)}]}"#
            )
            #expect(routing.status == .ok && (routing.json["rules"] as? [[String: Any]])?.first?["method"] as? String == "user")
            let badRule = try await app.api(
                .put,
                "/api/v1/lead-rules/scoring",
                token: admin,
                body: #"{"rules": [{"attribute": "shoe_size", "value": "44", "points": 5}, {"attribute": "industry", "points": 9999}]}"#
            )
            #expect(badRule.status == .unprocessableContent)
            let fields = ((badRule.json["errors"] as? [[String: Any]]) ?? []).compactMap { $0["field"] as? String }
            #expect(fields.contains("rules[0].attribute") && fields.contains("rules[1].points"), "\(badRule.text)")
            let scoring = try await app.api(
                .put,
                "/api/v1/lead-rules/scoring",
                token: admin,
                body: #"{"rules": [{"attribute": "industry", "value": "Logistyka", "points": 30}]}"#
            )
            #expect(scoring.status == .ok)

            // Rafał enters a Polish lead without an owner: the rules give it to Róża, and he is answered once.
            let created = try await app.api(
                .post,
                "/api/v1/leads",
                token: rafal,
                body:
                    #"{"first_name": "Łukasz", "last_name": "Wiśniewski", "company_name": "Łódź Trans", "industry": "logistyka", "country": "pl", "emails": [{"address": "lukasz@lodztrans.pl"}]}"#
            )
            #expect(created.status == .created, "\(created.text)")
            #expect(created.json["owner_id"] as? Int == Int(world.roza.id.rawValue))
            #expect(created.json["score"] as? Int == 30)
            #expect((created.json["score_reasons"] as? [[String: Any]])?.first?["attribute"] as? String == "industry")
            let id = try #require(created.json["id"] as? Int)
            let roza = try await app.token(world.roza)
            // The same person again is a likely duplicate (same e-mail), answered with the candidate.
            let again = try await app.api(
                .post,
                "/api/v1/leads",
                token: roza,
                body: #"{"last_name": "Wisniewski", "emails": [{"address": "LUKASZ@lodztrans.pl"}]}"#
            )
            #expect(again.status == .conflict && (again.json["candidates"] as? [[String: Any]])?.first?["id"] as? Int == id)
            let wrongStatus = try await app.api(.post, "/api/v1/leads", token: roza, body: #"{"last_name": "X", "status": "converted"}"#)
            #expect(wrongStatus.status == .unprocessableContent)
            let filtered = try await app.api(.get, "/api/v1/leads?status=new&min_score=30&q=lodz", token: roza)
            #expect((filtered.json["items"] as? [[String: Any]])?.map { $0["id"] as? Int } == [id])
            let cold = try #require(
                try await app.api(.post, "/api/v1/leads", token: roza, body: #"{"last_name": "Zimny", "country": "PL"}"#).json["id"] as? Int
            )
            let hottest = try await app.api(.get, "/api/v1/leads?sort=-score&limit=1", token: roza)
            #expect((hottest.json["items"] as? [[String: Any]])?.map { $0["id"] as? Int } == [id])
            let coldest = try await app.api(.get, "/api/v1/leads?sort=score&limit=1", token: roza)
            #expect((coldest.json["items"] as? [[String: Any]])?.map { $0["id"] as? Int } == [cold])
            #expect(try await app.api(.get, "/api/v1/companies?sort=-score", token: roza).status == .badRequest)
            let badFilter = try await app.api(.get, "/api/v1/leads?status=won", token: roza)
            #expect(badFilter.status == .badRequest)
            let behaviour = try await app.api(.post, "/api/v1/leads/\(id)/behaviours", token: roza, body: #"{"behaviour": "form_filled"}"#)
            #expect((behaviour.json["behaviours"] as? [String]) == ["form_filled"])
            let mail = try await app.api(
                .post,
                "/api/v1/activities",
                token: roza,
                body: #"{"kind": "email", "direction": "inbound", "subject": "Re: oferta", "lead_id": \#(id)}"#
            )
            #expect(mail.status == .created && mail.json["lead_id"] as? Int == id && mail.json["kind"] as? String == "email", "\(mail.text)")
            #expect(
                (try await app.api(.get, "/api/v1/leads/\(id)", token: roza).json["behaviours"] as? [String]) == ["form_filled", "email_answered"]
            )
            let onLead = try await app.api(.get, "/api/v1/activities?lead_id=\(id)", token: roza)
            #expect((onLead.json["items"] as? [[String: Any]])?.map { $0["subject"] as? String } == ["Re: oferta"])
            #expect(
                try await app.api(.post, "/api/v1/activities", token: roza, body: #"{"kind": "email", "subject": "x", "lead_id": 999999}"#).status
                    == .unprocessableContent
            )
            let search = try await app.api(.get, "/api/v1/search?q=wisniewski", token: roza)
            #expect((search.json["leads"] as? [[String: Any]])?.count == 1)

            let conversion = #"{"create_company": true, "deal": {"pipeline_id": \#(pipeline.id), "amount": "9999.50"}}"#
            let stale = try await app.api(.post, "/api/v1/leads/\(id)/convert", token: roza, body: conversion, headers: [.ifMatch: "\"1\""])
            #expect(stale.status == .preconditionFailed)
            let converted = try await app.api(.post, "/api/v1/leads/\(id)/convert", token: roza, body: conversion)
            #expect(converted.status == .ok, "\(converted.text)")
            let links = try #require(converted.json["conversion"] as? [String: Any])
            let deal = try await app.api(.get, "/api/v1/deals/\(try #require(links["deal_id"] as? Int))", token: roza)
            #expect(deal.json["amount"] as? String == "9999.50" && deal.json["title"] as? String == "Łódź Trans")
            #expect(try await app.api(.post, "/api/v1/leads/\(id)/convert", token: roza, body: "{}").status == .conflict)

            // A second lead of the same company: a new company would be a look-alike; the problem names it.
            let colleague = try #require(
                try await app.api(
                    .post,
                    "/api/v1/leads",
                    token: roza,
                    body: #"{"last_name": "Nowak", "company_name": "Lodz Trans", "country": "PL"}"#
                ).json["id"] as? Int
            )
            let lookalike = try await app.api(.post, "/api/v1/leads/\(colleague)/convert", token: roza, body: #"{"create_company": true}"#)
            #expect(lookalike.status == .conflict && lookalike.json["record_type"] as? String == "company")
            #expect((lookalike.json["candidates"] as? [[String: Any]])?.first?["id"] as? Int == links["company_id"] as? Int)
            let both = try await app.api(
                .post,
                "/api/v1/leads/\(colleague)/convert",
                token: roza,
                body: #"{"create_company": true, "company_id": 1, "deal": {"title": "x"}}"#
            )
            #expect(both.status == .unprocessableContent)
            let both_fields = ((both.json["errors"] as? [[String: Any]]) ?? []).compactMap { $0["field"] as? String }
            #expect(both_fields.contains("create_company") && both_fields.contains("deal.pipeline_id"), "\(both.text)")
        }
    }

    @Test("a web form posted from another site becomes a lead and redirects; robots and floods are turned away", arguments: TestEngine.available)
    func webForm(engine: TestEngine) async throws {
        // Behind a proxy, which appends each client's address; the address a client writes itself is not believed.
        try await TestApp.run(engine, settings: .init(behindProxy: true)) { app in
            let admin = try await app.token(app.world.admin)
            let rafal = try await app.token(app.world.rafal)
            #expect(try await app.api(.post, "/api/v1/lead-forms", token: rafal, body: #"{"name": "Sneaky"}"#).status == .forbidden)
            let created = try await app.api(
                .post,
                "/api/v1/lead-forms",
                token: admin,
                body: #"{"name": "Kontakt", "campaign": "Targi 2026", "redirect_url": "https://example.pl/dzieki"}"#
            )
            #expect(created.status == .created, "\(created.text)")
            let key = try #require(created.json["key"] as? String)
            let snippet = try #require(created.json["snippet"] as? String)
            #expect(snippet.contains(#"/forms/\#(key)" method="post""#) && snippet.contains(#"name="website_url""#))
            func post(_ body: String, from address: String = "192.0.2.10") async throws -> TestResponse {
                try await app.client.execute(
                    uri: "/forms/\(key)",
                    method: .post,
                    headers: [.contentType: "application/x-www-form-urlencoded", HTTPField.Name("X-Forwarded-For")!: address],
                    body: ByteBuffer(string: body)
                )
            }
            let sent = try await post("first_name=%D0%98%D0%B2%D0%B0%D0%BD&last_name=Petrov&email=ivan%40example.ru&company=Romashka")
            #expect(sent.status == .seeOther && sent.headers[.location] == "https://example.pl/dzieki")
            let leads = try await app.api(.get, "/api/v1/leads?q=ivan", token: admin)
            let lead = try #require((leads.json["items"] as? [[String: Any]])?.first)
            #expect(lead["first_name"] as? String == "Иван" && lead["campaign"] as? String == "Targi 2026" && lead["source"] as? String == "web form")
            let robot = try await post("last_name=Spam&website_url=http%3A%2F%2Fspam.example", from: "192.0.2.99")
            #expect(robot.status == .seeOther)
            #expect(try await app.api(.get, "/api/v1/leads?q=spam&include_total=true", token: admin).json["total"] as? Int == 0)
            let invalid = try await post("last_name=X&email=nonsense")
            #expect(invalid.status == .unprocessableContent && invalid.text.contains("E-mail"))
            for index in 0..<3 { _ = try await post("last_name=Flood\(index)") }
            let flooded = try await post("last_name=More")
            #expect(flooded.status == .tooManyRequests && flooded.headers[.retryAfter] != nil)
            #expect(
                try await post("last_name=Spoofed", from: "10.9.9.9, 192.0.2.10").status == .tooManyRequests,
                "a forged first address does not reset the limit"
            )
            #expect(
                try await app.client.execute(
                    uri: "/forms/unknown",
                    method: .post,
                    headers: [.contentType: "application/x-www-form-urlencoded"],
                    body: ByteBuffer(string: "last_name=X")
                ).status == .notFound
            )
            // A form without its own thank-you page sends the visitor to Clientele's.
            let plain = try #require(try await app.api(.post, "/api/v1/lead-forms", token: admin, body: #"{"name": "Plain"}"#).json["key"] as? String)
            let thanked = try await app.client.execute(
                uri: "/forms/\(plain)",
                method: .post,
                headers: [.contentType: "application/x-www-form-urlencoded"],
                body: ByteBuffer(string: "email=x%40example.com")
            )
            #expect(thanked.headers[.location] == "/forms/\(plain)/thanks")
            #expect(try await app.client.execute(uri: "/forms/\(plain)/thanks", method: .get).status == .ok)
        }
    }

    @Test(
        "the lead pages: list with filters, the card with its score, conversion through the form, the settings for admins",
        arguments: [TestEngine.sqlite]
    )
    func pages(engine: TestEngine) async throws {
        try await TestApp.run(engine) { app in
            let world = app.world
            let (pipeline, _) = try await world.salesPipeline()
            let (cookie, csrf) = try await app.login("admin@example.com")
            let saved = try await app.postForm(
                "/admin/leads/scoring",
                cookie: cookie,
                fields: [
                    ("_csrf", csrf), ("attribute", "country"), ("value", "HU"), ("points", "15"), ("attribute", "industry"), ("value", ""),
                    ("points", ""),
                    ("attribute", "behaviour"), ("value", "email_answered"), ("points", "20"),
                ]
            )
            #expect(saved.status == .seeOther)
            let badPoints = try await app.postForm(
                "/admin/leads/scoring",
                cookie: cookie,
                fields: [("_csrf", csrf), ("attribute", "country"), ("value", "HU"), ("points", "lots")]
            )
            #expect(badPoints.status == .unprocessableContent)
            let form = try await app.postForm(
                "/admin/leads/forms",
                cookie: cookie,
                fields: [("_csrf", csrf), ("name", "Weboldal"), ("source", "web"), ("owner_id", "\(world.admin.id)"), ("active", "on")]
            )
            #expect(form.status == .seeOther)
            let settings = try await app.page("/admin/leads", cookie: cookie)
            #expect(settings.status == .ok && settings.body.contains("website_url") && settings.body.contains(#"value="HU""#))

            let created = try await app.postForm(
                "/leads",
                cookie: cookie,
                fields: [
                    ("_csrf", csrf), ("first_name", "Zsófia"), ("last_name", "Kovács"), ("company_name", "Győr Kft"), ("country", "hu"),
                    ("emails", "zsofia@gyor.hu"), ("status", "working"), ("owner_id", ""), ("team_id", ""),
                ]
            )
            #expect(created.status == .seeOther, "\(created.text)")
            let location = try #require(created.headers[.location])
            let card = try await app.page(location, cookie: cookie)
            #expect(card.body.contains("Zsófia Kovács") && card.body.contains(#"data-testid="score">15<"#))
            // An e-mail from the lead logged on its card: on its timeline, and scored as answered.
            let mail = try await app.postForm(
                "/activities",
                cookie: cookie,
                fields: [
                    ("_csrf", csrf), ("next", location), ("lead_id", String(location.split(separator: "/").last!)), ("kind", "email"),
                    ("direction", "inbound"), ("subject", "Re: ajánlat"),
                ]
            )
            #expect(mail.status == .seeOther, "\(mail.text)")
            let answered = try await app.page(location, cookie: cookie).body
            #expect(
                answered.contains(#"data-testid="timeline""#) && answered.contains("Re: ajánlat") && answered.contains(#"data-testid="score">35<"#)
            )
            let list = try await app.page("/leads?status=working&min_score=10", cookie: cookie)
            #expect(list.body.contains("Zsófia Kovács"))
            #expect(!(try await app.page("/leads?status=qualified", cookie: cookie).body.contains("Zsófia Kovács")))
            let convertPage = try await app.page("\(location)/convert", cookie: cookie)
            #expect(convertPage.status == .ok && convertPage.body.contains("Győr Kft"))
            let converted = try await app.postForm(
                "\(location)/convert",
                cookie: cookie,
                fields: [
                    ("_csrf", csrf), ("company", "new"), ("create_deal", "1"), ("pipeline_id", "\(pipeline.id)"), ("deal_title", "Győr pilot"),
                    ("amount", "1 200,50"),
                ]
            )
            #expect(converted.status == .seeOther, "\(converted.text)")
            let after = try await app.page(location, cookie: cookie)
            #expect(after.body.contains(#"data-testid="converted-contact""#) && after.body.contains(#"data-testid="converted-deal""#))
            let contactID = try #require(after.body.firstMatch(of: /href="\/contacts\/(\d+)" data-testid="converted-contact"/)?.1)
            let contactCard = try await app.page("/contacts/\(contactID)", cookie: cookie).body
            #expect(contactCard.contains(#"data-testid="from-lead""#) && contactCard.contains("Re: ajánlat"))
            // The same person comes in again as a new lead: the form warns of the old one, and its card names the contact.
            let again = [
                ("_csrf", csrf), ("first_name", "Zsófia"), ("last_name", "Kovács"), ("emails", "zsofia@gyor.hu"), ("owner_id", "\(world.admin.id)"),
            ]
            #expect(try await app.postForm("/leads", cookie: cookie, fields: again).status == .conflict)
            let second = try await app.postForm("/leads", cookie: cookie, fields: again + [("allow_duplicates", "1")])
            let known = try await app.page(try #require(second.headers[.location]), cookie: cookie)
            #expect(known.body.contains(#"data-testid="known""#) && known.body.contains("/contacts/\(contactID)") && known.body.contains(location))
            // A Polish admin's snippet speaks Polish.
            _ = try await app.store.users.update(World.system, world.admin.id, .init(locale: "pl"))
            let polish = try await app.page("/admin/leads", cookie: cookie).body
            #expect(polish.contains("Wyślij") && polish.contains("Zostaw puste"))
            let rep = try await app.login("rafal@example.com")
            #expect(try await app.page("/admin/leads", cookie: rep.cookie).status == .forbidden)
        }
    }
}
