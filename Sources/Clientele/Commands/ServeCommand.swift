import ArgumentParser
import CRMCore
import CRMStore
import CRMWeb
import Foundation
import Hummingbird
import Logging

/// Runs the web server until SIGTERM or SIGINT, then finishes the requests in flight and exits.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "serve", abstract: "Run the web server.")

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var logging: LogOptions
    @OptionGroup(title: "Files") var files: FileOptions

    @Option(help: "Address to listen on (env CLIENTELE_HOST).")
    var host: String?

    @Option(help: "Port to listen on; 0 picks a free one (env CLIENTELE_PORT).")
    var port: Int?

    @Flag(help: "Apply pending migrations before serving (PostgreSQL; SQLite always does).")
    var migrate = false

    @Flag(help: "Load the demo company if the database has no users yet.")
    var demo = false

    @Flag(help: "Mark cookies Secure; set when users reach Clientele over HTTPS (env CLIENTELE_SECURE_COOKIES=1).")
    var secureCookies = false

    @Option(help: "Calling code assumed for phone numbers typed without one (env CLIENTELE_DEFAULT_COUNTRY_CODE).")
    var defaultCountryCode: String?

    @Flag(help: "A reverse proxy appends the client's address to X-Forwarded-For; trust it (env CLIENTELE_BEHIND_PROXY=1).")
    var behindProxy = false

    func run() async throws {
        let logger = logging.bootstrap()
        let environment = ProcessInfo.processInfo.environment
        let server = ServerSettings(
            host: host ?? environment["CLIENTELE_HOST"] ?? "127.0.0.1",
            port: port ?? environment["CLIENTELE_PORT"].flatMap(Int.init) ?? 8080
        )
        let settings = Dependencies.Settings(
            secureCookies: secureCookies || environment["CLIENTELE_SECURE_COOKIES"] == "1",
            defaultCountryCode: try Self.countryCode(defaultCountryCode ?? environment["CLIENTELE_DEFAULT_COUNTRY_CODE"]),
            behindProxy: behindProxy || environment["CLIENTELE_BEHIND_PROXY"] == "1"
        )
        let fileConfiguration = try files.configuration()
        let db = try database.open(logger: logger)
        let store = Store(database: db, files: fileConfiguration)
        do {
            try await prepare(store, engine: db.engine, logger: logger)
            let dependencies = try await Dependencies(store: store, settings: settings, logger: logger)
            let showDemoLogin = demo
            let app = buildApplication(dependencies, server: server) { port in
                let url = "http://\(server.host == "0.0.0.0" ? "127.0.0.1" : server.host):\(port)/"
                logger.info("serving", metadata: ["url": .string(url), "engine": .string(db.engine.rawValue)])
                // Printed as plain text too, so the first thing a new user sees is where to go and how to get in.
                var banner = "\nClientele is running at \(url)\n"
                if showDemoLogin { banner += "Demo login: \(DemoCompany.adminEmail) / \(DemoCompany.password)\n" }
                FileHandle.standardOutput.write(Data(banner.utf8))
            }
            try await app.runService()
        } catch {
            await db.shutdown()
            throw error
        }
        await db.shutdown()
    }

    private func prepare(_ store: Store, engine: Engine, logger: Logger) async throws {
        let status = try await store.migrator.status()
        if !status.isCurrent {
            guard engine == .sqlite || migrate else {
                // Several nodes may share this database; migrating it is an explicit operator decision.
                throw OperatorError(
                    """
                    the PostgreSQL database has \(status.pending.count) pending migration(s): \(status.pending.map { "\($0.number) \($0.name)" }.joined(separator: ", ")).
                    Run `clientele migrate` once, or start one node with `serve --migrate`.
                    """
                )
            }
            try await store.migrator.migrate()
        }
        if demo {
            let company = DemoCompany(store: store)
            if try await company.isNeeded() {
                logger.info("loading the demo company")
                try await company.load()
            }
        }
    }

    /// The one place the calling-code setting is read: one to three digits, "+" allowed, or the fallback.
    static func countryCode(_ text: String?) throws -> String {
        guard let text, !text.isEmpty else { return PhoneNumber.fallbackCountryCode }
        let digits = text.hasPrefix("+") ? String(text.dropFirst()) : text
        guard (1...3).contains(digits.count), digits.allSatisfy(\.isASCII), digits.allSatisfy(\.isNumber), digits.first != "0" else {
            throw ValidationError("--default-country-code must be a calling code such as 48 or +36, not '\(text)'")
        }
        return digits
    }
}
