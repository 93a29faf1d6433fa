public import Foundation

/// When a process whose start event is a timer starts: once after a duration or at a date, or on a cycle
/// (`R3/PT1H`, `R/P1D`, or a Quartz cron text). Stored as its kind and text, so each start computes the next.
public enum TimerSchedule {
    /// The first start after `now` and the text the following ones are computed from; nil `every` means once.
    public static func first(_ spec: TimerSpec, after now: Timestamp) throws(ValidationError) -> (at: Timestamp, every: String?, remaining: Int?) {
        let unquote = { (text: String) in text.trimmingCharacters(in: CharacterSet(charactersIn: "\"' ")) }
        switch spec {
        case .duration(let text):
            return (try ISODuration(parsing: unquote(text)).after(now), nil, nil)
        case .date(let text):
            guard let date = try? Date(unquote(text), strategy: .iso8601) else {
                throw ValidationError(code: "invalid_timer", message: "'\(text)' is not an ISO 8601 date and time")
            }
            return (Timestamp(date), nil, nil)
        case .cycle(let text):
            let cycle = unquote(text)
            if cycle.hasPrefix("R") {
                let (repetitions, every) = try ISODuration.cycle(cycle)
                guard repetitions != 0 else { throw ValidationError(code: "invalid_timer", message: "'\(text)' repeats zero times") }
                return (every.after(now), cycle, repetitions.map { $0 - 1 })
            }
            let cron = try CronSchedule(parsing: cycle)
            guard let at = cron.next(after: now) else { throw ValidationError(code: "invalid_timer", message: "'\(text)' never fires") }
            return (at, cycle, nil)
        }
    }

    /// The start after `previous` on a cycle stored by `first`.
    public static func next(_ every: String, after previous: Timestamp) -> Timestamp? {
        if every.hasPrefix("R") { return (try? ISODuration.cycle(every))?.every.after(previous) }
        return (try? CronSchedule(parsing: every))?.next(after: previous)
    }
}
