import SQLKit

/// Many values as one parameter, for `IN (…)` over a whole file's e-mails: bound one by one they would need a
/// statement per few hundred (both engines cap a statement's parameters) and cost more to bind than to look up.
enum ValueList {
    /// A subquery answering `values`, to follow `IN`.
    static func sql(_ db: any SQLDatabase, _ values: some Collection<String>) -> SQLQueryString {
        var json: [UInt8] = [UInt8(ascii: "[")]
        for (index, value) in values.enumerated() {
            if index > 0 { json.append(UInt8(ascii: ",")) }
            JSONText.quote(value, into: &json)
        }
        json.append(UInt8(ascii: "]"))
        let text = String(decoding: json, as: UTF8.self)
        return db.dialect.name == "postgresql"
            ? "(SELECT json_array_elements_text(\(bind: text)::json))"
            : "(SELECT value FROM json_each(\(bind: text)))"
    }
}
