import CRMCore
import SQLKit

/// Whether a context may see a record of any type, by the record's type and id: for things that hang off records
/// (files, comments, notifications), which are seen by exactly those who may see their record.
enum RecordAccess {
    /// The table of each record type things can hang off.
    static func table(of type: RecordType) -> String? {
        switch type {
        case .company: CompanyFields.table
        case .contact: ContactFields.table
        case .lead: LeadFields.table
        case .deal: DealFields.table
        case .activity: ActivityFields.table
        default: nil
        }
    }

    static let types: [RecordType] = [.activity, .company, .contact, .deal, .lead]

    /// Throws not-found unless the context may see the record (its bin included when asked).
    static func require(_ db: any SQLDatabase, _ context: AccessContext, _ type: RecordType, _ id: Int64, includeDeleted: Bool) async throws {
        guard let table = table(of: type) else { throw StoreError.notFound(type) }
        let deleted: SQLQueryString = includeDeleted ? "" : " AND deleted_at IS NULL"
        let row = try await db.raw(
            "SELECT id FROM \(ident: table) WHERE id = \(bind: id) AND \(AccessPredicate.sql(context.visibility))\(deleted)"
        ).first()
        guard row != nil else { throw StoreError.notFound(type) }
    }

    /// A WHERE fragment over rows that name a record by `alias.record_type` and `alias.record_id`: true where the
    /// context may see that record.
    static func visible(_ context: AccessContext, alias: String) -> SQLQueryString {
        if case .all = context.visibility { return "1 = 1" }
        let parts: [SQLQueryString] = types.compactMap { type in
            guard let table = table(of: type) else { return nil }
            return """
                (\(unsafeRaw: alias).record_type = \(bind: type.rawValue) AND EXISTS (SELECT 1 FROM \(ident: table) r \
                WHERE r.id = \(unsafeRaw: alias).record_id AND \(AccessPredicate.sql(context.visibility, table: "r"))))
                """
        }
        return "(\(parts.joined(separator: " OR ")))"
    }
}
