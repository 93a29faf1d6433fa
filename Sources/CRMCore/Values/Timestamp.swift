public import Foundation

/// A point in time stored as whole milliseconds since 1970 UTC.
///
/// Both engines store it as a 64-bit integer, so ordering, comparison and period arithmetic behave the same on
/// SQLite and PostgreSQL, and no engine ever applies a server time zone behind our back.
public struct Timestamp: RawRepresentable, Hashable, Comparable, Codable, Sendable {
    public let rawValue: Int64

    public init(rawValue: Int64) { self.rawValue = rawValue }
    public init(_ date: Date) { self.rawValue = Int64((date.timeIntervalSince1970 * 1000).rounded(.down)) }
    public static var now: Timestamp { Timestamp(Date()) }

    public var date: Date { Date(timeIntervalSince1970: Double(rawValue) / 1000) }
    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }

    public func adding(seconds: Int64) -> Timestamp { Timestamp(rawValue: rawValue + seconds * 1000) }

    /// ISO 8601 with milliseconds in UTC, the form the API speaks.
    public var iso8601: String {
        date.formatted(.iso8601.year().month().day().time(includingFractionalSeconds: true).timeZone(separator: .omitted))
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let date = try? Date(text, strategy: .iso8601) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "not an ISO 8601 date-time")
        }
        self.init(date)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(iso8601)
    }
}

extension Timestamp {
    /// Reads a wall-clock time as an HTML `datetime-local` input sends it ("2026-11-23T14:30") in the user's zone.
    public init(localDateTime text: String, timeZone: TimeZone) throws(ValidationError) {
        let invalid = ValidationError(code: "invalid_datetime", message: "'\(text)' is not a date and time")
        let parts = text.split(separator: "T")
        guard parts.count == 2 else { throw invalid }
        let day = try CalendarDate(parsing: String(parts[0]))
        let clock = parts[1].split(separator: ":").compactMap { Int($0) }
        guard clock.count >= 2, (0...23).contains(clock[0]), (0...59).contains(clock[1]) else { throw invalid }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        guard let date = calendar.date(from: DateComponents(year: day.year, month: day.month, day: day.day, hour: clock[0], minute: clock[1])) else {
            throw invalid
        }
        self.init(date)
    }

    /// The value for an HTML `datetime-local` input in the user's zone.
    public func localDateTime(in timeZone: TimeZone) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: date)
        func two(_ value: Int?) -> String {
            let value = value ?? 0
            return value < 10 ? "0\(value)" : String(value)
        }
        return "\(parts.year ?? 1970)-\(two(parts.month))-\(two(parts.day))T\(two(parts.hour)):\(two(parts.minute))"
    }
}
