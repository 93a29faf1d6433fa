import SQLKit

extension Migrations {
    static let naturalSortKeys = Migration(number: 18, name: "natural_sort_keys", statements: { _ in [] }, rewrite: NaturalSortKeys.rewrite)
}

/// Migration 18's rewrite: sort keys stored before numbers sorted by value get their numbers written to sort by
/// value, so "Odlew 2" lists before "Odlew 10" in existing data too.
///
/// A key stored before it was the folded name; keys without a digit stay as they are, so only those are read.
/// Pages go by id, a statement each, to keep memory flat. The key is this migration's frozen copy of
/// `NaturalOrder.key` as it stood when it landed: the live one may change, and a database upgraded later must still
/// end up as one migrated on the day.
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
                let keys = try rows.map { (id: try $0.decode(column: "id", as: Int64.self), key: key(try $0.decode(column: "sort_key", as: String.self))) }
                guard let last = keys.last else { break }
                // Both engines name a VALUES list's columns column1, column2, ….
                let values: SQLQueryString = keys.map { "(\(bind: $0.id), \(bind: $0.key))" }.joined(separator: ", ")
                try await db.raw("UPDATE \(ident: table) SET sort_key = v.column2 FROM (VALUES \(values)) AS v WHERE \(ident: table).id = v.column1").run()
                after = last.id
            }
        }
    }

    /// Each run of ASCII digits written after its length, leading zeros dropped: "1"…"8" for up to eight digits,
    /// "9" and two more for longer ones, a run past 108 digits split into several numbers.
    static func key(_ text: String) -> String {
        guard text.utf8.contains(where: isDigit) else { return text }
        let bytes = Array(text.utf8)
        var result: [UInt8] = []
        var index = 0
        while index < bytes.count {
            guard isDigit(bytes[index]) else {
                result.append(bytes[index])
                index += 1
                continue
            }
            var end = index
            while end < bytes.count, isDigit(bytes[end]) { end += 1 }
            var start = index
            while start < end - 1, bytes[start] == UInt8(ascii: "0") { start += 1 }
            var digits = bytes[start..<end]
            repeat {
                let number = digits.prefix(108)
                result += length(number.count) + number
                digits = digits.dropFirst(number.count)
            } while !digits.isEmpty
            index = end
        }
        return String(decoding: result, as: UTF8.self)
    }

    static func length(_ count: Int) -> [UInt8] {
        guard count > 8 else { return [UInt8(ascii: "0") + UInt8(count)] }
        let beyond = count - 9
        return [UInt8(ascii: "9"), UInt8(ascii: "0") + UInt8(beyond / 10), UInt8(ascii: "0") + UInt8(beyond % 10)]
    }

    static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }
}
