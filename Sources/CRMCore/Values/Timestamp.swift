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
