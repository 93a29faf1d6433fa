public import Foundation

/// An iCalendar object (RFC 5545) written for calendar apps to subscribe to: events and to-dos with UTC times,
/// escaped text and folded lines. Knows nothing of the CRM.
public struct ICalendarDocument: Sendable {
    public var productID: String
    public var name: String
    public var events: [Event] = []
    public var todos: [Todo] = []

    public init(productID: String, name: String) {
        self.productID = productID
        self.name = name
    }

    public struct Event: Sendable {
        public var uid: String
        /// Raised on every change, so clients replace their copy (RFC 5545 3.8.7.4).
        public var sequence: Int
        public var stamp: Date
        public var start: Date
        public var end: Date
        public var summary: String
        public var description: String = ""
        public var location: String = ""
        public var url: String = ""
        public var cancelled = false

        public init(uid: String, sequence: Int, stamp: Date, start: Date, end: Date, summary: String) {
            self.uid = uid
            self.sequence = sequence
            self.stamp = stamp
            self.start = start
            self.end = end
            self.summary = summary
        }
    }

    public struct Todo: Sendable {
        public var uid: String
        public var sequence: Int
        public var stamp: Date
        public var due: Date
        public var summary: String
        public var description: String = ""
        public var url: String = ""
        public var completed: Date?
        /// 1 (highest) to 9; 0 for none.
        public var priority = 0
        public var cancelled = false

        public init(uid: String, sequence: Int, stamp: Date, due: Date, summary: String) {
            self.uid = uid
            self.sequence = sequence
            self.stamp = stamp
            self.due = due
            self.summary = summary
        }
    }

    /// The document as text: CRLF line ends, lines folded at 75 octets without splitting a character.
    public var text: String {
        var lines = [
            "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:\(productID)", "CALSCALE:GREGORIAN", "METHOD:PUBLISH", "X-WR-CALNAME:\(Self.escape(name))",
        ]
        for event in events {
            lines += [
                "BEGIN:VEVENT", "UID:\(Self.escape(event.uid))", "SEQUENCE:\(event.sequence)", "DTSTAMP:\(Self.utc(event.stamp))",
                "DTSTART:\(Self.utc(event.start))", "DTEND:\(Self.utc(max(event.end, event.start)))", "SUMMARY:\(Self.escape(event.summary))",
            ]
            if !event.description.isEmpty { lines.append("DESCRIPTION:\(Self.escape(event.description))") }
            if !event.location.isEmpty { lines.append("LOCATION:\(Self.escape(event.location))") }
            if !event.url.isEmpty { lines.append("URL:\(event.url)") }
            lines.append("STATUS:\(event.cancelled ? "CANCELLED" : "CONFIRMED")")
            lines.append("END:VEVENT")
        }
        for todo in todos {
            lines += [
                "BEGIN:VTODO", "UID:\(Self.escape(todo.uid))", "SEQUENCE:\(todo.sequence)", "DTSTAMP:\(Self.utc(todo.stamp))",
                "DUE:\(Self.utc(todo.due))", "SUMMARY:\(Self.escape(todo.summary))",
            ]
            if !todo.description.isEmpty { lines.append("DESCRIPTION:\(Self.escape(todo.description))") }
            if !todo.url.isEmpty { lines.append("URL:\(todo.url)") }
            if todo.priority > 0 { lines.append("PRIORITY:\(todo.priority)") }
            if todo.cancelled {
                lines.append("STATUS:CANCELLED")
            } else if let completed = todo.completed {
                lines += ["STATUS:COMPLETED", "COMPLETED:\(Self.utc(completed))", "PERCENT-COMPLETE:100"]
            } else {
                lines.append("STATUS:NEEDS-ACTION")
            }
            lines.append("END:VTODO")
        }
        lines.append("END:VCALENDAR")
        return lines.map(Self.fold).joined(separator: "\r\n") + "\r\n"
    }

    /// `20270112T133000Z`.
    static func utc(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        func two(_ n: Int?) -> String {
            let n = n ?? 0
            return n < 10 ? "0\(n)" : "\(n)"
        }
        let year = String(c.year ?? 1970)
        return String(repeating: "0", count: max(0, 4 - year.count)) + year + two(c.month) + two(c.day) + "T" + two(c.hour) + two(c.minute)
            + two(c.second) + "Z"
    }

    /// TEXT values escape backslash, semicolon, comma and line breaks (RFC 5545 3.3.11).
    static func escape(_ text: String) -> String {
        var out = ""
        for character in text {
            switch character {
            case "\\": out += "\\\\"
            case ";": out += "\\;"
            case ",": out += "\\,"
            case "\n", "\r\n": out += "\\n"
            case "\r": continue
            default:
                // Control characters are not allowed in TEXT.
                if character.unicodeScalars.allSatisfy({ $0.value < 0x20 && $0 != "\t" }) { continue }
                out.append(character)
            }
        }
        return out
    }

    /// Lines longer than 75 octets continue on the next line after a space (RFC 5545 3.1), cut between characters.
    static func fold(_ line: String) -> String {
        guard line.utf8.count > 75 else { return line }
        var parts: [String] = []
        var current = ""
        var size = 0
        for character in line {
            let length = String(character).utf8.count
            let limit = parts.isEmpty ? 75 : 74
            if size + length > limit {
                parts.append(current)
                current = ""
                size = 0
            }
            current.append(character)
            size += length
        }
        parts.append(current)
        return parts.joined(separator: "\r\n ")
    }
}
