import Foundation

/// A Quartz-style cron text as Camunda writes timer cycles: `seconds minutes hours day-of-month month
/// day-of-week [year]`, each `*`, `?`, a number, a list `a,b`, a range `a-b` or a step `a/b` (`*/b`). Days of the
/// week run 1 (Sunday) to 7, or SUN–SAT. Times are in UTC.
public struct CronSchedule: Sendable, Equatable {
    let seconds, minutes, hours, days, months, weekdays: Set<Int>
    let dayIsFree, weekdayIsFree: Bool

    public init(parsing text: String) throws(ValidationError) {
        let fields = text.split(whereSeparator: \.isWhitespace).map(String.init)
        guard fields.count == 6 || fields.count == 7 else {
            throw ValidationError(code: "invalid_cron", message: "'\(text)' is not a cron cycle (seconds minutes hours day month weekday)")
        }
        let names = [
            "SUN": 1, "MON": 2, "TUE": 3, "WED": 4, "THU": 5, "FRI": 6, "SAT": 7, "JAN": 1, "FEB": 2, "MAR": 3, "APR": 4, "MAY": 5, "JUN": 6,
            "JUL": 7, "AUG": 8, "SEP": 9, "OCT": 10, "NOV": 11, "DEC": 12,
        ]
        func field(_ raw: String, _ range: ClosedRange<Int>) throws(ValidationError) -> Set<Int> {
            var values = Set<Int>()
            for part in raw.uppercased().split(separator: ",") {
                let pieces = part.split(separator: "/", maxSplits: 1).map(String.init)
                let step = pieces.count == 2 ? Int(pieces[1]) : 1
                var low = range.lowerBound
                var high = range.upperBound
                if pieces[0] != "*" && pieces[0] != "?" {
                    let bounds = pieces[0].split(separator: "-").map { names[String($0)] ?? Int($0) }
                    guard let first = bounds.first ?? nil, bounds.allSatisfy({ $0 != nil }) else {
                        throw ValidationError(code: "invalid_cron", message: "'\(raw)' in '\(text)' is not a cron field")
                    }
                    low = first
                    high = bounds.count == 2 ? bounds[1]! : (pieces.count == 2 ? range.upperBound : first)
                }
                guard let step, step > 0, range.contains(low), range.contains(high), low <= high else {
                    throw ValidationError(code: "invalid_cron", message: "'\(raw)' in '\(text)' is out of range \(range)")
                }
                values.formUnion(stride(from: low, through: high, by: step))
            }
            return values
        }
        seconds = try field(fields[0], 0...59)
        minutes = try field(fields[1], 0...59)
        hours = try field(fields[2], 0...23)
        days = try field(fields[3], 1...31)
        months = try field(fields[4], 1...12)
        weekdays = try field(fields[5], 1...7)
        dayIsFree = fields[3] == "?" || fields[3] == "*"
        weekdayIsFree = fields[5] == "?" || fields[5] == "*"
    }

    /// The first moment strictly after `after` that the schedule names, within five years.
    public func next(after: Timestamp) -> Timestamp? {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let start = Date(timeIntervalSince1970: floor(Double(after.rawValue) / 1000) + 1)
        var day = calendar.startOfDay(for: start)
        for _ in 0..<(366 * 5) {
            let parts = calendar.dateComponents([.day, .month, .weekday], from: day)
            let dayMatches = dayIsFree || days.contains(parts.day!)
            let weekdayMatches = weekdayIsFree || weekdays.contains(parts.weekday!)
            if months.contains(parts.month!) && dayMatches && weekdayMatches {
                for hour in hours.sorted() {
                    for minute in minutes.sorted() {
                        for second in seconds.sorted() {
                            let moment = day.addingTimeInterval(Double(hour * 3600 + minute * 60 + second))
                            if moment >= start { return Timestamp(moment) }
                        }
                    }
                }
            }
            day = calendar.date(byAdding: .day, value: 1, to: day)!
        }
        return nil
    }
}
