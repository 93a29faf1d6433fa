import Hummingbird
import Logging

/// The least a Hummingbird server can do per request on this machine: one route answering a constant. The
/// HTTP benchmark puts it beside the product so each API figure can be read against the ceiling.
enum HTTPCeiling {
    static func serve(port: Int) async throws {
        let router = Router()
        router.get("/") { _, _ in "ok" }
        var logger = Logger(label: "http-ceiling")
        logger.logLevel = .warning
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: port)), logger: logger)
        try await app.runService()
    }
}
