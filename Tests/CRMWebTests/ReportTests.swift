import CRMCore
import CRMStore
import CRMTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("Reports through the API and the pages")
struct ReportTests {
    static let march = "pipeline_id=PIPE&unit=month&start=2026-03-01"

    func query(_ fixture: ReportFixture, _ extra: String = "") -> String {
        Self.march.replacingOccurrences(of: "PIPE", with: String(fixture.pipeline.id.rawValue)) + extra
    }

    func rows(_ response: TestResponse, table: String) -> [[String: Any]] {
        let tables = response.json["tables"] as? [[String: Any]] ?? []
        return tables.first { $0["name"] as? String == table }?["rows"] as? [[String: Any]] ?? []
    }

    @Test("the funnel's JSON carries both counting modes, and each figure's link lists exactly its deals", arguments: TestEngine.available)
    func funnelJSON(engine: TestEngine) async throws {
        try await TestApp.run(engine) { app in
            let fixture = try await ReportFixture.make(world: app.world)
            let admin = try await app.token(app.world.admin)
            let passed = try await app.api(.get, "/api/v1/reports/funnel?\(query(fixture, "&mode=passed"))", token: admin)
            #expect(passed.status == .ok, "\(passed.text)")
            #expect(rows(passed, table: "stages").compactMap { $0["deals"] as? Int } == [4, 2, 2, 1, 1, 1, 3])
            let converted = try await app.api(.get, "/api/v1/reports/funnel?\(query(fixture, "&mode=with_conversions"))", token: admin)
            let stages = rows(converted, table: "stages")
            #expect(stages.compactMap { $0["deals"] as? Int } == [4, 2, 3, 2, 1, 1, 3])
            #expect(stages.first?["conversion_to_next"] as? Double == 50.0)
            let link = try #require(stages[2]["deals_deals"] as? String)
            let behind = try await app.api(.get, link, token: admin)
            #expect(behind.status == .ok, "\(behind.text)")
            #expect(Set((behind.json["items"] as? [[String: Any]] ?? []).compactMap { $0["title"] as? String }) == ["A", "B", "D"])
        }
    }

    /// Every table's figures, without the links (which carry the narrowing) and the names (in the reader's language).
    func figures(_ response: TestResponse) -> NSArray {
        let tables = response.json["tables"] as? [[String: Any]] ?? []
        return tables.map { table in
            (table["rows"] as? [[String: Any]] ?? []).map { row in
                NSDictionary(dictionary: row.filter { !$0.key.hasSuffix("_deals") && !($0.value is String) })
            }
        } as NSArray
    }

    @Test("a rep's report equals the admin's narrowed to the deals the rep may see", arguments: TestEngine.available)
    func permissionLayer(engine: TestEngine) async throws {
        try await TestApp.run(engine) { app in
            let fixture = try await ReportFixture.make(world: app.world)
            let world = app.world
            let admin = try await app.token(world.admin)
            let cases: [(User, String)] = [
                (world.sergei, "\(world.sergei.id)"), (world.rafal, "\(world.rafal.id),\(world.roza.id)"), (world.mikhail, "\(world.sergei.id)"),
            ]
            for (user, visibleOwners) in cases {
                let token = try await app.token(user)
                for kind in ["snapshot", "funnel", "losses", "velocity", "forecast"] {
                    let mine = try await app.api(.get, "/api/v1/reports/\(kind)?\(query(fixture))", token: token)
                    let narrowed = try await app.api(.get, "/api/v1/reports/\(kind)?\(query(fixture, "&owner_id=\(visibleOwners)"))", token: admin)
                    #expect(mine.status == .ok && narrowed.status == .ok)
                    #expect(
                        figures(mine) == figures(narrowed),
                        "\(kind) for \(user.name)"
                    )
                }
            }
            let sergei = try await app.token(world.sergei)
            let reps = try await app.api(.get, "/api/v1/reports/reps?\(query(fixture))", token: sergei)
            #expect(rows(reps, table: "reps").count == 2, "the average of what Sergei sees, and Sergei")
        }
    }

    @Test("reports refuse bad parameters with errors that name them", arguments: [TestEngine.sqlite])
    func badInput(engine: TestEngine) async throws {
        try await TestApp.run(engine) { app in
            let fixture = try await ReportFixture.make(world: app.world)
            let admin = try await app.token(app.world.admin)
            let bad: [(String, String)] = [
                ("&colour=red", "colour"), ("&unit=fortnight", "unit"), ("&mode=sometimes", "mode"), ("&owner_id=1,x", "owner_id"),
                ("&drill=lost:1:2:3", "drill"), ("&amber=90&green=50", "thresholds"), ("&as_of=2026-02-30", "as_of"),
            ]
            for (extra, field) in bad {
                let response = try await app.api(.get, "/api/v1/reports/funnel?\(query(fixture, extra))", token: admin)
                #expect(response.status == .badRequest, "\(extra)")
                #expect(
                    (response.json["errors"] as? [[String: Any]])?.contains { $0["field"] as? String == field } == true,
                    "\(extra): \(response.text)"
                )
            }
            #expect(try await app.api(.get, "/api/v1/reports/funnel?pipeline_id=999", token: admin).status == .notFound)
            #expect(try await app.api(.get, "/api/v1/reports/funnel?from=2026-03-01", token: admin).status == .badRequest)
            #expect(try await app.api(.get, "/api/v1/reports/required?\(query(fixture))", token: admin).status == .badRequest)
            #expect(try await app.api(.get, "/api/v1/reports/deals?\(query(fixture))", token: admin).status == .badRequest)
            #expect(try await app.api(.get, "/api/v1/reports/funnel", token: nil).status == .unauthorized)
        }
    }

    @Test("plans are set through the API by managers, checked, and met by the fact", arguments: TestEngine.available)
    func plans(engine: TestEngine) async throws {
        try await TestApp.run(engine) { app in
            let fixture = try await ReportFixture.make(world: app.world)
            let world = app.world
            let s = fixture.pipeline.stages.map(\.id.rawValue)
            let maria = try await app.token(world.maria)
            let body =
                #"{"pipeline_id": \#(fixture.pipeline.id), "unit": "month", "period_start": "2026-03-01", "scope": "user:\#(world.rafal.id)", "targets": [{"stage_id": \#(s[0]), "target": 2}, {"stage_id": \#(s[1]), "target": 4}, {"stage_id": null, "target": 1}]}"#
            let saved = try await app.api(.put, "/api/v1/plans", token: maria, body: body)
            #expect(saved.status == .ok, "\(saved.text)")
            #expect((saved.json["items"] as? [[String: Any]])?.count == 3)
            #expect(try await app.api(.put, "/api/v1/plans", token: try await app.token(world.rafal), body: body).status == .forbidden)
            let negative = body.replacingOccurrences(of: #""target": 4"#, with: #""target": -4"#)
            #expect(try await app.api(.put, "/api/v1/plans", token: maria, body: negative).status == .unprocessableContent)
            let midMonth = body.replacingOccurrences(of: "2026-03-01", with: "2026-03-02")
            #expect(try await app.api(.put, "/api/v1/plans", token: maria, body: midMonth).status == .unprocessableContent)
            #expect(try await app.api(.put, "/api/v1/plans", token: maria, body: #"{"unit": "month"}"#).status == .unprocessableContent)

            let report = try await app.api(
                .get,
                "/api/v1/reports/plan?\(query(fixture, "&scope=user:\(world.rafal.id)&amber=60&green=100"))",
                token: maria
            )
            let rows = rows(report, table: "plan")
            #expect(rows.compactMap { $0["fact"] as? Int } == [2, 2, 2, 0, 0, 1])
            #expect(rows.map { $0["fulfilment"] as? Double } == [100, 50, nil, nil, nil, 100])
            let listed = try await app.api(
                .get,
                "/api/v1/plans?\(query(fixture, "&scope=user:\(world.rafal.id)"))",
                token: try await app.token(world.rafal)
            )
            #expect((listed.json["items"] as? [[String: Any]])?.count == 3)
        }
    }

    @Test("a manager overrides a rep's forecast with a comment; others may not", arguments: TestEngine.available)
    func forecastOverride(engine: TestEngine) async throws {
        try await TestApp.run(engine) { app in
            let fixture = try await ReportFixture.make(world: app.world)
            let world = app.world
            let body =
                #"{"pipeline_id": \#(fixture.pipeline.id), "unit": "month", "period_start": "2026-03-01", "owner_id": \#(world.roza.id), "commit": "5000", "best_case": "6000", "comment": "D signs on the 30th"}"#
            #expect(
                try await app.api(.post, "/api/v1/forecast-overrides", token: try await app.token(world.mikhail), body: body).status == .forbidden
            )
            let noComment = body.replacingOccurrences(of: "D signs on the 30th", with: "")
            #expect(
                try await app.api(.post, "/api/v1/forecast-overrides", token: try await app.token(world.maria), body: noComment).status
                    == .unprocessableContent
            )
            let created = try await app.api(.post, "/api/v1/forecast-overrides", token: try await app.token(world.maria), body: body)
            #expect(created.status == .created, "\(created.text)")
            #expect(created.json["commit"] as? String == "5000.00" && created.json["by_user_id"] as? Int == Int(world.maria.id.rawValue))
            let report = try await app.api(.get, "/api/v1/reports/forecast?\(query(fixture))", token: try await app.token(world.admin))
            let company = rows(report, table: "teams").last
            #expect((company?["commit"] as? [String: Any])?["PLN"] as? String == "6000.00")
        }
    }

    @Test(
        "the pages draw every report with charts and tables, export CSV, list the deals behind a figure and save plans",
        arguments: [TestEngine.sqlite]
    )
    func pages(engine: TestEngine) async throws {
        try await TestApp.run(engine) { app in
            let fixture = try await ReportFixture.make(world: app.world)
            let (cookie, csrf) = try await app.login("maria@example.com")
            let dashboard = try await app.page("/reports?\(query(fixture))", cookie: cookie)
            #expect(dashboard.status == .ok && dashboard.body.contains("<svg"))
            for kind in ["snapshot", "funnel", "losses", "plan", "reps", "velocity", "forecast"] {
                let page = try await app.page("/reports/\(kind)?\(query(fixture))", cookie: cookie)
                #expect(page.status == .ok && page.body.contains("<svg") && page.body.contains("report-table"), "\(kind): \(page.status)")
            }
            // Deal D entered the funnel in February and moved on in March: three deals reached the third stage in March
            // and two the second, 150 %. The page says why rather than leaving it to look like an error.
            let reps = try await app.page("/reports/reps?\(query(fixture))", cookie: cookie)
            #expect(reps.body.contains("150") && reps.body.contains("A share above 100 % is not an error"))
            let required = try await app.page("/reports/required?\(query(fixture, "&target_deals=2"))", cookie: cookie)
            #expect(required.status == .ok && required.body.contains("<svg"))
            let csv = try await app.page("/reports/funnel?\(query(fixture, "&mode=passed&format=csv&table=stages"))", cookie: cookie)
            // For people: the page's headers, figures as numbers, a byte-order mark so Excel reads UTF-8.
            #expect(
                csv.body.hasPrefix("\u{FEFF}Stage,Deals,To next stage,From first stage,Dropped off\r\nFirst contact,3,66.7,100,1\r\n"),
                "\(csv.body)"
            )
            #expect(try await app.page("/reports/funnel?\(query(fixture, "&format=xls"))", cookie: cookie).status == .badRequest)
            let behind = try await app.page("/reports/deals?\(query(fixture, "&drill=lost:\(fixture.pipeline.stages[0].id):"))", cookie: cookie)
            #expect(behind.body.contains(">C</a>") && !behind.body.contains(">B</a>"))

            let s = fixture.pipeline.stages.map(\.id.rawValue)
            let saved = try await app.postForm(
                "/reports/plan",
                cookie: cookie,
                fields: [
                    ("_csrf", csrf), ("pipeline_id", "\(fixture.pipeline.id)"), ("unit", "month"), ("start", "2026-03-01"),
                    ("scope", "user:\(app.world.roza.id)"),
                    ("target_\(s[0])", "3"), ("target_won", "1"), ("next", "/reports/plan?\(query(fixture, "&scope=user:\(app.world.roza.id)"))"),
                ]
            )
            #expect(saved.status == .seeOther)
            let plan = try await app.page("/reports/plan?\(query(fixture, "&scope=user:\(app.world.roza.id)"))", cookie: cookie)
            #expect(plan.body.contains("name=\"target_\(s[0])\" value=\"3\""))
            let refused = try await app.postForm(
                "/reports/plan",
                cookie: cookie,
                fields: [
                    ("_csrf", csrf), ("pipeline_id", "\(fixture.pipeline.id)"), ("unit", "month"), ("start", "2026-03-01"),
                    ("scope", "user:\(app.world.sergei.id)"), ("target_won", "1"),
                ]
            )
            #expect(refused.status == .forbidden || refused.status == .unprocessableContent)
        }
    }

    @Test("a period before 1970 is answered, not a crash (found by the fuzzer)")
    func before1970() async throws {
        try await TestApp.run(.sqlite) { app in
            let fixture = try await ReportFixture.make(world: app.world)
            let admin = try await app.token(app.world.admin)
            for kind in ["funnel", "snapshot", "velocity", "losses", "forecast"] {
                for period in ["unit=month&start=1969-12-01", "unit=week&start=1900-01-01", "from=1969-12-31&to=1970-01-02"] {
                    let response = try await app.api(.get, "/api/v1/reports/\(kind)?pipeline_id=\(fixture.pipeline.id)&\(period)", token: admin)
                    #expect(response.status == .ok, "\(kind) \(period): \(response.text.prefix(200))")
                }
            }
        }
    }
}
