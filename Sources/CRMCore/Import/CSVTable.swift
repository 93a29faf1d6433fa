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

    /// - Parameter limit: read no further than this many rows after the header (a sample of a big file).
    public init(text: String, limit: Int? = nil) throws(ValidationError) {
        // Read as UTF-8 bytes: every byte that matters (quotes, separators, line ends) is ASCII, and a file of
        // hundreds of thousands of rows is read in a fraction of the time walking its characters takes.
        var bytes = Array(text.utf8)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        if let nul = bytes.firstIndex(of: 0) {
            let line = bytes[..<nul].count { $0 == 0x0A } + 1
            throw ValidationError(
                field: "line \(line)",
                code: "csv_binary",
                message: "line \(line) holds a NUL character: this is not a text file, or not UTF-8 (it may be UTF-16)"
            )
        }
        let quote: UInt8 = 0x22
        let newline: UInt8 = 0x0A
        let carriage: UInt8 = 0x0D
        let firstLine = bytes.prefix { $0 != newline && $0 != carriage }
        var separator: UInt8 = 0x2C
        var most = -1
        for candidate: UInt8 in [0x2C, 0x3B, 0x09] {
            let count = firstLine.count { $0 == candidate }
            if count > most { (separator, most) = (candidate, count) }
        }
        var records: [(Int, [String])] = []
        var field: [UInt8] = []
        var fields: [String] = []
        var line = 1
        var recordLine = 1
        var quoted = false
        var afterQuote = false
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            index += 1
            if quoted {
                if byte == quote {
                    quoted = false
                    afterQuote = true
                } else {
                    if byte == newline { line += 1 }
                    field.append(byte)
                }
                continue
            }
            switch byte {
            case quote:
                if afterQuote {
                    field.append(quote)
                } else if !field.isEmpty {
                    // A quote inside an unquoted field (`ООО "Ромашка"`) is text, as spreadsheet programs read it.
                    field.append(quote)
                    continue
                }
                quoted = true
                afterQuote = false
            case separator:
                fields.append(String(decoding: field, as: UTF8.self))
                field.removeAll(keepingCapacity: true)
                afterQuote = false
            case newline, carriage:
                if byte == carriage, index < bytes.count, bytes[index] == newline { index += 1 }
                fields.append(String(decoding: field, as: UTF8.self))
                records.append((recordLine, fields))
                fields = []
                field.removeAll(keepingCapacity: true)
                afterQuote = false
                line += 1
                recordLine = line
                if let limit, records.count > limit { index = bytes.count }
            default:
                if afterQuote {
                    throw ValidationError(field: "line \(line)", code: "csv_text_after_quote", message: "line \(line): text after a closing quote")
                }
                field.append(byte)
            }
        }
        if quoted {
            throw ValidationError(
                field: "line \(recordLine)",
                code: "csv_unclosed_quote",
                message: "line \(recordLine): a quoted field is never closed; the file may be cut short"
            )
        }
        if !field.isEmpty || !fields.isEmpty {
            fields.append(String(decoding: field, as: UTF8.self))
            records.append((recordLine, fields))
        }
        records.removeAll { $0.1 == [""] }
        guard let first = records.first else { throw ValidationError(code: "csv_empty", message: "the file has no header row") }
        header = first.1.map { $0.trimmingWhitespace() }
        for (index, name) in header.enumerated() where name.isEmpty || header[..<index].contains(name) {
            throw ValidationError(
                field: "header",
                code: "csv_bad_header",
                message: name.isEmpty ? "column \(index + 1) has no name" : "the column '\(name)' appears twice"
            )
        }
        let width = header.count
        for (recordLine, fields) in records.dropFirst() where fields.count != width {
            throw ValidationError(
                field: "line \(recordLine)",
                code: "csv_wrong_width",
                message: "line \(recordLine) has \(fields.count) fields where the header has \(width)"
            )
        }
        rows = records.dropFirst().map { (line: $0.0, fields: $0.1) }
    }

    /// A row's values by column name.
    public func values(_ row: Int) -> [String: String] {
        Dictionary(uniqueKeysWithValues: zip(header, rows[row].fields))
    }
}
