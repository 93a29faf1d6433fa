public import CRMCore
import SQLKit

extension RecordStore {
    /// The visible, live records the search box's text finds, best first: those whose name (or, for a contact,
    /// given name) starts with the first word typed, as someone typing a name expects, then the rest, by name.
    public func search(_ context: AccessContext, _ text: String, limit: Int) async throws -> [Item] {
        guard let first = SearchMatch(text)?.words.first else { return [] }
        let conditions = Self.conditions(context, ListQuery(search: text), engine: database.engine)
        let prefix = SearchMatch.likeEscaped(first) + "%"
        let sql: SQLQueryString = """
            SELECT * FROM \(ident: Fields.table) WHERE \(conditions.joined(separator: " AND "))
            ORDER BY CASE WHEN sort_key LIKE \(bind: prefix) ESCAPE '\\' OR search_text LIKE \(bind: prefix) ESCAPE '\\' THEN 0 ELSE 1 END, sort_key, id
            LIMIT \(literal: min(max(limit, 1), ListQuery.maxLimit))
            """
        return try await database.read { db in try await db.raw(sql).all() }.map(Self.decode)
    }
}
