import CRMCore
import CRMStore
import CRMTestSupport
import CRMWeb
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("Pages, sign-in and sessions")
struct PageTests {
    @Test("signing in opens the dashboard, signing out ends the session", arguments: TestEngine.available)
    func loginLogout(engine: TestEngine) async throws {
        try await TestApp.run(engine) { app in
            let anonymous = try await app.client.execute(uri: "/companies?q=x", method: .get)
            #expect(anonymous.status == .seeOther)
            #expect(anonymous.headers[.location] == "/login?next=%2Fcompanies%3Fq%3Dx")
            let (cookie, csrf) = try await app.login("rafal@example.com")
            let dashboard = try await app.page("/", cookie: cookie)
            #expect(dashboard.status == .ok && dashboard.body.contains("Rafał Wiśniewski"))
            let logout = try await app.postForm("/logout", cookie: cookie, fields: [("_csrf", csrf)])
            #expect(logout.status == .seeOther)
            #expect(try await app.page("/", cookie: cookie).status == .seeOther)
        }
    }

    @Test("every answer carries the security headers: pages, API, files, errors; HSTS over HTTPS only", arguments: [false, true])
    func securityHeaders(https: Bool) async throws {
        try await TestApp.run(.sqlite, settings: .init(secureCookies: https)) { app in
            let (cookie, _) = try await app.login("rafal@example.com")
            let token = try await app.token(app.world.rafal)
            var answers: [(String, HTTPFields)] = []
            for path in ["/login", "/forms/nope/thanks", "/assets/css/app.css", "/assets/js/app.js", "/healthz", "/api/v1/openapi.json"] {
                answers.append((path, try await app.client.execute(uri: path, method: .get).headers))
            }
            for path in ["/", "/my-day", "/companies", "/companies/999999", "/no-such-page", "/deals/export?format=csv", "/settings"] {
                var headers = HTTPFields()
                headers[.cookie] = cookie
                answers.append((path, try await app.client.execute(uri: path, method: .get, headers: headers).headers))
            }
            for path in ["/api/v1/companies", "/api/v1/companies/999999", "/api/v1/nothing-here"] {
                answers.append((path, try await app.api(.get, path, token: token).headers))
            }
            answers.append(("bad token", try await app.api(.get, "/api/v1/companies", token: "wrong").headers))
            for (path, headers) in answers {
                let policy = headers[HTTPField.Name("Content-Security-Policy")!] ?? ""
                #expect(
                    policy.contains("default-src 'self'") && policy.contains("script-src 'self'") && policy.contains("frame-ancestors 'none'"),
                    "\(path)"
                )
                #expect(!policy.contains("unsafe-inline"), "\(path): pages have no inline script or style")
                #expect(headers[HTTPField.Name("X-Content-Type-Options")!] == "nosniff", "\(path)")
                #expect(headers[HTTPField.Name("X-Frame-Options")!] == "DENY", "\(path)")
                #expect(headers[HTTPField.Name("Referrer-Policy")!] == "same-origin", "\(path)")
                #expect((headers[HTTPField.Name("Strict-Transport-Security")!] != nil) == https, "\(path)")
            }
        }
    }

    @Test("session cookies are HttpOnly and SameSite=Lax", arguments: [TestEngine.sqlite])
    func cookieAttributes(engine: TestEngine) async throws {
        try await TestApp.run(engine) { app in
            let response = try await app.attemptLogin("admin@example.com", password: "correct horse battery")
            let setCookie = try #require(response.headers[values: .setCookie].first { $0.hasPrefix("clientele_session=") })
            #expect(setCookie.contains("HttpOnly") && setCookie.contains("SameSite=Lax") && setCookie.contains("Path=/"))
        }
    }

    @Test("a wrong password is refused, and repeated failures lock the account", arguments: [TestEngine.sqlite])
    func throttledLogin(engine: TestEngine) async throws {
        try await TestApp.run(engine) { app in
            var statuses: [HTTPResponse.Status] = []
            for _ in 0..<(LoginThrottle.maxPerAccount + 1) {
                statuses.append(try await app.attemptLogin("roza@example.com", password: "wrong password").status)
            }
            #expect(statuses.dropLast().allSatisfy { $0 == .unauthorized })
            #expect(statuses.last == .tooManyRequests)
        }
    }

    @Test("forms and API calls with a session need the CSRF token", arguments: [TestEngine.sqlite])
    func csrf(engine: TestEngine) async throws {
        try await TestApp.run(engine) { app in
            let (cookie, csrf) = try await app.login("admin@example.com")
            let forged = try await app.postForm("/companies", cookie: cookie, fields: [("name", "Forged")])
            #expect(forged.status == .forbidden)
            let wrong = try await app.postForm("/companies", cookie: cookie, fields: [("_csrf", "guess"), ("name", "Forged")])
            #expect(wrong.status == .forbidden)
            var headers = HTTPFields()
            headers[.cookie] = cookie
            let apiWithout = try await app.api(.post, "/api/v1/companies", token: nil, body: #"{"name": "Forged"}"#, headers: headers)
            #expect(apiWithout.status == .forbidden)
            headers[.init("X-CSRF-Token")!] = csrf
            let apiWith = try await app.api(.post, "/api/v1/companies", token: nil, body: #"{"name": "Fine"}"#, headers: headers)
            #expect(apiWith.status == .created)
            #expect(try await app.store.companies.count(World.system, ListQuery()) == 1)
        }
    }

    @Test("a company and a contact are created, edited and found through the forms", arguments: TestEngine.available)
    func forms(engine: TestEngine) async throws {
        try await TestApp.run(engine) { app in
            let (cookie, csrf) = try await app.login("roza@example.com")
            let created = try await app.postForm(
                "/companies",
                cookie: cookie,
                fields: [
                    ("_csrf", csrf), ("name", "Przedsiębiorstwo Źródło"), ("phones", "22 111 22 33\n+48 600 100 200"), ("emails", "Biuro@Zrodlo.pl"),
                    ("tags", "vip, Vip, nowy"), ("priority", "A"), ("city", "Łódź"), ("country", "pl"),
                ]
            )
            #expect(created.status == .seeOther)
            let location = try #require(created.headers[.location])
            let show = try await app.page(location, cookie: cookie)
            #expect(show.body.contains("Przedsiębiorstwo Źródło") && show.body.contains("+48221112233") && show.body.contains("biuro@zrodlo.pl"))
            // Numbers are dialled as stored and read in their country's groups.
            #expect(show.body.contains(#"href="tel:+48221112233">+48 22 111 22 33</a>"#) && show.body.contains(">+48 600 100 200</a>"))
            let id = location.split(separator: "/").last!

            let invalid = try await app.postForm("/companies", cookie: cookie, fields: [("_csrf", csrf), ("name", " "), ("phones", "not a phone")])
            #expect(invalid.status == .unprocessableContent)
            #expect(invalid.text.contains("not a phone"))

            let contact = try await app.postForm(
                "/contacts",
                cookie: cookie,
                fields: [
                    ("_csrf", csrf), ("first_name", "János"), ("last_name", "Kovács"), ("name_order", "family_first"), ("company_id", String(id)),
                ]
            )
            #expect(contact.status == .seeOther)
            let list = try await app.page("/contacts?q=kovacs", cookie: cookie)
            #expect(list.body.contains("Kovács János"))
            let companyPage = try await app.page(location, cookie: cookie)
            #expect(companyPage.body.contains("Kovács János"))
            // The contact's history names the company it was put at, not its id.
            let contactPage = try await app.page(try #require(contact.headers[.location]), cookie: cookie).body
            let history = try #require(contactPage.firstMatch(of: /<h2>History<\/h2>(.*)/.dotMatchesNewlines())?.1)
            #expect(
                history.contains(#"<td class="new">Przedsiębiorstwo Źródło</td>"#) && !history.contains(#"<td class="new">\#(id)</td>"#),
                "\(history)"
            )

            let edit = try await app.postForm(
                location,
                cookie: cookie,
                fields: [("_csrf", csrf), ("version", "1"), ("name", "Źródło S.A."), ("priority", "B")]
            )
            #expect(edit.status == .seeOther)
            let stale = try await app.postForm(location, cookie: cookie, fields: [("_csrf", csrf), ("version", "1"), ("name", "Lost update")])
            #expect(stale.status == .conflict)
            let companies = try await app.page("/companies?q=zrodlo", cookie: cookie)
            #expect(companies.body.contains("Źródło S.A.") && !companies.body.contains("Lost update"))

            #expect(try await app.postForm("\(location)/delete", cookie: cookie, fields: [("_csrf", csrf)]).status == .seeOther)
            #expect(try await app.page("/companies?q=zrodlo", cookie: cookie).body.contains("Źródło S.A.") == false)
            #expect(try await app.page("/companies?q=zrodlo&deleted=only", cookie: cookie).body.contains("Źródło S.A."))
        }
    }

    @Test("a company's card shows every address, and its form edits the first without losing the others", arguments: [TestEngine.sqlite])
    func addresses(engine: TestEngine) async throws {
        try await TestApp.run(engine) { app in
            let admin = try await app.world.context(app.world.admin)
            let company = try await app.store.companies.create(
                admin,
                CompanyFields(
                    name: "Hurtownia Północ",
                    addresses: [
                        PostalAddress(
                            label: "office",
                            street: "ul. Piotrkowska 1",
                            city: "Łódź",
                            region: "łódzkie",
                            postalCode: "90-001",
                            country: "PL"
                        ),
                        PostalAddress(label: "warehouse", street: "Magazynowa 7", country: "PL"),
                    ]
                )
            ).record
            let (cookie, csrf) = try await app.login("admin@example.com")
            let card = try await app.page("/companies/\(company.meta.id)", cookie: cookie).body
            #expect(card.contains("<dd>ul. Piotrkowska 1<br>90-001 Łódź, łódzkie PL <span class=\"muted\">office</span></dd>"), "\(card)")
            #expect(card.contains("<dd>Magazynowa 7<br> PL <span class=\"muted\">warehouse</span></dd>"))

            let edit = try await app.postForm(
                "/companies/\(company.meta.id)",
                cookie: cookie,
                fields: [
                    ("_csrf", csrf), ("version", "1"), ("name", "Hurtownia Północ"), ("street", "ul. Piotrkowska 2"), ("city", "Łódź"),
                    ("postal_code", "90-002"), ("country", "pl"),
                ]
            )
            #expect(edit.status == .seeOther)
            let stored = try await app.store.companies.get(admin, company.meta.id).fields.addresses
            #expect(
                stored == [
                    PostalAddress(label: "office", street: "ul. Piotrkowska 2", city: "Łódź", region: "łódzkie", postalCode: "90-002", country: "PL"),
                    PostalAddress(label: "warehouse", street: "Magazynowa 7", country: "PL"),
                ]
            )
        }
    }

    @Test("a card shows the latest changes and links to the whole history, which pages back to the first", arguments: [TestEngine.sqlite])
    func longHistory(engine: TestEngine) async throws {
        try await TestApp.run(engine) { app in
            let admin = try await app.world.context(app.world.admin)
            var company = try await app.store.companies.create(admin, CompanyFields(name: "Wersja 0")).record
            for version in 1...(ListQuery.maxLimit + 4) {
                var fields = company.fields
                fields.name = "Wersja \(version)"
                company = try await app.store.companies.update(admin, company.meta.id, expectedVersion: company.meta.version, fields)
            }
            let (cookie, _) = try await app.login("admin@example.com")
            let card = try await app.page("/companies/\(company.meta.id)", cookie: cookie).body
            #expect(card.components(separatedBy: "class=\"changes\"").count - 1 == 20)
            #expect(card.contains("href=\"/companies/\(company.meta.id)/history\"") && card.contains("Wersja \(ListQuery.maxLimit + 4)"))
            let first = try await app.page("/companies/\(company.meta.id)/history", cookie: cookie)
            #expect(first.status == .ok && first.body.components(separatedBy: "<li>").count - 1 == ListQuery.maxLimit)
            let older = try #require(first.body.firstMatch(of: /href="(\/companies\/\d+\/history\?cursor=\d+)"/)?.output.1)
            let last = try await app.page(String(older), cookie: cookie).body
            // The rest: the four oldest renames and the creation, and no further link.
            #expect(last.components(separatedBy: "<li>").count - 1 == 5 && last.contains("Wersja 0") && !last.contains("history-older"))
            #expect(try await app.page("/companies/\(company.meta.id)/history?cursor=abc", cookie: cookie).status == .badRequest)
        }
    }

    @Test("a company's card shows its open, won and lost deals with counts and sums, and links to all of them", arguments: [TestEngine.sqlite])
    func companyDeals(engine: TestEngine) async throws {
        try await TestApp.run(engine) { app in
            let admin = try await app.world.context(app.world.admin)
            let (pipeline, _) = try await app.world.salesPipeline()
            let company = try await app.world.company("Odlewnia Żelaza", by: app.world.admin)
            for index in 1...12 {
                var fields = DealFields(
                    title: "Odlew \(index)",
                    pipelineID: pipeline.id,
                    stageID: pipeline.stages[0].id,
                    amount: try Money(decimal: "100.00", currency: pipeline.currency)
                )
                fields.companyID = company.id
                let deal = try await app.store.deals.create(admin, fields).record
                if index == 12 { _ = try await app.store.funnel.apply(admin, deal: deal.meta.id, expectedVersion: nil, .win) }
            }
            let (cookie, _) = try await app.login("admin@example.com")
            let card = try await app.page("/companies/\(company.meta.id)", cookie: cookie).body
            func group(_ status: String) -> String? {
                card.firstRange(of: "company-deals-\(status)").map { String(card[$0.lowerBound...].split(separator: "</div>")[0]) }
            }
            let open = try #require(group("open"))
            #expect(
                open.contains(">Open <span class=\"muted\">11 · PLN") && open.contains("1,100.00</span>")
                    && open.components(separatedBy: "<li>").count - 1 == 10
            )
            #expect(open.contains("href=\"/deals?company_id=\(company.meta.id)&amp;status=open\""))
            let won = try #require(group("won"))
            #expect(won.contains("Odlew 12") && !won.contains("status=won"))
            #expect(!card.contains("company-deals-lost"))
            let list = try await app.page("/deals?company_id=\(company.meta.id)&status=won", cookie: cookie).body
            #expect(list.contains("Odlew 12") && !list.contains("Odlew 11"))
        }
    }

    @Test("pages speak the user's language, falling back to English string by string", arguments: [TestEngine.sqlite])
    func languages(engine: TestEngine) async throws {
        try await TestApp.run(engine) { app in
            _ = try await app.store.users.update(World.system, app.world.sergei.id, .init(locale: "ru"))
            let (cookie, csrf) = try await app.login("sergei@example.com")
            #expect(try await app.page("/companies", cookie: cookie).body.contains("Компании"))
            for (language, word) in [("pl", "Firmy"), ("hu", "Cégek"), ("bg", "Фирми"), ("en", "Companies")] {
                #expect(
                    try await app.postForm(
                        "/settings/language",
                        cookie: cookie,
                        fields: [("_csrf", csrf), ("language", language), ("next", "/companies")]
                    ).status == .seeOther
                )
                let page = try await app.page("/companies", cookie: cookie).body
                #expect(page.contains(word) && page.contains("lang=\"\(language)\""), "\(language)")
            }
            #expect(try await app.postForm("/settings/language", cookie: cookie, fields: [("_csrf", csrf), ("language", "pl")]).status == .seeOther)
            let invalid = try await app.postForm("/companies", cookie: cookie, fields: [("_csrf", csrf), ("name", ""), ("phones", "zadzwoń")])
            #expect(invalid.status == .unprocessableContent)
            #expect(invalid.text.contains("To nie jest numer telefonu.") && invalid.text.contains("Telefony"))
            var headers = HTTPFields()
            headers[.acceptLanguage] = "hu-HU,hu;q=0.9,en;q=0.5"
            #expect(String(buffer: try await app.client.execute(uri: "/login", method: .get, headers: headers).body).contains("Bejelentkezés"))
        }
    }

    @Test("admin pages are for admins", arguments: [TestEngine.sqlite])
    func adminPages(engine: TestEngine) async throws {
        try await TestApp.run(engine) { app in
            let (rep, _) = try await app.login("rafal@example.com")
            #expect(try await app.page("/admin/users", cookie: rep).status == .forbidden)
            let (admin, csrf) = try await app.login("admin@example.com")
            for path in ["/admin/users", "/admin/teams", "/admin/roles", "/settings/tokens"] {
                #expect(try await app.page(path, cookie: admin).status == .ok, "\(path)")
            }
            let created = try await app.postForm(
                "/admin/users",
                cookie: admin,
                fields: [
                    ("_csrf", csrf), ("name", "Георги Петров"), ("email", "georgi@example.com"), ("role", "service_agent"),
                    ("password", "a long password"), ("locale", "bg"),
                ]
            )
            #expect(created.status == .seeOther)
            #expect(try await app.store.users.find(email: "georgi@example.com")?.role == .serviceAgent)
            let token = try await app.postForm("/settings/tokens", cookie: admin, fields: [("_csrf", csrf), ("name", "laptop")])
            #expect(token.status == .created && token.text.contains("clt_"))
        }
    }

    @Test("two nodes over one database share sessions: sign in on one, work on the other", arguments: TestEngine.available.filter { $0 == .postgres })
    func sharedSessions(engine: TestEngine) async throws {
        try await TestApp.run(engine) { app in
            let (cookie, csrf) = try await app.login("maria@example.com")
            // A second, independent application over the same database, as a second node would be.
            let second = Application(router: buildRouter(try await Dependencies(store: app.store, logger: TestDatabase.logger)))
            try await second.test(.router) { client in
                var headers = HTTPFields()
                headers[.cookie] = cookie
                headers[.init("X-CSRF-Token")!] = csrf
                headers[.contentType] = "application/json"
                let response = try await client.execute(
                    uri: "/api/v1/companies",
                    method: .post,
                    headers: headers,
                    body: ByteBuffer(string: #"{"name": "Made on node two"}"#)
                )
                #expect(response.status == .created)
            }
        }
    }

    @Test("the search page groups what one search finds, only what the user may see, and the API refuses empty text", arguments: [TestEngine.sqlite])
    func searchPage(engine: TestEngine) async throws {
        try await TestApp.run(engine) { app in
            let world = app.world
            try await world.company("Łódź Tekstylia", by: world.rafal)
            try await world.company("Łódź Południe", by: world.sergei)
            let (cookie, _) = try await app.login("rafal@example.com")
            let page = try await app.page("/search?q=lodz", cookie: cookie)
            #expect(page.status == .ok && page.body.contains("Łódź Tekstylia") && !page.body.contains("Łódź Południe"))
            #expect(page.body.contains(#"href="/companies?q=lodz""#))
            let nothing = try await app.page("/search?q=xyzzy", cookie: cookie)
            #expect(nothing.body.contains(#"data-testid="search-empty""#))
            let blank = try await app.page("/search", cookie: cookie)
            #expect(blank.status == .ok && !blank.body.contains(#"data-testid="search-empty""#))
            let token = try await app.token(world.rafal)
            for bad in [
                "/api/v1/search", "/api/v1/search?q=%20", "/api/v1/search?q=a&limit=0", "/api/v1/search?q=a&limit=x", "/api/v1/search?q=a&page=2",
                "/api/v1/search?q=" + String(repeating: "a", count: 201),
            ] {
                let response = try await app.api(.get, bad, token: token)
                #expect(response.status == .badRequest, "\(bad)")
            }
            let found = try await app.api(.get, "/api/v1/search?q=LODZ&limit=5", token: token)
            #expect(found.status == .ok && (found.json["companies"] as? [[String: Any]])?.compactMap { $0["name"] as? String } == ["Łódź Tekstylia"])
        }
    }

    @Test("pages show and allow what the role's capabilities allow, and refuse the rest")
    func capabilitiesOnPages() async throws {
        try await TestApp.run(.sqlite) { app in
            _ = try await app.store.users.create(
                World.system,
                .init(email: "serwis@example.com", name: "Sylwia Serwis", role: .serviceAgent, password: "correct horse battery")
            )
            let agent = try await app.login("serwis@example.com")
            let home = try await app.page("/", cookie: agent.cookie)
            #expect(home.status == .ok && !home.body.contains("href=\"/reports\"") && !home.body.contains("href=\"/board\""))
            let reports = try await app.page("/reports", cookie: agent.cookie)
            #expect(reports.status == .forbidden, "a service agent opened the reports by URL")
            #expect(reports.body.contains("See reports on the records one may see"), "the refusal names what the role lacks")
            #expect(
                try await app.api(
                    .get,
                    "/api/v1/reports/snapshot?pipeline_id=1",
                    token: try await app.token(try #require(try await app.store.users.find(email: "serwis@example.com")))
                ).status == .forbidden
            )
            #expect(try await app.page("/admin/pipelines", cookie: agent.cookie).status == .forbidden)

            let manager = try await app.login("maria@example.com")
            let menu = try await app.page("/", cookie: manager.cookie)
            #expect(menu.body.contains("href=\"/reports\"") && !menu.body.contains("href=\"/admin/users\""))
            #expect(try await app.page("/admin/roles", cookie: manager.cookie).status == .forbidden)

            let admin = try await app.login("admin@example.com")
            let roles = try await app.page("/admin/roles", cookie: admin.cookie)
            #expect(roles.status == .ok)
            let campaigns = try #require(roles.body.firstMatch(of: /data-testid="capability-run_campaigns">(.*?)<\/tr>/)?.1)
            #expect(campaigns.contains("data-testid=\"may-sales_manager\">✓") && campaigns.contains("data-testid=\"may-sales_rep\"></td>"))
        }
    }

    @Test("every form's CSRF field comes from one partial")
    func oneCSRFPartial() throws {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../Sources/CRMWeb/Resources/Templates")
            .standardized
        let templates = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".mustache") }
        #expect(templates.count > 20)
        var copies: [String] = []
        var uses = 0
        for name in templates where name != "csrf.mustache" {
            let text = try String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8)
            if text.contains("name=\"_csrf\"") { copies.append(name) }
            uses += text.components(separatedBy: "{{>csrf}}").count - 1
        }
        #expect(copies.isEmpty, "templates writing the CSRF field themselves: \(copies)")
        #expect(uses >= 70)
    }
}
