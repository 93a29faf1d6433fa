import CRMCore

/// JSON written by hand for the shapes every record of an import writes (its audit changes, phones and e-mails),
/// where `JSONEncoder`'s generality costs more than the database's own work. The same keys, sorted, as
/// `ColumnJSON` writes; read back by it.
enum JSONText {
    static func changes(_ changes: [FieldChange]) -> String {
        array(changes) { change in
            var members = [("field", change.field)]
            if let new = change.new { members.append(("new", new)) }
            if let old = change.old { members.append(("old", old)) }
            return members
        }
    }

    /// A new record's changes: each value that is not empty, by field name, as `changes` writes
    /// `FieldChange.diff(old: [:], new: values)`, without making the changes first.
    static func created(_ values: [String: String]) -> String {
        array(values.filter { !$0.value.isEmpty }.sorted { $0.key < $1.key }) { [("field", $0.key), ("new", $0.value)] }
    }

    /// A record's custom values, most often none.
    static func custom(_ values: CustomValues) throws -> String {
        values.isEmpty ? "{}" : try PlainJSON.encode(values)
    }

    static func phones(_ phones: [LabeledPhone]) -> String {
        array(phones) { [("label", $0.label), ("number", $0.number.e164)] }
    }

    static func emails(_ emails: [LabeledEmail]) -> String {
        array(emails) { [("address", $0.address.value), ("label", $0.label)] }
    }

    /// An array of objects of text members, each object's members in the order given.
    private static func array<Element>(_ elements: [Element], _ members: (Element) -> [(String, String)]) -> String {
        var text = "["
        for (index, element) in elements.enumerated() {
            if index > 0 { text += "," }
            text += "{"
            for (position, member) in members(element).enumerated() {
                if position > 0 { text += "," }
                quote(member.0, into: &text)
                text += ":"
                quote(member.1, into: &text)
            }
            text += "}"
        }
        return text + "]"
    }

    /// A JSON string: quotes, backslashes and control characters escaped (RFC 8259), everything else as it is.
    static func quote(_ value: String, into text: inout String) {
        guard value.utf8.contains(where: needsEscape) else {
            text += "\""
            text += value
            text += "\""
            return
        }
        var bytes: [UInt8] = []
        quote(value, into: &bytes)
        text += String(decoding: bytes, as: UTF8.self)
    }

    /// The same, as UTF-8 bytes: runs between escapes are copied whole, which matters for values that are JSON
    /// themselves (a record's phones column), full of quotes.
    static func quote(_ value: String, into bytes: inout [UInt8]) {
        bytes.append(UInt8(ascii: "\""))
        var value = value
        value.withUTF8 { utf8 in
            var run = 0
            for (index, byte) in utf8.enumerated() where needsEscape(byte) {
                bytes.append(contentsOf: utf8[run..<index])
                run = index + 1
                bytes.append(UInt8(ascii: "\\"))
                switch byte {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"): bytes.append(byte)
                case UInt8(ascii: "\n"): bytes.append(UInt8(ascii: "n"))
                case UInt8(ascii: "\r"): bytes.append(UInt8(ascii: "r"))
                case UInt8(ascii: "\t"): bytes.append(UInt8(ascii: "t"))
                default:
                    let hex = Array("0123456789abcdef".utf8)
                    bytes.append(contentsOf: [UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"), hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]])
                }
            }
            bytes.append(contentsOf: utf8[run...])
        }
        bytes.append(UInt8(ascii: "\""))
    }

    private static func needsEscape(_ byte: UInt8) -> Bool {
        byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\")
    }
}
