import Foundation
import SQLKit

extension Store {
    /// Writes a consistent copy of the SQLite database to `path` while readers and writers carry on.
    /// `VACUUM INTO` reads from one snapshot, so the copy is as of a single moment.
    public func backup(to path: String) async throws {
        guard database.engine == .sqlite else {
            throw StoreError.configuration("back up PostgreSQL with pg_dump; `clientele backup` runs it for you")
        }
        try await database.read { db in try await db.raw("VACUUM INTO \(bind: path)").run() }
    }
}
