import Foundation

/// An ISO 8601 duration as timers are written: `PT5M`, `P2D`, `P1M`, `PT0.5S`, `P1W`; a cycle is
/// `R3/PT10M` (three repetitions) or `R/PT1H` (no end).
public struct ISODuration: Sendable, Equatable {
    public var months: Int
    public var days: Int
    public var seconds: Double

    public init(parsing raw: String) throws(ValidationError) {
        let text = raw.trimmingCharacters(in: CharacterSet(charactersIn: "\"' ")).uppercased()
        let invalid = ValidationError(code: "invalid_duration", message: "'\(raw)' is not an ISO 8601 duration (like PT5M or P2D)")
        guard text.hasPrefix("P"), text.count > 1 else { throw invalid }
        var months = 0
        var days = 0
        var seconds = 0.0
        var number = ""
        var inTime = false
        for character in text.dropFirst() {
            if character.isNumber || character == "." || character == "," {
                number.append(character == "," ? "." : character)
                continue
            }
            if character == "T" {
                guard number.isEmpty, !inTime else { throw invalid }
                inTime = true
                continue
            }
            guard let value = Double(number) else { throw invalid }
            number = ""
            switch (inTime, character) {
            case (false, "Y"): months += Int(value) * 12
            case (false, "M"): months += Int(value)
            case (false, "W"): days += Int(value) * 7
            case (false, "D"): days += Int(value)
            case (true, "H"): seconds += value * 3600
            case (true, "M"): seconds += value * 60
            case (true, "S"): seconds += value
            default: throw invalid
            }
        }
        guard number.isEmpty, text != "PT" else { throw invalid }
        self.months = months
        self.days = days
        self.seconds = seconds
    }

    /// The moment this long after `start`; months and days follow the calendar (UTC).
    public func after(_ start: Timestamp) -> Timestamp {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        var date = start.date
        if months != 0 { date = calendar.date(byAdding: .month, value: months, to: date) ?? date }
        if days != 0 { date = calendar.date(byAdding: .day, value: days, to: date) ?? date }
        return Timestamp(rawValue: Timestamp(date).rawValue + Int64((seconds * 1000).rounded()))
    }

    /// Reads a cycle `R<n>/<duration>`: how many times (nil: forever) and how often.
    public static func cycle(_ raw: String) throws(ValidationError) -> (repetitions: Int?, every: ISODuration) {
        let text = raw.trimmingCharacters(in: CharacterSet(charactersIn: "\"' "))
        let parts = text.split(separator: "/")
        guard parts.count == 2, parts[0].hasPrefix("R") else {
            throw ValidationError(code: "invalid_cycle", message: "'\(raw)' is not a cycle like R3/PT10M")
        }
        let count = parts[0].dropFirst()
        guard count.isEmpty || Int(count) != nil else {
            throw ValidationError(code: "invalid_cycle", message: "'\(raw)' is not a cycle like R3/PT10M")
        }
        return (count.isEmpty ? nil : Int(count), try ISODuration(parsing: String(parts[1])))
    }
}
