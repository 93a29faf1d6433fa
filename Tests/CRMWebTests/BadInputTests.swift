import CRMCore
import CRMStore
import CRMTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

/// Every kind of bad request gets the right 4xx as problem+json, never a 5xx, and writes nothing.
@Suite("Bad input")
struct BadInputTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let name: String
        let method: HTTPRequest.Method
        let path: String
        let body: String?
        let headers: [String: String]
        let status: Int
        let code: String
        var testDescription: String { name }
    }

    static let big = String(repeating: "x", count: 1 << 21)

    static let cases: [Case] = [
        Case(
            name: "malformed JSON",
            method: .post,
            path: "/api/v1/companies",
            body: #"{"name": "#,
            headers: [:],
            status: 400,
            code: "malformed_json"
        ),
        Case(
            name: "an array instead of an object",
            method: .post,
            path: "/api/v1/companies",
            body: "[1,2]",
            headers: [:],
            status: 400,
            code: "malformed_json"
        ),
        Case(name: "a wrong type", method: .post, path: "/api/v1/companies", body: #"{"name": 5}"#, headers: [:], status: 422, code: "validation"),
        Case(
            name: "an unknown field",
            method: .post,
            path: "/api/v1/companies",
            body: #"{"name": "X", "colour": "red"}"#,
            headers: [:],
            status: 422,
            code: "validation"
        ),
        Case(
            name: "a bad choice",
            method: .post,
            path: "/api/v1/companies",
            body: #"{"name": "X", "priority": "D"}"#,
            headers: [:],
            status: 422,
            code: "validation"
        ),
        Case(
            name: "a bad phone",
            method: .post,
            path: "/api/v1/companies",
            body: #"{"name": "X", "phones": [{"number": "call me"}]}"#,
            headers: [:],
            status: 422,
            code: "validation"
        ),
        Case(
            name: "a bad e-mail",
            method: .post,
            path: "/api/v1/contacts",
            body: #"{"last_name": "X", "emails": [{"address": "no-at-sign"}]}"#,
            headers: [:],
            status: 422,
            code: "validation"
        ),
        Case(
            name: "a NUL inside a name",
            method: .post,
            path: "/api/v1/companies",
            body: #"{"name": "Acme\u0000 Ltd"}"#,
            headers: [:],
            status: 422,
            code: "validation"
        ),
        Case(
            name: "a control character in a nested field",
            method: .post,
            path: "/api/v1/pipelines",
            body: #"{"name": "P", "currency": "PLN", "stages": [{"name": "A\u0007", "probability": 10}]}"#,
            headers: [:],
            status: 422,
            code: "validation"
        ),
        Case(name: "a missing name", method: .post, path: "/api/v1/companies", body: "{}", headers: [:], status: 422, code: "validation"),
        Case(
            name: "an unknown company",
            method: .post,
            path: "/api/v1/contacts",
            body: #"{"last_name": "X", "company_id": 999999}"#,
            headers: [:],
            status: 422,
            code: "validation"
        ),
        Case(
            name: "a negative id",
            method: .post,
            path: "/api/v1/contacts",
            body: #"{"last_name": "X", "company_id": -1}"#,
            headers: [:],
            status: 422,
            code: "validation"
        ),
        Case(
            name: "an oversized body",
            method: .post,
            path: "/api/v1/companies",
            body: #"{"name": "\#(big)"}"#,
            headers: [:],
            status: 413,
            code: "body_too_large"
        ),
        Case(
            name: "a wrong content type",
            method: .post,
            path: "/api/v1/companies",
            body: "name=X",
            headers: ["Content-Type": "application/x-www-form-urlencoded"],
            status: 415,
            code: "unsupported_media_type"
        ),
        Case(
            name: "a bad cursor",
            method: .get,
            path: "/api/v1/companies?cursor=garbage",
            body: nil,
            headers: [:],
            status: 400,
            code: "invalid_cursor"
        ),
        Case(
            name: "a bad limit",
            method: .get,
            path: "/api/v1/companies?limit=5000",
            body: nil,
            headers: [:],
            status: 400,
            code: "invalid_parameters"
        ),
        Case(
            name: "an unknown parameter",
            method: .get,
            path: "/api/v1/companies?colour=red",
            body: nil,
            headers: [:],
            status: 400,
            code: "invalid_parameters"
        ),
        Case(
            name: "a bad sort",
            method: .get,
            path: "/api/v1/companies?sort=colour",
            body: nil,
            headers: [:],
            status: 400,
            code: "invalid_parameters"
        ),
        Case(
            name: "a bad If-Match",
            method: .patch,
            path: "/api/v1/companies/1",
            body: "{}",
            headers: ["If-Match": "yesterday"],
            status: 400,
            code: "invalid_if_match"
        ),
        Case(
            name: "an empty If-Match",
            method: .delete,
            path: "/api/v1/companies/1",
            body: nil,
            headers: ["If-Match": ""],
            status: 400,
            code: "invalid_if_match"
        ),
        Case(
            name: "a method the path does not have",
            method: .put,
            path: "/api/v1/companies/1",
            body: "{}",
            headers: [:],
            status: 405,
            code: "method_not_allowed"
        ),
        Case(
            name: "a search longer than the document allows",
            method: .get,
            path: "/api/v1/companies?q=" + String(repeating: "a", count: 201),
            body: nil,
            headers: [:],
            status: 400,
            code: "invalid_parameters"
        ),
        Case(
            name: "a missing If-Match",
            method: .patch,
            path: "/api/v1/companies/1",
            body: "{}",
            headers: [:],
            status: 428,
            code: "if_match_required"
        ),
        Case(
            name: "a stale If-Match",
            method: .patch,
            path: "/api/v1/companies/1",
            body: #"{"name": "Y"}"#,
            headers: ["If-Match": "\"7\""],
            status: 412,
            code: "version_mismatch"
        ),
        Case(
            name: "a record that does not exist",
            method: .get,
            path: "/api/v1/companies/424242",
            body: nil,
            headers: [:],
            status: 404,
            code: "not_found"
        ),
        Case(name: "a non-numeric id", method: .get, path: "/api/v1/companies/abc", body: nil, headers: [:], status: 404, code: "not_found"),
        Case(name: "an unknown route", method: .get, path: "/api/v1/nothing", body: nil, headers: [:], status: 404, code: "not_found"),
        Case(
            name: "a bad token",
            method: .get,
            path: "/api/v1/companies",
            body: nil,
            headers: ["Authorization": "Bearer clt_forged"],
            status: 401,
            code: "invalid_token"
        ),
        Case(
            name: "a malformed Authorization header",
            method: .get,
            path: "/api/v1/companies",
            body: nil,
            headers: ["Authorization": "Basic abc"],
            status: 401,
            code: "invalid_token"
        ),
        Case(
            name: "no credentials",
            method: .get,
            path: "/api/v1/companies",
            body: nil,
            headers: ["Authorization": ""],
            status: 401,
            code: "invalid_token"
        ),
        Case(
            name: "a short password",
            method: .post,
            path: "/api/v1/users",
            body: #"{"email": "a@b.pl", "name": "A", "role": "admin", "password": "short"}"#,
            headers: [:],
            status: 422,
            code: "validation"
        ),
        Case(
            name: "a bad time zone",
            method: .patch,
            path: "/api/v1/users/1",
            body: #"{"time_zone": "Mars/Base"}"#,
            headers: [:],
            status: 422,
            code: "validation"
        ),
    ]

    @Test("is answered with the right problem and changes nothing", arguments: TestEngine.available, cases)
    func badInput(engine: TestEngine, badCase: Case) async throws {
        try await TestApp.run(engine) { app in
            let token = try await app.token(app.world.admin)
            try await app.api(.post, "/api/v1/companies", token: token, body: #"{"name": "Existing"}"#)
            var headers = HTTPFields()
            for (name, value) in badCase.headers { headers[HTTPField.Name(name)!] = value }
            let useToken = badCase.headers["Authorization"] == nil ? token : nil
            let response = try await app.api(badCase.method, badCase.path, token: useToken, body: badCase.body, headers: headers)
            #expect(Int(response.status.code) == badCase.status, "\(response.text.prefix(300))")
            #expect(response.headers[.contentType] == "application/problem+json")
            #expect(response.json["code"] as? String == badCase.code)
            if badCase.status == 405 { #expect(response.headers[.allow] == "DELETE, GET, PATCH", "\(response.headers)") }
            #expect(response.json["status"] as? Int == badCase.status)
            #expect((response.json["detail"] as? String)?.isEmpty == false)
            let all = try await app.store.companies.count(World.system, .init(deleted: .include))
            let contacts = try await app.store.contacts.count(World.system, .init(deleted: .include))
            #expect(all == 1 && contacts == 0)
            #expect(try await app.store.companies.get(World.system, 1).meta.version == 1)
        }
    }
}
