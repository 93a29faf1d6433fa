import CRMCore
import SQLKit

/// Migration 18's rewrite: sort keys stored before numbers sorted by value get their numbers written by
/// `NaturalOrder`, so "Odlew 2" lists before "Odlew 10" in existing data too.
///
/// A key stored before it was the folded name, which is exactly what `NaturalOrder.key` rewrites; keys without a
/// digit stay as they are, so only those are read. Pages go by id, a statement each, to keep memory flat.
enum NaturalSortKeys {
    static let tables = ["companies", "contacts", "deals", "activities", "leads"]
    static let page = 5_000

    static func rewrite(_ db: any SQLDatabase, _ engine: Engine) async throws {
        let hasDigit: SQLQueryString = engine == .sqlite ? "sort_key GLOB '*[0-9]*'" : "sort_key ~ '[0-9]'"
        for table in tables {
            var after: Int64 = 0
            while true {
                let rows = try await db.raw("""
                    SELECT id, sort_key FROM \(ident: table) WHERE id > \(bind: after) AND \(hasDigit) ORDER BY id LIMIT \(literal: page)
                    """).all()
                let keys = try rows.map { (id: try $0.decode(column: "id", as: Int64.self), key: NaturalOrder.key(try $0.decode(column: "sort_key", as: String.self))) }
                guard let last = keys.last else { break }
                // Both engines name a VALUES list's columns column1, column2, ….
                let values: SQLQueryString = keys.map { "(\(bind: $0.id), \(bind: $0.key))" }.joined(separator: ", ")
                try await db.raw("UPDATE \(ident: table) SET sort_key = v.column2 FROM (VALUES \(values)) AS v WHERE \(ident: table).id = v.column1").run()
                after = last.id
            }
        }
    }
}
