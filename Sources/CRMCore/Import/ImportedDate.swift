public import Foundation

/// Dates as other programs write them into files: ISO days, days as our users write them (`01.03.2017`,
/// Hungarian `2017.03.01.`), and times with or without a zone (`2024-01-22T16:14:25.000+0000` from Salesforce,
/// `2017-03-01 09:30`).
public enum ImportedDate {
    /// A day; nil when the text is not one.
    public static func day(_ text: String) -> CalendarDate? {
        let text = text.trimmingWhitespace()
        if let day = try? CalendarDate(parsing: text) { return day }
        let parts = text.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        let numbers = (parts.last == "" ? parts.dropLast() : parts[...]).compactMap { Int($0) }
        guard numbers.count == 3, parts.count <= 4 else { return nil }
        if parts[0].count == 4 { return try? CalendarDate(year: numbers[0], month: numbers[1], day: numbers[2]) }
        if parts[2].count == 4 { return try? CalendarDate(year: numbers[2], month: numbers[1], day: numbers[0]) }
        return nil
    }

    /// An instant: a day is its midnight in `zone`, a time without a zone is read in `zone`.
    public static func time(_ text: String, in zone: TimeZone) -> Timestamp? {
        let text = text.trimmingWhitespace()
        if let day = day(text) { return day.start(in: zone) }
        let normalised = text.replacingOccurrences(of: " ", with: "T")
        guard normalised.count >= 16, let dayPart = day(String(normalised.prefix(10))), normalised.dropFirst(10).first == "T" else { return nil }
        var rest = normalised.dropFirst(11)
        // The zone: Z, ±HH:MM, ±HHMM or ±HH at the end; none means the file's zone.
        var offset: Int?
        if rest.hasSuffix("Z") {
            offset = 0
            rest = rest.dropLast()
        } else if let sign = rest.lastIndex(where: { $0 == "+" || $0 == "-" }) {
            let digits = rest[rest.index(after: sign)...].filter { $0 != ":" }
            guard digits.count == 4 || digits.count == 2, let hours = Int(digits.prefix(2)),
                let minutes = Int(digits.dropFirst(2).isEmpty ? "0" : String(digits.dropFirst(2))),
                hours <= 14, minutes < 60
            else { return nil }
            offset = (hours * 60 + minutes) * 60 * (rest[sign] == "-" ? -1 : 1)
            rest = rest[..<sign]
        }
        let clock = rest.split(separator: ":", omittingEmptySubsequences: false)
        guard (2...3).contains(clock.count), clock[0].count == 2, clock[1].count == 2, let hour = Int(clock[0]), let minute = Int(clock[1]),
            hour < 24, minute < 60
        else { return nil }
        var milliseconds = 0
        if clock.count == 3 {
            let seconds = clock[2].split(separator: ".", omittingEmptySubsequences: false)
            guard seconds[0].count == 2, let whole = Int(seconds[0]), whole < 61, seconds.count <= 2 else { return nil }
            milliseconds = whole * 1000
            if seconds.count == 2 {
                guard !seconds[1].isEmpty, seconds[1].allSatisfy(\.isASCII),
                    let fraction = Int(seconds[1].prefix(3).padding(toLength: 3, withPad: "0", startingAt: 0))
                else { return nil }
                milliseconds += fraction
            }
        }
        let local = Int64(hour * 3600 + minute * 60) * 1000 + Int64(milliseconds)
        if let offset {
            return Timestamp(rawValue: dayPart.start(in: TimeZone(identifier: "UTC")!).rawValue + local - Int64(offset) * 1000)
        }
        // In the file's zone: the wall-clock time on that day, whatever the day's length.
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let components = DateComponents(
            year: dayPart.year,
            month: dayPart.month,
            day: dayPart.day,
            hour: hour,
            minute: minute,
            second: milliseconds / 1000
        )
        return calendar.date(from: components).map { Timestamp(rawValue: Timestamp($0).rawValue + Int64(milliseconds % 1000)) }
    }
}
