public import CRMCore
import SQLKit

extension RecordStore {
    /// The visible, live records the search box's text finds, best first: those whose name (or, for a contact,
    /// given name) starts with the first word typed, as someone typing a name expects, then the rest, by name.
    /// A search matching more than `denseMatches` records is shown in name order only.
    public func search(_ context: AccessContext, _ text: String, limit: Int) async throws -> [Item] {
        guard let first = SearchMatch(text)?.words.first else { return [] }
        let query = ListQuery(search: text)
        let prefix = SearchMatch.likeEscaped(first) + "%"
        let limit = min(max(limit, 1), ListQuery.maxLimit)
        let engine = database.engine
        return try await database.read { db in
            let exact = Self.conditions(context, query)
            let few = try await Self.fewMatches(db, exact, query, engine: engine)
            let conditions = Self.narrowed(exact, to: few)
            // Too common to rank every match: the first in name order, as a list shows them.
            let ranked: SQLQueryString = few == nil ? "" : "CASE WHEN sort_key LIKE \(bind: prefix) ESCAPE '\\' OR search_text LIKE \(bind: prefix) ESCAPE '\\' THEN 0 ELSE 1 END, "
            return try await db.raw("""
                SELECT * FROM \(ident: Fields.table) WHERE \(conditions.joined(separator: " AND "))
                ORDER BY \(ranked)sort_key, id LIMIT \(literal: limit)
                """).all().map(Self.decode)
        }
    }
}
