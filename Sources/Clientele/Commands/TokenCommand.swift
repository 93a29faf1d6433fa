import ArgumentParser
import CRMCore
import CRMStore
import Foundation

struct TokenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "token", abstract: "Manage API tokens.", subcommands: [Create.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create an API token for a user and print it (once).")
        @OptionGroup var database: DatabaseOptions
        @OptionGroup var logging: LogOptions
        @Option(help: "The user's e-mail.") var user: String
        @Option(help: "What the token is for.") var name: String = "command line"

        func run() async throws {
            try await database.withStore(logger: logging.bootstrap()) { store in
                try await requireCurrentSchema(store)
                guard let owner = try await store.users.find(email: user) else { throw ValidationError("no user with e-mail \(user)") }
                let (_, secret) = try await reportingErrors { try await store.tokens.create(UserCommand.system, user: owner.id, name: name) }
                print(secret)
            }
        }
    }
}
