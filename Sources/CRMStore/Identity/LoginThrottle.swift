import CRMCore
import Foundation
import SQLKit

/// Slows password guessing: too many failures for one account, or from one address, lock further attempts for a
/// while. Failures are rows in the database, so the limit holds across every node.
public struct LoginThrottle: Sendable {
    let database: Database
    public static let window: Int64 = 15 * 60
    public static let maxPerAccount = 5
    public static let maxPerAddress = 20

    public func isLocked(account: String, address: String) async throws -> Bool {
        let since = Timestamp.now.adding(seconds: -Self.window).rawValue
        let account = account.lowercased()
        return try await database.read { db in
            let row = try await db.raw(
                """
                SELECT (SELECT COUNT(*) FROM login_failures WHERE account = \(bind: account) AND at > \(bind: since)) AS by_account,
                       (SELECT COUNT(*) FROM login_failures WHERE address = \(bind: address) AND at > \(bind: since)) AS by_address
                """
            ).first()
            let byAccount = try row?.value("by_account", as: Int.self) ?? 0
            let byAddress = try row?.value("by_address", as: Int.self) ?? 0
            return byAccount >= Self.maxPerAccount || byAddress >= Self.maxPerAddress
        }
    }

    public func recordFailure(account: String, address: String) async throws {
        let now = Timestamp.now
        try await database.write { db in
            try await db.raw("DELETE FROM login_failures WHERE at < \(bind: now.adding(seconds: -Self.window).rawValue)").run()
            try await db.raw(
                """
                INSERT INTO login_failures (account, address, at) VALUES (\(bind: account.lowercased()), \(bind: address), \(bind: now.rawValue))
                """
            ).run()
        }
    }

    public func recordSuccess(account: String) async throws {
        try await database.write { db in
            try await db.raw("DELETE FROM login_failures WHERE account = \(bind: account.lowercased())").run()
        }
    }
}
