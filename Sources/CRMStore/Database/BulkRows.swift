import SQLKit

/// Rows for one table written many to a statement, all of them in one JSON parameter that the database takes
/// apart itself (SQLite `json_each`, PostgreSQL `json_populate_recordset`).
///
/// Bulk paths (imports, generated datasets) write hundreds of thousands of rows. Bound one value at a time,
/// each value costs more in the driver than the database spends storing it, statements are capped at both
/// engines' limit on parameters (a thousand rows or so), and SQLite's full-text index flushes its pending terms
/// at every statement. One parameter per statement lifts all three.
struct BulkRows {
    /// Rows to a statement, and kept before `flushIfFull` writes them: big enough that statements are few, small
    /// enough that a statement's text stays a few megabytes.
    static let rowsPerStatement = 5_000

    let table: String
    let columns: [String]
    private let keyed: Bool
    private var json: [UInt8] = [UInt8(ascii: "[")]
    private(set) var count = 0

    /// `db` tells the engine: PostgreSQL takes each row as an object named by column, SQLite as an array.
    init(_ db: any SQLDatabase, table: String, columns: [String]) {
        self.table = table
        self.columns = columns
        keyed = db.dialect.name == "postgresql"
    }

    /// Writes the rows (none, one or several) `rows` makes of each index in `0..<count`, a statement per
    /// `rowsPerStatement` indexes, encoded as `inParts` does.
    static func write(
        _ db: any SQLDatabase,
        table: String,
        columns: [String],
        count: Int,
        rows: @escaping @Sendable (Int) throws -> [[any Encodable & Sendable]]
    ) async throws {
        try await inParts(db, count: count) { part in [try await encoding(db, table: table, columns: columns, part, rows: rows)] }
    }

    /// Writes `count` items a part of `rowsPerStatement` at a time, each part's statements made by `encode`, and
    /// tells `written` after each part.
    ///
    /// Encoding a part costs about half what the database spends writing it, and the database writes on one
    /// core: so the next part is encoded on the other cores while the database writes this one on its own.
    static func inParts(
        _ db: any SQLDatabase,
        count: Int,
        encode: @escaping @Sendable (Range<Int>) async throws -> [BulkRows],
        written: (Range<Int>) async throws -> Void = { _ in }
    ) async throws {
        let parts = stride(from: 0, to: count, by: rowsPerStatement).map { $0..<min($0 + rowsPerStatement, count) }
        guard let first = parts.first else { return }
        var next = Task { try await encode(first) }
        defer { next.cancel() }
        for (index, part) in parts.enumerated() {
            let statements = try await next.value
            if index + 1 < parts.count {
                let following = parts[index + 1]
                next = Parallel.$reserved.withValue(1) { Task { try await encode(following) } }
            }
            for var statement in statements { try await statement.flush(db) }
            try await written(part)
        }
    }

    /// The rows (none, one or several) `rows` makes of each index in `range`, encoded on every core.
    static func encoding(
        _ db: any SQLDatabase,
        table: String,
        columns: [String],
        _ range: Range<Int>,
        rows: @escaping @Sendable (Int) throws -> [[any Encodable & Sendable]]
    ) async throws -> BulkRows {
        let empty = BulkRows(db, table: table, columns: columns)
        let parts = try await Parallel.map(range) { slice in
            var part = empty
            for index in slice {
                for row in try rows(index) { try part.append(row) }
            }
            return (part.json, part.count)
        }
        // Each part is "[" and its rows: the rows are joined after one "[".
        var all = empty
        for (json, count) in parts where count > 0 {
            if all.count > 0 { all.json.append(UInt8(ascii: ",")) }
            all.json.append(contentsOf: json.dropFirst())
            all.count += count
        }
        return all
    }

    /// Adds a row of values in the order of `columns`: text, integers, reals, booleans or nil.
    mutating func append(_ values: [any Encodable & Sendable]) throws {
        precondition(values.count == columns.count, "a row of \(table) needs \(columns.count) values")
        if count > 0 { json.append(UInt8(ascii: ",")) }
        json.append(UInt8(ascii: keyed ? "{" : "["))
        for (index, value) in values.enumerated() {
            if index > 0 { json.append(UInt8(ascii: ",")) }
            if keyed {
                JSONText.quote(columns[index], into: &json)
                json.append(UInt8(ascii: ":"))
            }
            try JSONScalar.write(value, into: &json)
        }
        json.append(UInt8(ascii: keyed ? "}" : "]"))
        count += 1
    }

    /// Writes the rows kept so far once there are `rowsPerStatement` of them.
    mutating func flushIfFull(_ db: any SQLDatabase) async throws {
        if count >= Self.rowsPerStatement { try await flush(db) }
    }

    /// Writes the rows kept so far in one statement.
    mutating func flush(_ db: any SQLDatabase) async throws {
        guard count > 0 else { return }
        json.append(UInt8(ascii: "]"))
        let text = String(decoding: json, as: UTF8.self)
        json = [UInt8(ascii: "[")]
        count = 0
        let names = SQLList(columns.map { SQLIdentifier($0) })
        if keyed {
            try await db.raw(
                """
                INSERT INTO \(ident: table) (\(names)) SELECT \(names) FROM json_populate_recordset(NULL::\(ident: table), \(bind: text)::json)
                """
            ).run()
        } else {
            // `->> n` answers a JSON string as text, a number as a number and null as NULL, as a bound value would be.
            // jsonb_each parses the text once and hands out each row in its binary form (json_each would print each
            // row back to text for `->>` to parse again), in order, so ids the table gives follow the rows.
            let values = SQLList(columns.indices.map { SQLRaw("value ->> \($0)") })
            try await db.raw("INSERT INTO \(ident: table) (\(names)) SELECT \(values) FROM jsonb_each(\(bind: text))").run()
        }
    }
}

/// Writes one value of a row as a JSON scalar, through its own `Encodable` conformance, so that optionals, raw
/// values and wrappers come out as they would when bound.
private struct JSONScalar: Encoder, SingleValueEncodingContainer {
    var codingPath: [any CodingKey] { [] }
    var userInfo: [CodingUserInfoKey: Any] { [:] }
    let text: Box

    final class Box { var json = "" }

    static func write(_ value: any Encodable, into json: inout [UInt8]) throws {
        // The common cases skip the encoder.
        switch value {
        case let string as String: JSONText.quote(string, into: &json)
        case let number as Int64: json.append(contentsOf: String(number).utf8)
        case let number as Int: json.append(contentsOf: String(number).utf8)
        default:
            let scalar = JSONScalar(text: Box())
            try value.encode(to: scalar)
            guard !scalar.text.json.isEmpty else { throw EncodingError.invalidValue(value, .init(codingPath: [], debugDescription: "no value")) }
            json.append(contentsOf: scalar.text.json.utf8)
        }
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        preconditionFailure("a bulk row holds single values only")
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer { preconditionFailure("a bulk row holds single values only") }
    func singleValueContainer() -> any SingleValueEncodingContainer { self }

    mutating func encodeNil() throws { text.json = "null" }
    mutating func encode(_ value: Bool) throws { text.json = value ? "true" : "false" }
    mutating func encode(_ value: String) throws { JSONText.quote(value, into: &text.json) }
    mutating func encode(_ value: Double) throws {
        guard value.isFinite else { throw EncodingError.invalidValue(value, .init(codingPath: [], debugDescription: "not a finite number")) }
        text.json = "\(value)"
    }
    mutating func encode(_ value: Float) throws { try encode(Double(value)) }
    mutating func encode(_ value: Int) throws { text.json = String(value) }
    mutating func encode(_ value: Int8) throws { text.json = String(value) }
    mutating func encode(_ value: Int16) throws { text.json = String(value) }
    mutating func encode(_ value: Int32) throws { text.json = String(value) }
    mutating func encode(_ value: Int64) throws { text.json = String(value) }
    mutating func encode(_ value: UInt) throws { text.json = String(value) }
    mutating func encode(_ value: UInt8) throws { text.json = String(value) }
    mutating func encode(_ value: UInt16) throws { text.json = String(value) }
    mutating func encode(_ value: UInt32) throws { text.json = String(value) }
    mutating func encode(_ value: UInt64) throws { text.json = String(value) }
    mutating func encode<T: Encodable>(_ value: T) throws { try value.encode(to: self) }
}
