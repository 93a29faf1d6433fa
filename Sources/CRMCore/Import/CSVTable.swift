/// A CSV file read into a header and rows (RFC 4180: quoted fields may hold separators, quotes and line
/// breaks; a quote inside an unquoted field is kept as text). A UTF-8 byte-order mark is dropped; the separator is the one of `,` `;` and tab that splits the
/// header into the most columns.
public struct CSVTable: Sendable {
    public let header: [String]
    /// Each row with its line number in the file (1 is the header), for errors that say where.
    public let rows: [(line: Int, fields: [String])]

    /// The rows in `range` under the same header: a big file read a part at a time.
    public func rows(_ range: Range<Int>) -> CSVTable { CSVTable(header: header, rows: Array(rows[range.clamped(to: rows.indices)])) }

    private init(header: [String], rows: [(line: Int, fields: [String])]) {
        self.header = header
        self.rows = rows
    }

    public init(text: String) throws(ValidationError) {
        var text = Substring(text)
        if text.first == "\u{FEFF}" { text = text.dropFirst() }
        if let nul = text.firstIndex(of: "\u{0}") {
            let line = text[..<nul].count { $0 == "\n" || $0 == "\r\n" } + 1
            throw ValidationError(field: "line \(line)", code: "csv_binary", message: "line \(line) holds a NUL character: this is not a text file, or not UTF-8 (it may be UTF-16)")
        }
        let firstLine = text.prefix { $0 != "\n" && $0 != "\r\n" && $0 != "\r" }
        let candidates: [Character] = [",", ";", "\t"]
        let separator = candidates.max { first, second in
            firstLine.count { $0 == first } < firstLine.count { $0 == second }
        } ?? ","
        var records: [(Int, [String])] = []
        var field = ""
        var fields: [String] = []
        var line = 1
        var recordLine = 1
        var quoted = false
        var afterQuote = false
        var iterator = text.makeIterator()
        while let character = iterator.next() {
            if quoted {
                if character == "\"" {
                    quoted = false
                    afterQuote = true
                } else {
                    if character == "\n" || character == "\r\n" { line += 1 }
                    field.append(character)
                }
                continue
            }
            switch character {
            case "\"":
                if afterQuote {
                    field.append("\"")
                } else if !field.isEmpty {
                    // A quote inside an unquoted field (`ООО "Ромашка"`) is text, as spreadsheet programs read it.
                    field.append("\"")
                    continue
                }
                quoted = true
                afterQuote = false
            case separator:
                fields.append(field)
                field = ""
                afterQuote = false
            case "\n", "\r\n", "\r":
                fields.append(field)
                records.append((recordLine, fields))
                fields = []
                field = ""
                afterQuote = false
                line += 1
                recordLine = line
            default:
                if afterQuote {
                    throw ValidationError(field: "line \(line)", code: "csv_text_after_quote", message: "line \(line): text after a closing quote")
                }
                field.append(character)
            }
        }
        if quoted { throw ValidationError(field: "line \(recordLine)", code: "csv_unclosed_quote", message: "line \(recordLine): a quoted field is never closed; the file may be cut short") }
        if !field.isEmpty || !fields.isEmpty {
            fields.append(field)
            records.append((recordLine, fields))
        }
        records.removeAll { $0.1 == [""] }
        guard let first = records.first else { throw ValidationError(code: "csv_empty", message: "the file has no header row") }
        header = first.1.map { $0.trimmingWhitespace() }
        for (index, name) in header.enumerated() where name.isEmpty || header[..<index].contains(name) {
            throw ValidationError(field: "header", code: "csv_bad_header", message: name.isEmpty ? "column \(index + 1) has no name" : "the column '\(name)' appears twice")
        }
        let width = header.count
        for (recordLine, fields) in records.dropFirst() where fields.count != width {
            throw ValidationError(field: "line \(recordLine)", code: "csv_wrong_width", message: "line \(recordLine) has \(fields.count) fields where the header has \(width)")
        }
        rows = records.dropFirst().map { (line: $0.0, fields: $0.1) }
    }

    /// A row's values by column name.
    public func values(_ row: Int) -> [String: String] {
        Dictionary(uniqueKeysWithValues: zip(header, rows[row].fields))
    }
}
