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
        text += "\""
        guard value.utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) else {
            text += value
            text += "\""
            return
        }
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": text += "\\\""
            case "\\": text += "\\\\"
            case "\n": text += "\\n"
            case "\r": text += "\\r"
            case "\t": text += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                text += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: text.unicodeScalars.append(scalar)
            }
        }
        text += "\""
    }
}
