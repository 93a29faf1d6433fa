public import CRMCore
import SQLKit

extension RecordStore {
    /// Live records the context may see that are probably the same customer as `fields`: the same e-mail
    /// address or phone number, the same identifying value (tax id), or the same name however it is spelled
    /// ("Łukasz Wiśniewski" ~ "Lukasz Wisniewski", "Иванов" ~ "Ivanov"). Records the context may not see are
    /// never offered: their existence is not the caller's to learn.
    public func duplicates(_ context: AccessContext, of fields: Fields, excluding id: Int64? = nil) async throws -> [Item] {
        let engine = database.engine
        return try await database.read { db in try await Self.duplicates(db, context, of: fields, excluding: id, engine: engine) }
    }

    static func duplicates(
        _ db: any SQLDatabase,
        _ context: AccessContext,
        of fields: Fields,
        excluding id: Int64?,
        engine: Engine
    ) async throws -> [Item] {
        guard let name = fields.duplicateName else { return [] }
        var visible: [SQLQueryString] = [AccessPredicate.sql(context.visibility, table: "t"), "t.deleted_at IS NULL"]
        if let id { visible.append("t.id <> \(bind: id)") }
        var found: [Int64: Item] = [:]
        let points: [SQLQueryString] =
            fields.phones.map { "(cp.kind = 'phone' AND cp.value = \(bind: $0.number.e164))" }
            + fields.emails.map { "(cp.kind = 'email' AND cp.value = \(bind: $0.address.value))" }
        if !points.isEmpty {
            let rows = try await db.raw(
                """
                SELECT DISTINCT t.* FROM \(ident: Fields.table) t JOIN contact_points cp ON cp.record_type = \(bind: Fields.recordType.rawValue) AND cp.record_id = t.id
                WHERE (\(points.joined(separator: " OR "))) AND \(visible.joined(separator: " AND ")) LIMIT 20
                """
            ).all()
            for row in rows {
                let item = try decode(row)
                found[item.meta.id] = item
            }
        }
        for (column, value) in fields.identifyingColumns {
            let rows = try await db.raw(
                "SELECT t.* FROM \(ident: Fields.table) t WHERE t.\(ident: column) = \(bind: value) AND \(visible.joined(separator: " AND ")) LIMIT 20"
            ).all()
            for row in rows {
                let item = try decode(row)
                found[item.meta.id] = item
            }
        }
        // Same name: candidates hold every word of the key (search_text keeps Cyrillic names in Latin letters
        // too, so the words find both scripts), then their whole keys must be equal. Words with an "h" may
        // have been respelled by the key (kh → h), so they are not searched for; numbers are ("Filia 2").
        let key = NameKey.of(name)
        let all: [String] = key.split(separator: " ").map { String($0) }
        let words = all.filter { $0.count >= 3 && !$0.contains("h") && $0.contains(where: \.isLetter) }
        let longest = all.max { $0.count < $1.count }.map { [$0] } ?? []
        let terms: [String] = words.isEmpty ? longest.filter { $0.count >= 3 } : words + all.filter { $0.allSatisfy(\.isNumber) }
        if !terms.isEmpty {
            // Each word is its own search, so a long number is matched as a number rather than turning the
            // whole name into a phone-number search.
            // Candidates are judged by their sort key alone, the name folded, which the key folds again to the
            // same words; only those with an equal key are read whole.
            var conditions = conditions(context, ListQuery(), engine: engine) + searchConditions(terms, engine: engine)
            if let id { conditions.append("id <> \(bind: id)") }
            let candidates = try await db.raw(
                "SELECT id, sort_key FROM \(ident: Fields.table) WHERE \(conditions.joined(separator: " AND ")) LIMIT 500"
            ).all()
            let same = try candidates.filter { NameKey.of(sortKey: try $0.decode(column: "sort_key", as: String.self)) == key }
                .map { try $0.decode(column: "id", as: Int64.self) }.filter { found[$0] == nil }
            if !same.isEmpty {
                for row in try await db.raw("SELECT * FROM \(ident: Fields.table) WHERE id IN (\(binds: same))").all() {
                    let item = try decode(row)
                    found[item.meta.id] = item
                }
            }
        }
        return found.values.sorted { $0.meta.id < $1.meta.id }
    }
}
