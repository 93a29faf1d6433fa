public import CRMCore
import SQLKit

extension RecordStore {
    /// The visible, live records the search box's text finds, best first: those whose name (or, for a contact,
    /// given name) starts with the first word typed, as someone typing a name expects, then the rest, by name.
    ///
    /// Names that start with the word are read first from the name index alone, so a common surname typed as it
    /// is written ("иванов", 75,000 matches in a million contacts) fills the box without listing every match; the
    /// full-text index is asked only for what that leaves.
    public func search(_ context: AccessContext, _ text: String, limit: Int) async throws -> [Item] {
        guard let match = SearchMatch(text), let first = match.words.first else { return [] }
        let limit = min(max(limit, 1), ListQuery.maxLimit)
        let prefix = SearchMatch.likeEscaped(first) + "%"
        let visible = Self.conditions(context, ListQuery(), engine: database.engine)
        // The range lets both engines walk the name index; LIKE keeps it exact under any collation.
        let named: SQLQueryString = """
            SELECT * FROM \(ident: Fields.table) WHERE \(visible.joined(separator: " AND ")) AND \(match.sql(column: "search_text"))
            AND sort_key >= \(bind: first) AND sort_key < \(bind: first + "\u{10FFFF}") AND sort_key LIKE \(bind: prefix) ESCAPE '\\'
            ORDER BY sort_key, id LIMIT \(literal: limit)
            """
        let engine = database.engine
        return try await database.read { db in
            var found = try await db.raw(named).all().map(Self.decode)
            guard found.count < limit else { return found }
            var rest = Self.conditions(context, ListQuery(search: text), engine: engine)
            if !found.isEmpty { rest.append("id NOT IN (\(binds: found.map(\.meta.id)))") }
            let others: SQLQueryString = """
                SELECT * FROM \(ident: Fields.table) WHERE \(rest.joined(separator: " AND "))
                ORDER BY CASE WHEN sort_key LIKE \(bind: prefix) ESCAPE '\\' OR search_text LIKE \(bind: prefix) ESCAPE '\\' THEN 0 ELSE 1 END, sort_key, id
                LIMIT \(literal: limit - found.count)
                """
            found += try await db.raw(others).all().map(Self.decode)
            return found
        }
    }
}
