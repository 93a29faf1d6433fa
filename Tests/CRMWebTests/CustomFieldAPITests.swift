import CRMCore
import CRMStore
import CRMTestSupport
import CRMWeb
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

/// Custom fields as clients meet them: defined over the API, typed in JSON, filtered, sorted, exported, imported,
/// described by the served OpenAPI document, and on the forms, cards and lists of the pages.
@Suite("Custom fields over HTTP")
struct CustomFieldAPITests {
    @Test(
        "defined by admins; typed JSON in and out; filters, sorts, exports, imports and the OpenAPI document follow",
        arguments: TestEngine.available
    )
    func api(engine: TestEngine) async throws {
        try await TestApp.run(engine) { app in
            let admin = try await app.token(app.world.admin)
            let rafal = try await app.token(app.world.rafal)
            #expect(
                try await app.api(
                    .post,
                    "/api/v1/fields",
                    token: rafal,
                    body: #"{"record_type": "company", "key": "tier", "label": "Tier", "kind": "text"}"#
                ).status == .forbidden
            )
            let bad = try await app.api(
                .post,
                "/api/v1/fields",
                token: admin,
                body: #"{"record_type": "activity", "key": "Tier!", "label": "", "kind": "choice"}"#
            )
            #expect(bad.status == .unprocessableContent)
            #expect(
                Set(((bad.json["errors"] as? [[String: Any]]) ?? []).compactMap { $0["field"] as? String }) == [
                    "record_type", "key", "label", "options",
                ],
                "\(bad.text)"
            )
            for body in [
                #"{"record_type": "company", "key": "tier", "label": "Poziom", "kind": "choice", "options": ["Złoty", "Srebrny"], "in_list": true}"#,
                #"{"record_type": "company", "key": "headcount", "label": "Zatrudnienie", "kind": "number"}"#,
                #"{"record_type": "company", "key": "arr", "label": "ARR", "kind": "money"}"#,
                #"{"record_type": "company", "key": "renewal", "label": "Odnowienie", "kind": "date"}"#,
                #"{"record_type": "company", "key": "partner", "label": "Partner", "kind": "yes_no"}"#,
            ] {
                let created = try await app.api(.post, "/api/v1/fields", token: admin, body: body)
                #expect(created.status == .created, "\(created.text)")
            }
            let fields = try await app.api(.get, "/api/v1/fields?record_type=company", token: rafal)
            let items = (fields.json["items"] as? [[String: Any]]) ?? []
            #expect(items.first?["key"] as? String == "name" && items.first?["is_standard"] as? Bool == true)
            #expect(
                items.filter { $0["is_standard"] as? Bool == false }.map { $0["key"] as? String } == [
                    "tier", "headcount", "arr", "renewal", "partner",
                ]
            )

            let gold = try await app.api(
                .post,
                "/api/v1/companies",
                token: rafal,
                body:
                    #"{"name": "Łódź Metal", "custom": {"tier": "zloty", "headcount": 120, "arr": {"amount": "250000.00", "currency": "PLN"}, "renewal": "2027-03-31", "partner": true}}"#
            )
            #expect(gold.status == .created, "\(gold.text)")
            let custom = try #require(gold.json["custom"] as? [String: Any])
            #expect(custom["tier"] as? String == "Złoty" && custom["headcount"] as? Int == 120 && custom["partner"] as? Bool == true)
            #expect((custom["arr"] as? [String: Any])?["amount"] as? String == "250000.00")
            let goldID = try #require(gold.json["id"] as? Int)
            _ = try await app.api(
                .post,
                "/api/v1/companies",
                token: rafal,
                body: #"{"name": "Győr Kft", "custom": {"tier": "Srebrny", "headcount": 45.5}}"#
            )
            let wrong = try await app.api(
                .post,
                "/api/v1/companies",
                token: rafal,
                body:
                    #"{"name": "Wrong", "custom": {"tier": "Platynowy", "headcount": "many", "renewal": "31.03.2027", "partner": "yes", "shoe": 1}}"#
            )
            #expect(wrong.status == .unprocessableContent)
            let named = Set(((wrong.json["errors"] as? [[String: Any]]) ?? []).compactMap { $0["field"] as? String })
            #expect(named == ["custom.tier", "custom.headcount", "custom.renewal", "custom.partner", "custom.shoe"], "\(wrong.text)")

            func names(_ query: String) async throws -> [String] {
                let page = try await app.api(.get, "/api/v1/companies?\(query)", token: rafal)
                #expect(page.status == .ok, "\(query): \(page.text)")
                return ((page.json["items"] as? [[String: Any]]) ?? []).compactMap { $0["name"] as? String }
            }
            #expect(try await names("cf.tier=Z%C5%82oty") == ["Łódź Metal"])
            #expect(try await names("cf.headcount.min=50") == ["Łódź Metal"])
            #expect(try await names("sort=-cf.headcount") == ["Łódź Metal", "Győr Kft"])
            #expect(try await names("cf.partner=yes") == ["Łódź Metal"])
            #expect(try await app.api(.get, "/api/v1/companies?cf.tier.min=1", token: rafal).status == .badRequest)
            #expect(try await app.api(.get, "/api/v1/companies?cf.nothing=1", token: rafal).status == .badRequest)
            let patched = try await app.api(
                .patch,
                "/api/v1/companies/\(goldID)",
                token: rafal,
                body: #"{"custom": {"partner": null, "headcount": 130}}"#,
                headers: [.ifMatch: "\"1\""]
            )
            #expect(
                patched.status == .ok && (patched.json["custom"] as? [String: Any])?["partner"] == nil
                    && (patched.json["custom"] as? [String: Any])?["headcount"] as? Int == 130
            )
            let csv = try await app.api(.get, "/api/v1/companies/export?sort=name", token: rafal).text
            #expect(csv.contains("custom.tier") && csv.contains("Złoty") && csv.contains("250000.00 PLN"))

            // The served contract describes each field with its type.
            let document = try await app.api(.get, "/api/v1/openapi.json", token: nil)
            let schemas = ((document.json["components"] as? [String: Any])?["schemas"] as? [String: Any]) ?? [:]
            let properties = ((schemas["CompanyCustom"] as? [String: Any])?["properties"] as? [String: Any]) ?? [:]
            #expect(Set(properties.keys) == ["tier", "headcount", "arr", "renewal", "partner"])
            let tier = ((properties["tier"] as? [String: Any])?["oneOf"] as? [[String: Any]])?.first
            #expect(tier?["enum"] as? [String] == ["Złoty", "Srebrny"])

            // A CSV file fills them by their labels; a wrong value is named by line and column.
            let file = "Nazwa;Poziom;Zatrudnienie\nSofia OOD;Srebrny;8\nBad Ltd;Miedziany;3\n"
            let upload = try await app.api(
                .post,
                "/api/v1/imports?type=companies&name=f.csv",
                token: rafal,
                body: file,
                headers: [.contentType: "text/csv"]
            )
            let draft = try #require(upload.json["id"] as? Int)
            #expect((upload.json["mapping"] as? [String: Any])?["Poziom"] as? String == "custom.tier")
            #expect((upload.json["fields"] as? [String] ?? []).contains("custom.arr"))
            let run = try await app.api(
                .post,
                "/api/v1/imports/\(draft)/run",
                token: rafal,
                body: #"{"mode": "valid_only", "mapping": {"Nazwa": "name", "Poziom": "custom.tier", "Zatrudnienie": "custom.headcount"}}"#
            )
            #expect(run.json["created"] as? Int == 1, "\(run.text)")
            let message = (((run.json["errors"] as? [[String: Any]]) ?? []).first?["message"] as? String) ?? ""
            #expect(message.contains("Poziom"), "\(run.text)")
            #expect(try await names("cf.tier=Srebrny&sort=name") == ["Győr Kft", "Sofia OOD"])

            // An option renamed: every holder follows, the filter finds them by the new name; bad input is named.
            let tierID = try #require(items.first { $0["key"] as? String == "tier" }?["id"] as? Int)
            let rename = "/api/v1/fields/\(tierID)/options/rename"
            #expect(try await app.api(.post, rename, token: rafal, body: #"{"from": "Srebrny", "to": "Platynowy"}"#).status == .forbidden)
            for (body, field) in [(#"{"from": "Srebrny"}"#, "to"), (#"{"from": "Srebrny", "to": "x", "too": "y"}"#, "too")] {
                let wrong = try await app.api(.post, rename, token: admin, body: body)
                #expect(
                    wrong.status == .unprocessableContent
                        && ((wrong.json["errors"] as? [[String: Any]]) ?? []).compactMap { $0["field"] as? String } == [field],
                    "\(wrong.text)"
                )
            }
            let clash = try await app.api(.post, rename, token: admin, body: #"{"from": "Srebrny", "to": "ZŁOTY"}"#)
            #expect(clash.status == .unprocessableContent && clash.text.contains("option_exists"), "\(clash.text)")
            let renamed = try await app.api(.post, rename, token: admin, body: #"{"from": "Srebrny", "to": "Platynowy"}"#)
            #expect(renamed.status == .ok && renamed.json["records"] as? Int == 2, "\(renamed.text)")
            #expect((renamed.json["field"] as? [String: Any])?["options"] as? [String] == ["Złoty", "Platynowy"])
            #expect(try await names("cf.tier=platynowy&sort=name") == ["Győr Kft", "Sofia OOD"])
            #expect(try await app.api(.get, "/api/v1/companies?cf.tier=Srebrny", token: rafal).status == .badRequest)
        }
    }

    @Test("forms take custom values, cards and lists show them, lists filter by them", arguments: [TestEngine.sqlite])
    func pages(engine: TestEngine) async throws {
        try await TestApp.run(engine) { app in
            let (cookie, csrf) = try await app.login("admin@example.com")
            let defined = try await app.postForm(
                "/admin/fields",
                cookie: cookie,
                fields: [
                    ("_csrf", csrf), ("record_type", "contact"), ("kind", "choice"), ("key", "language"), ("label", "Język"),
                    ("options", "polski\nmagyar\nбългарски"), ("in_list", "on"),
                ]
            )
            #expect(defined.status == .seeOther)
            _ = try await app.postForm(
                "/admin/fields",
                cookie: cookie,
                fields: [("_csrf", csrf), ("record_type", "contact"), ("kind", "date"), ("key", "birthday"), ("label", "Urodziny")]
            )
            let settings = try await app.page("/admin/fields", cookie: cookie)
            #expect(settings.body.contains("language") && settings.body.contains("Urodziny"))
            let form = try await app.page("/contacts/new", cookie: cookie)
            #expect(form.body.contains(#"name="cf.language""#) && form.body.contains(#"type="date" name="cf.birthday""#))
            let wrong = try await app.postForm(
                "/contacts",
                cookie: cookie,
                fields: [("_csrf", csrf), ("last_name", "Kovács"), ("cf.birthday", "tomorrow"), ("owner_id", "\(app.world.admin.id)")]
            )
            #expect(wrong.status == .unprocessableContent && wrong.text.contains("Urodziny"))
            let created = try await app.postForm(
                "/contacts",
                cookie: cookie,
                fields: [
                    ("_csrf", csrf), ("first_name", "Zsófia"), ("last_name", "Kovács"), ("cf.language", "magyar"), ("cf.birthday", "1990-05-17"),
                    ("owner_id", "\(app.world.admin.id)"),
                ]
            )
            #expect(created.status == .seeOther, "\(created.text)")
            let card = try await app.page(try #require(created.headers[.location]), cookie: cookie)
            // Dates as the reader writes them (the admin reads English).
            #expect(card.body.contains("Język") && card.body.contains("magyar") && card.body.contains("May 17, 1990"))
            _ = try await app.postForm(
                "/contacts",
                cookie: cookie,
                fields: [("_csrf", csrf), ("last_name", "Petrova"), ("cf.language", "български"), ("owner_id", "\(app.world.admin.id)")]
            )
            let list = try await app.page("/contacts?cf.language=magyar", cookie: cookie)
            #expect(list.body.contains("Kovács") && !list.body.contains("Petrova") && list.body.contains("<th class=\"wide\">Język</th>"))
            #expect(list.body.contains(#"<select name="cf.language""#))

            // Renaming an option from the settings page; a clash is shown on the page, in the reader's language.
            let fieldID = try #require(try await app.store.fields.list(.contact).first { $0.key == "language" }?.id)
            let clash = try await app.postForm(
                "/admin/fields/\(fieldID)/rename-option",
                cookie: cookie,
                fields: [("_csrf", csrf), ("from", "magyar"), ("to", "Polski")]
            )
            #expect(clash.status == .unprocessableContent && clash.text.contains("is already an option"))
            let renamed = try await app.postForm(
                "/admin/fields/\(fieldID)/rename-option",
                cookie: cookie,
                fields: [("_csrf", csrf), ("from", "magyar"), ("to", "węgierski")]
            )
            #expect(renamed.status == .seeOther)
            #expect(try await app.page("/admin/fields", cookie: cookie).body.contains("<option>węgierski</option>"))
            #expect(try await app.page(try #require(created.headers[.location]), cookie: cookie).body.contains("węgierski"))
        }
    }

    @Test("the server's calling code reads numbers typed without one, in records and in list filters alike")
    func countryCodeSetting() async throws {
        try await TestApp.run(.sqlite, settings: .init(defaultCountryCode: "36")) { app in
            let admin = try await app.token(app.world.admin)
            let field = try await app.api(
                .post,
                "/api/v1/fields",
                token: admin,
                body: #"{"record_type": "contact", "key": "mobile", "label": "Mobil", "kind": "phone"}"#
            )
            #expect(field.status == .created, "\(field.text)")
            let created = try await app.api(
                .post,
                "/api/v1/contacts",
                token: admin,
                body: #"{"last_name": "Kovács", "phones": [{"number": "06 1 234 5678"}], "custom": {"mobile": "06 30 123 4567"}}"#
            )
            #expect(created.status == .created, "\(created.text)")
            #expect((created.json["phones"] as? [[String: Any]])?.first?["number"] as? String == "+3612345678")
            #expect((created.json["custom"] as? [String: Any])?["mobile"] as? String == "+36301234567")
            let found = try await app.api(.get, "/api/v1/contacts?cf.mobile=06%2030%20123%204567", token: admin)
            #expect((found.json["items"] as? [Any])?.count == 1, "a list filter read the number with another calling code: \(found.text)")
        }
    }
}
