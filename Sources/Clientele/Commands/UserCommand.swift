import ArgumentParser
import CRMCore
import CRMStore
import Foundation

struct UserCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "user",
        abstract: "Manage users.",
        subcommands: [Add.self, Passwd.self, List.self, Disable.self, ResetTwoFactor.self]
    )

    /// Operator commands act as the system, and say so in the audit trail.
    static let system = AccessContext.system(reason: "command line")

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a user.")
        @OptionGroup var database: DatabaseOptions
        @OptionGroup var logging: LogOptions
        @Option var email: String
        @Option var name: String
        @Option(help: "admin, sales_manager, sales_rep or service_agent.") var role: String = "sales_rep"
        @Option(help: "Language: en, ru, pl, hu or bg.") var locale: String = "en"
        @Option(help: "IANA time zone.") var timeZone: String = "Europe/Warsaw"
        @Flag(help: "Read the password from standard input instead of asking.") var passwordStdin = false

        func run() async throws {
            guard let role = Role(rawValue: role) else {
                throw ValidationError("role must be one of " + Role.allCases.map(\.rawValue).joined(separator: ", "))
            }
            let password = try readPassword(fromStdin: passwordStdin)
            try await database.withStore(logger: logging.bootstrap()) { store in
                try await requireCurrentSchema(store)
                let user = try await reportingErrors {
                    try await store.users.create(
                        UserCommand.system,
                        .init(email: email, name: name, role: role, password: password, locale: locale, timeZone: timeZone)
                    )
                }
                print("Created user \(user.id) <\(user.email)> as \(user.role.rawValue).")
            }
        }
    }

    struct Passwd: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Set a user's password (ends their sessions).")
        @OptionGroup var database: DatabaseOptions
        @OptionGroup var logging: LogOptions
        @Option var email: String
        @Flag(help: "Read the password from standard input instead of asking.") var passwordStdin = false

        func run() async throws {
            let password = try readPassword(fromStdin: passwordStdin)
            try await database.withStore(logger: logging.bootstrap()) { store in
                try await requireCurrentSchema(store)
                guard let user = try await store.users.find(email: email) else { throw ValidationError("no user with e-mail \(email)") }
                try await reportingErrors { try await store.users.setPassword(UserCommand.system, user.id, password) }
                print("Password changed for \(user.email).")
            }
        }
    }

    struct ResetTwoFactor: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "reset-two-factor",
            abstract: "Turn off a user's two-factor sign-in (a lost phone and lost recovery codes); ends their sessions."
        )
        @OptionGroup var database: DatabaseOptions
        @OptionGroup var logging: LogOptions
        @Option var email: String

        func run() async throws {
            try await database.withStore(logger: logging.bootstrap()) { store in
                try await requireCurrentSchema(store)
                guard let user = try await store.users.find(email: email) else { throw ValidationError("no user with e-mail \(email)") }
                try await reportingErrors { try await store.twoFactor.reset(UserCommand.system, user.id) }
                print("Two-factor sign-in turned off for \(user.email); they set it up again if their role requires it.")
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List users.")
        @OptionGroup var database: DatabaseOptions
        @OptionGroup var logging: LogOptions

        func run() async throws {
            try await database.withStore(logger: logging.bootstrap()) { store in
                try await requireCurrentSchema(store)
                for user in try await store.users.list() {
                    print(
                        [String(user.id.rawValue), user.email.value, user.name, user.role.rawValue, user.isActive ? "active" : "disabled"].joined(
                            separator: "\t"
                        )
                    )
                }
            }
        }
    }

    struct Disable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Disable a user: ends their sessions and revokes their tokens.")
        @OptionGroup var database: DatabaseOptions
        @OptionGroup var logging: LogOptions
        @Option var email: String

        func run() async throws {
            try await database.withStore(logger: logging.bootstrap()) { store in
                try await requireCurrentSchema(store)
                guard let user = try await store.users.find(email: email) else { throw ValidationError("no user with e-mail \(email)") }
                _ = try await store.users.update(UserCommand.system, user.id, .init(isActive: false))
                print("Disabled \(user.email).")
            }
        }
    }
}

/// Reads a password without echoing it, or one line from standard input for scripts.
func readPassword(fromStdin: Bool) throws -> String {
    if fromStdin || isatty(STDIN_FILENO) == 0 {
        guard let line = readLine(strippingNewline: true), !line.isEmpty else { throw ValidationError("no password on standard input") }
        return line
    }
    guard let first = getpass("Password: ").map({ String(cString: $0) }), let second = getpass("Again: ").map({ String(cString: $0) }) else {
        throw ValidationError("could not read the password")
    }
    guard first == second else { throw ValidationError("the passwords differ") }
    return first
}

/// Store refusals become a one-line message and a failing exit status rather than a stack of Swift errors.
func reportingErrors<R>(_ body: () async throws -> R) async throws -> R {
    do {
        return try await body()
    } catch StoreError.invalid(let errors) {
        throw ValidationError(errors.errors.map { ($0.field.map { "\($0): " } ?? "") + $0.message }.joined(separator: "\n"))
    } catch StoreError.conflict(_, let message) {
        throw ValidationError(message)
    } catch StoreError.forbidden(let message) {
        throw ValidationError(message)
    }
}
