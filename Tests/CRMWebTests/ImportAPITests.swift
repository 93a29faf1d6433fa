import CRMCore
import CRMStore
import CRMTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

@Suite("CSV imports through the API and the pages")
struct ImportAPITests {
    static let companies =
        "Nazwa;NIP;Miasto;Telefon;Priorytet\nŁódź Trading;7251801126;Łódź;42 630 00 00;A\nKraków Steel;;Kraków;;Z\nSzeged Kft.;;Szeged;;B\n"

    func upload(_ app: TestApp, _ token: String, _ csv: String, type: String = "companies") async throws -> TestResponse {
        var headers = HTTPFields()
        headers[.contentType] = "text/csv"
        return try await app.api(.post, "/api/v1/imports?type=\(type)&name=firmy.csv", token: token, body: csv, headers: headers)
    }

    @Test("upload, dry run, import the valid rows with a saved mapping, reuse it, undo", arguments: TestEngine.available)
    func api(engine: TestEngine) async throws {
        try await TestApp.run(engine) { app in
            let rafal = try await app.token(app.world.rafal)
            let uploaded = try await upload(app, rafal, Self.companies)
            #expect(uploaded.status == .created, "\(uploaded.text)")
            let id = try #require(uploaded.json["id"] as? Int)
            #expect(
                uploaded.json["mapping"] as? [String: String] == [
                    "Nazwa": "name", "NIP": "tax_id", "Miasto": "city", "Telefon": "phone", "Priorytet": "priority",
                ]
            )
            let dry = try await app.api(.post, "/api/v1/imports/\(id)/run", token: rafal, body: #"{"mode": "dry_run"}"#)
            #expect(
                dry.status == .ok && dry.json["valid"] as? Int == 2 && (dry.json["errors"] as? [[String: Any]])?.first?["line"] as? Int == 3,
                "\(dry.text)"
            )
            let all = try await app.api(.post, "/api/v1/imports/\(id)/run", token: rafal, body: #"{"mode": "all"}"#)
            #expect(all.status == .unprocessableContent && all.text.contains("line 3"))
            for body in [
                #"{"mode": "sometimes"}"#, #"{"mapping": {"Nazwa": 5}}"#, #"{"default_country_code": "+48"}"#, #"{"mapping_id": 999}"#,
                #"{"colour": 1}"#,
            ] {
                #expect(try await app.api(.post, "/api/v1/imports/\(id)/run", token: rafal, body: body).status == .unprocessableContent, "\(body)")
            }
            let done = try await app.api(
                .post,
                "/api/v1/imports/\(id)/run",
                token: rafal,
                body: #"{"mode": "valid_only", "save_mapping_as": "Arkusz"}"#
            )
            #expect(done.status == .ok && done.json["created"] as? Int == 2, "\(done.text)")
            #expect(try await app.api(.post, "/api/v1/imports/\(id)/run", token: rafal, body: #"{"mode": "all"}"#).status == .conflict)
            let mappings = try await app.api(.get, "/api/v1/import-mappings?type=companies", token: rafal)
            let mappingID = try #require((mappings.json["items"] as? [[String: Any]])?.first?["id"] as? Int)

            // The same file again, with the saved mapping: every row now looks like a record that exists (tax id) or is wrong.
            let again = try #require(try await upload(app, rafal, Self.companies).json["id"] as? Int)
            let second = try await app.api(
                .post,
                "/api/v1/imports/\(again)/run",
                token: rafal,
                body: #"{"mode": "valid_only", "mapping_id": \#(mappingID)}"#
            )
            #expect(second.json["created"] as? Int == 1 && second.json["skipped_duplicates"] as? Int == 1, "\(second.text)")
            let history = try await app.api(.get, "/api/v1/imports", token: rafal)
            #expect((history.json["items"] as? [[String: Any]])?.count == 2)
            let sergei = try await app.token(app.world.sergei)
            #expect(try await app.api(.get, "/api/v1/imports/\(id)", token: sergei).status == .notFound)
            let undone = try await app.api(.post, "/api/v1/imports/\(id)/undo", token: rafal)
            #expect(undone.status == .ok && undone.json["binned"] as? Int == 2)
            #expect(try await app.api(.post, "/api/v1/imports/\(id)/undo", token: rafal).status == .conflict)

            #expect(try await app.api(.post, "/api/v1/imports?type=invoices", token: rafal, body: "a\n1\n").status == .badRequest)
            let binary = try await upload(app, rafal, "a,b\n\u{0}\n")
            #expect(binary.status == .unprocessableContent)
        }
    }

    @Test("the pages: upload a file in a multipart form, map its columns, dry run, import, undo")
    func pages() async throws {
        try await TestApp.run(.sqlite) { app in
            let session = try await app.login("rafal@example.com")
            let boundary = "----clientele-test"
            let body = """
                --\(boundary)\r
                Content-Disposition: form-data; name="_csrf"\r
                \r
                \(session.csrf)\r
                --\(boundary)\r
                Content-Disposition: form-data; name="type"\r
                \r
                companies\r
                --\(boundary)\r
                Content-Disposition: form-data; name="file"; filename="firmy.csv"\r
                Content-Type: text/csv\r
                \r
                \(Self.companies)\r
                --\(boundary)--\r

                """
            var headers = HTTPFields()
            headers[.cookie] = session.cookie
            headers[.contentType] = "multipart/form-data; boundary=\(boundary)"
            let posted = try await app.client.execute(uri: "/imports", method: .post, headers: headers, body: ByteBuffer(string: body))
            #expect(posted.status == .seeOther, "\(String(buffer: posted.body))")
            let location = try #require(posted.headers[.location])
            let page = try await app.page(location, cookie: session.cookie)
            #expect(
                page.status == .ok && page.body.contains("data-testid=\"import-mapping\"") && page.body.contains("<option value=\"tax_id\" selected>")
            )
            var fields = [("_csrf", session.csrf), ("mode", "dry_run")]
            for index in 0..<5 { fields.append(("map_\(index)", ["name", "tax_id", "city", "phone", "priority"][index])) }
            let dry = try await app.postForm("\(location)/run", cookie: session.cookie, fields: fields)
            #expect(dry.status == .ok && String(buffer: dry.body).contains("data-testid=\"import-valid\">2<"))
            fields[1] = ("mode", "valid_only")
            let done = try await app.postForm("\(location)/run", cookie: session.cookie, fields: fields)
            #expect(done.status == .seeOther)
            let result = try await app.page(location, cookie: session.cookie)
            #expect(result.body.contains("data-testid=\"import-created\">2<") && result.body.contains("data-testid=\"import-undo\""))
            #expect(try await app.postForm("\(location)/undo", cookie: session.cookie, fields: [("_csrf", session.csrf)]).status == .seeOther)
            let history = try await app.page("/imports", cookie: session.cookie)
            #expect(history.body.contains("firmy.csv") && history.body.contains("data-testid=\"import-upload\""))
            let forged = try await app.client.execute(
                uri: "/imports",
                method: .post,
                headers: headers,
                body: ByteBuffer(string: body.replacingOccurrences(of: session.csrf, with: "forged"))
            )
            #expect(forged.status == .forbidden)
        }
    }

    static let deals =
        "Tytuł;Handlowiec;Firma;Etap;Data zamknięcia;Kwota;Powód\nDostawa rur;Rafał Wiśniewski;Łódź Trading;Wygrana;01.03.2017;1 200,50;\nSerwis;Rafał Wiśniewski;;Rozmowa;30.06.2017;300;\nKabel;Róża Nowak;Łódź Trading;Przegrana;02.03.2017;10;\n"

    @Test(
        "deals: the pipeline and stage values travel as options, a saved mapping keeps them, undo takes the deals back",
        arguments: TestEngine.available
    )
    func deals(engine: TestEngine) async throws {
        try await TestApp.run(engine) { app in
            let (pipeline, _) = try await app.world.salesPipeline()
            let maria = try await app.token(app.world.maria)
            let uploaded = try await upload(app, maria, Self.deals, type: "deals")
            let id = try #require(uploaded.json["id"] as? Int, "\(uploaded.text)")
            #expect(
                uploaded.json["mapping"] as? [String: String] == [
                    "Tytuł": "title", "Handlowiec": "owner", "Firma": "company", "Etap": "stage", "Data zamknięcia": "closed", "Kwota": "amount",
                    "Powód": "loss_reason",
                ]
            )
            let unplaced = try await app.api(.post, "/api/v1/imports/\(id)/run", token: maria, body: #"{"mode": "dry_run"}"#)
            #expect(unplaced.status == .unprocessableContent && unplaced.text.contains("options.pipeline_id"), "\(unplaced.text)")
            let options =
                #"{"pipeline_id": \#(pipeline.id.rawValue), "stage_values": {"Rozmowa": "Presentation"}, "time_zone": "Europe/Warsaw", "default_loss_reason": "Price"}"#
            let dry = try await app.api(.post, "/api/v1/imports/\(id)/run", token: maria, body: #"{"mode": "dry_run", "options": \#(options)}"#)
            #expect(
                dry.json["valid"] as? Int == 3 && dry.json["companies_created"] as? Int == 1 && (dry.json["errors"] as? [Any])?.isEmpty == true,
                "\(dry.text)"
            )
            for bad in [
                #"{"options": {"pipeline_id": "one"}}"#, #"{"options": {"colour": 1}}"#,
                #"{"options": {"pipeline_id": \#(pipeline.id.rawValue), "stage_values": {"Rozmowa": "Heaven"}}}"#,
            ] {
                #expect(try await app.api(.post, "/api/v1/imports/\(id)/run", token: maria, body: bad).status == .unprocessableContent, "\(bad)")
            }
            let done = try await app.api(
                .post,
                "/api/v1/imports/\(id)/run",
                token: maria,
                body: #"{"mode": "all", "options": \#(options), "save_mapping_as": "Arkusz szans"}"#
            )
            #expect(done.status == .ok && done.json["created"] as? Int == 3, "\(done.text)")
            let list = try await app.api(.get, "/api/v1/deals", token: maria)
            let items = try #require(list.json["items"] as? [[String: Any]], "\(list.text)").sorted {
                ($0["title"] as? String ?? "") < ($1["title"] as? String ?? "")
            }
            #expect(items.map { $0["title"] as? String } == ["Dostawa rur", "Kabel", "Serwis"])
            #expect(items[0]["status"] as? String == "won" && items[0]["amount"] as? String == "1200.50")
            #expect(items[1]["status"] as? String == "lost" && items[2]["expected_close_date"] as? String == "2017-06-30")
            let imported = try await app.api(.get, "/api/v1/imports/\(id)", token: maria)
            #expect((imported.json["options"] as? [String: Any])?["time_zone"] as? String == "Europe/Warsaw")

            // The next file from the same spreadsheet runs with the saved mapping and its options in one step.
            let mappings = try await app.api(.get, "/api/v1/import-mappings?type=deals", token: maria)
            let saved = try #require((mappings.json["items"] as? [[String: Any]])?.first)
            #expect((saved["options"] as? [String: Any])?["stage_values"] as? [String: String] == ["Rozmowa": "Presentation"])
            let next = try #require(
                try await upload(app, maria, Self.deals.replacingOccurrences(of: "Serwis", with: "Serwis 2"), type: "deals").json["id"] as? Int
            )
            let second = try await app.api(
                .post,
                "/api/v1/imports/\(next)/run",
                token: maria,
                body: #"{"mode": "all", "mapping_id": \#(saved["id"] as? Int ?? 0)}"#
            )
            #expect(second.status == .ok && second.json["created"] as? Int == 3, "\(second.text)")

            // A run asked for as it goes answers a line per part read, checked and written, then the report.
            let third = try #require(
                try await upload(app, maria, Self.deals.replacingOccurrences(of: "Serwis", with: "Serwis 3"), type: "deals").json["id"] as? Int
            )
            var streaming = HTTPFields()
            streaming[.accept] = "application/x-ndjson"
            let streamed = try await app.api(
                .post,
                "/api/v1/imports/\(third)/run",
                token: maria,
                body: #"{"mode": "all", "mapping_id": \#(saved["id"] as? Int ?? 0)}"#,
                headers: streaming
            )
            #expect(streamed.headers[.contentType] == "application/x-ndjson")
            let lines = streamed.text.split(separator: "\n").map { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
            #expect(
                lines.compactMap { $0?["phase"] as? String } == ["reading", "reading", "checking", "checking", "writing", "writing"],
                "\(streamed.text)"
            )
            #expect(((lines.last ?? nil)?["report"] as? [String: Any])?["created"] as? Int == 3, "\(streamed.text)")
            let failing = try await app.api(.post, "/api/v1/imports/\(third)/run", token: maria, body: #"{"mode": "all"}"#, headers: streaming)
            #expect(failing.text.contains(#""problem""#) && failing.text.contains("already_imported"), "\(failing.text)")

            let undone = try await app.api(.post, "/api/v1/imports/\(next)/undo", token: maria)
            #expect(undone.status == .ok && undone.json["binned"] as? Int == 3, "\(undone.text)")
            #expect((try await app.api(.get, "/api/v1/deals", token: maria).json["items"] as? [Any])?.count == 6)
        }
    }
}
