import CRMCore
import CRMStore
import CRMTestSupport
import CRMWeb
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Testing

/// The real router over a fresh database and the test world; requests go straight to it, without a socket.
struct TestApp {
    let client: any TestClientProtocol
    let world: World
    let dependencies: Dependencies

    static func run(
        _ engine: TestEngine,
        settings: Dependencies.Settings = .init(),
        _ body: @escaping @Sendable (TestApp) async throws -> Void
    ) async throws {
        try await TestDatabase.withStore(engine) { store in
            let world = try await World.make(store)
            let dependencies = try await Dependencies(store: store, settings: settings, logger: TestDatabase.logger)
            let app = Application(router: buildRouter(dependencies), logger: TestDatabase.logger)
            try await app.test(.router) { client in
                try await body(TestApp(client: client, world: world, dependencies: dependencies))
            }
        }
    }

    var store: Store { world.store }

    func token(_ user: User) async throws -> String {
        try await store.tokens.create(World.system, user: user.id, name: "test").secret
    }

    /// Sends a JSON API request with a bearer token; `body` is sent as given (so tests can send broken JSON).
    @discardableResult
    func api(
        _ method: HTTPRequest.Method,
        _ path: String,
        token: String?,
        body: String? = nil,
        headers extra: HTTPFields = [:]
    ) async throws -> TestResponse {
        var headers = extra
        if let token { headers[.authorization] = "Bearer \(token)" }
        if body != nil, headers[.contentType] == nil { headers[.contentType] = "application/json" }
        return try await client.execute(uri: path, method: method, headers: headers, body: body.map { ByteBuffer(string: $0) })
    }

    /// Signs in through the login form and returns the session cookie and the page's CSRF token.
    func login(_ email: String, password: String = "correct horse battery") async throws -> (cookie: String, csrf: String) {
        let response = try await attemptLogin(email, password: password)
        let session = try #require(response.cookie(named: "clientele_session"), "login did not set a session cookie (status \(response.status))")
        let page = try await page("/", cookie: "clientele_session=\(session)")
        let csrf = try #require(page.body.firstMatch(of: /name="_csrf" value="([^"]+)"/)?.1).description
        return ("clientele_session=\(session)", csrf)
    }

    /// Posts the login form as a browser would, with the form's double-submit CSRF cookie.
    func attemptLogin(_ email: String, password: String) async throws -> TestResponse {
        let form = try await client.execute(uri: "/login", method: .get)
        let loginCSRF = try #require(form.cookie(named: "clientele_login_csrf"))
        var headers = HTTPFields()
        headers[.contentType] = "application/x-www-form-urlencoded"
        headers[.cookie] = "clientele_login_csrf=\(loginCSRF)"
        let encode = { (text: String) in text.addingPercentEncoding(withAllowedCharacters: .alphanumerics)! }
        let body = "_csrf=\(loginCSRF)&email=\(encode(email))&password=\(encode(password))"
        return try await client.execute(uri: "/login", method: .post, headers: headers, body: ByteBuffer(string: body))
    }

    func page(_ path: String, cookie: String) async throws -> (status: HTTPResponse.Status, body: String) {
        var headers = HTTPFields()
        headers[.cookie] = cookie
        let response = try await client.execute(uri: path, method: .get, headers: headers)
        return (response.status, String(buffer: response.body))
    }

    func postForm(_ path: String, cookie: String, fields: [(String, String)]) async throws -> TestResponse {
        var headers = HTTPFields()
        headers[.cookie] = cookie
        headers[.contentType] = "application/x-www-form-urlencoded"
        let body = fields.map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)" }.joined(separator: "&")
        return try await client.execute(uri: path, method: .post, headers: headers, body: ByteBuffer(string: body))
    }
}

extension TestResponse {
    var json: [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(body.readableBytesView))) as? [String: Any] ?? [:]
    }

    var text: String { String(buffer: body) }

    func cookie(named name: String) -> String? {
        headers[values: .setCookie].lazy.compactMap { header -> String? in
            let pair = header.split(separator: ";")[0].split(separator: "=", maxSplits: 1)
            return pair.count == 2 && pair[0] == name ? String(pair[1]) : nil
        }.first
    }
}
