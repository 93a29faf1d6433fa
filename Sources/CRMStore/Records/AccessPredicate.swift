import CRMCore
import Foundation
import SQLKit

/// The permission layer's SQL: a record's `Visibility` as a WHERE fragment over its `owner_id` and `team_id`.
///
/// This is the only place visibility becomes SQL. Every statement that reads or changes CRM records includes it,
/// which is what keeps side paths (search, counts, exports, linked records) from leaking.
enum AccessPredicate {
    /// - Parameter table: the alias of the record table when the statement joins others.
    static func sql(_ visibility: Visibility, table: String? = nil) -> SQLQueryString {
        let prefix = table.map { "\($0)." } ?? ""
        switch visibility {
        case .all:
            return "1 = 1"
        case .restricted(let owner, let teams) where teams.isEmpty:
            return "\(unsafeRaw: prefix)owner_id = \(bind: owner.rawValue)"
        case .restricted(let owner, let teams):
            let ids = teams.map(\.rawValue).sorted()
            return "(\(unsafeRaw: prefix)owner_id = \(bind: owner.rawValue) OR \(unsafeRaw: prefix)team_id IN (\(binds: ids)))"
        }
    }
}
