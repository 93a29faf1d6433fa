public import CRMCore
import SQLKit

extension RecordStore {
    /// How many of the matches found inside names (not at their start) the search box orders by name. Ordering
    /// every match of a common fragment ("ová": 175,000 in a million contacts) costs as much as reading them all,
    /// so past this many the box orders the oldest this many; its "all in the list" link gives the whole answer.
    public static var searchBoxCandidates: Int { 1_000 }

    /// The visible, live records the search box's text finds, best first: those whose name (or, for a contact,
    /// given name) starts with the first word typed, as someone typing a name expects, then the rest, by name.
    ///
    /// Names that start with the word are read first from the name index alone, so a common surname typed as it
    /// is written ("иванов", 75,000 matches in a million contacts) fills the box without listing every match; the
    /// full-text index is asked only for what that leaves, and for no more than `candidates` of it.
    public func search(_ context: AccessContext, _ text: String, limit: Int, candidates: Int = searchBoxCandidates) async throws -> [Item] {
        guard let match = SearchMatch(text), let first = match.words.first else { return [] }
        let limit = min(max(limit, 1), ListQuery.maxLimit)
        let prefix = SearchMatch.likeEscaped(first) + "%"
        let visible = Self.conditions(context, ListQuery(), engine: database.engine)
        // Sort keys write numbers by value, so a word ending in digits may begin keys in several places, one after
        // another in key order (`NaturalOrder.keyPrefixes`); words without digits begin them in one.
        let keyPrefixes = NaturalOrder.keyPrefixes(first)
        let startsNamed: SQLQueryString = keyPrefixes.map { "sort_key LIKE \(bind: SearchMatch.likeEscaped($0) + "%") ESCAPE '\\'" }.joined(
            separator: " OR "
        )
        let engine = database.engine
        return try await database.read { db in
            var found: [Item] = []
            for start in keyPrefixes where found.count < limit {
                // The range lets both engines walk the name index; LIKE keeps it exact under any collation.
                found += try await db.raw(
                    """
                    SELECT * FROM \(ident: Fields.table) WHERE \(visible.joined(separator: " AND ")) AND \(match.sql(column: "search_text"))
                    AND sort_key >= \(bind: start) AND sort_key < \(bind: start + "\u{10FFFF}") AND sort_key LIKE \(bind: SearchMatch.likeEscaped(start) + "%") ESCAPE '\\'
                    ORDER BY sort_key, id LIMIT \(literal: limit - found.count)
                    """
                ).all().map(Self.decode)
            }
            guard found.count < limit else { return found }
            var rest = visible + [match.sql(column: "search_text")]
            if !found.isEmpty { rest.append("id NOT IN (\(binds: found.map(\.meta.id)))") }
            let others: SQLQueryString = """
                SELECT * FROM (\(Self.oldestMatches(match, rest, engine: engine, count: max(candidates, 1)))) AS candidates
                ORDER BY CASE WHEN \(startsNamed) OR search_text LIKE \(bind: prefix) ESCAPE '\\' THEN 0 ELSE 1 END, sort_key, id
                LIMIT \(literal: limit - found.count)
                """
            found += try await db.raw(others).all().map(Self.decode)
            return found
        }
    }

    /// The first `count` records by id that meet `conditions` (which include the match itself). SQLite's full-text
    /// table hands out its matches in id order, so driving the join from it stops after `count`; asked as a
    /// condition, it would list every match first. PostgreSQL's planner chooses for itself, to the same answer.
    private static func oldestMatches(_ match: SearchMatch, _ conditions: [SQLQueryString], engine: Engine, count: Int) -> SQLQueryString {
        let table = Fields.table
        guard engine == .sqlite, let narrowed = match.indexable(column: "search_text") else {
            return "SELECT * FROM \(ident: table) WHERE \(conditions.joined(separator: " AND ")) ORDER BY id LIMIT \(literal: count)"
        }
        // Inside its own SELECT the full-text table's column cannot be confused with the record's.
        return """
            SELECT \(ident: table).* FROM (SELECT rowid AS hit FROM \(ident: table + "_search") WHERE \(narrowed)) AS hits
            JOIN \(ident: table) ON \(ident: table).id = hits.hit
            WHERE \(conditions.joined(separator: " AND ")) ORDER BY hits.hit LIMIT \(literal: count)
            """
    }
}
