public import Foundation

/// The calendar unit a report or a plan is cut into.
public enum PeriodUnit: String, Codable, Sendable, CaseIterable {
    case week, month, quarter, year
}

/// A span of whole days, `from` inclusive and `to` exclusive, so periods of a unit tile time without overlap.
public struct ReportPeriod: Codable, Sendable, Hashable, CustomStringConvertible {
    public let from: CalendarDate
    public let to: CalendarDate

    public init(from: CalendarDate, to: CalendarDate) throws(ValidationError) {
        guard from < to else {
            throw ValidationError(field: "to", code: "empty_period", message: "the period must end after it starts (\(from) to \(to))")
        }
        self.from = from
        self.to = to
    }

    /// The week (from Monday), month, quarter or year that holds `date`.
    public static func containing(_ date: CalendarDate, unit: PeriodUnit) -> ReportPeriod {
        let start: CalendarDate
        switch unit {
        case .week: start = date.adding(days: -((date.weekday + 5) % 7))
        case .month: start = CalendarDate(unchecked: date.year, date.month, 1)
        case .quarter: start = CalendarDate(unchecked: date.year, (date.month - 1) / 3 * 3 + 1, 1)
        case .year: start = CalendarDate(unchecked: date.year, 1, 1)
        }
        return ReportPeriod(unchecked: start, start.advanced(by: unit))
    }

    /// The consecutive periods of `unit` that cover this one (the last may run past its end).
    public func split(by unit: PeriodUnit) -> [ReportPeriod] {
        var result: [ReportPeriod] = []
        var current = ReportPeriod.containing(from, unit: unit)
        while current.from < to, result.count < 520 {
            result.append(current)
            current = ReportPeriod(unchecked: current.to, current.to.advanced(by: unit))
        }
        return result
    }

    /// The calendar unit this period is exactly, if it is one.
    public var unit: PeriodUnit? {
        PeriodUnit.allCases.first { ReportPeriod.containing(from, unit: $0) == self }
    }

    /// The period just before this one, for "compared with last period": the previous month for a month,
    /// otherwise as many days before.
    public var previous: ReportPeriod {
        if let unit { return ReportPeriod.containing(from.adding(days: -1), unit: unit) }
        let days = from.days(until: to)
        return ReportPeriod(unchecked: from.adding(days: -days), from)
    }

    public func contains(_ date: CalendarDate) -> Bool { from <= date && date < to }

    /// The period's bounds as instants where the reader lives: a month in Warsaw starts an hour before it does in London.
    public func bounds(in timeZone: TimeZone) -> (from: Timestamp, to: Timestamp) {
        (from.start(in: timeZone), to.start(in: timeZone))
    }

    public var description: String { "\(from)..\(to)" }

    private init(unchecked from: CalendarDate, _ to: CalendarDate) {
        self.from = from
        self.to = to
    }
}

extension CalendarDate {
    /// Only for values computed from valid dates.
    init(unchecked year: Int, _ month: Int, _ day: Int) {
        // Callers pass day 1 or a date shifted by the calendar, which are always valid.
        self = (try? CalendarDate(year: year, month: month, day: day)) ?? CalendarDate.epoch
    }

    static let epoch = try! CalendarDate(year: 1970, month: 1, day: 1)

    private static let utc: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar
    }()

    private var components: DateComponents { DateComponents(year: year, month: month, day: day) }

    /// The date `days` later (earlier when negative).
    public func adding(days: Int) -> CalendarDate {
        let date = Self.utc.date(byAdding: .day, value: days, to: Self.utc.date(from: components)!)!
        let parts = Self.utc.dateComponents([.year, .month, .day], from: date)
        return CalendarDate(unchecked: parts.year!, parts.month!, parts.day!)
    }

    func advanced(by unit: PeriodUnit) -> CalendarDate {
        switch unit {
        case .week: return adding(days: 7)
        case .month: return month == 12 ? CalendarDate(unchecked: year + 1, 1, 1) : CalendarDate(unchecked: year, month + 1, 1)
        case .quarter: return month >= 10 ? CalendarDate(unchecked: year + 1, month - 9, 1) : CalendarDate(unchecked: year, month + 3, 1)
        case .year: return CalendarDate(unchecked: year + 1, month, 1)
        }
    }

    /// 1 for Sunday through 7 for Saturday, as `Calendar` counts.
    var weekday: Int { Self.utc.component(.weekday, from: Self.utc.date(from: components)!) }

    public func days(until other: CalendarDate) -> Int {
        Self.utc.dateComponents([.day], from: Self.utc.date(from: components)!, to: Self.utc.date(from: other.components)!).day!
    }

    /// Midnight at the start of this day in `timeZone`.
    public func start(in timeZone: TimeZone) -> Timestamp {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        return Timestamp(calendar.date(from: components)!)
    }

    /// The day an instant falls on in `timeZone`.
    public init(_ timestamp: Timestamp, in timeZone: TimeZone) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let parts = calendar.dateComponents([.year, .month, .day], from: timestamp.date)
        self.init(unchecked: parts.year!, parts.month!, parts.day!)
    }
}
