/// What a catching event waits for.
public enum EventTrigger: Sendable, Equatable {
    case none
    case timer(TimerSpec)
    /// A message by name (the root `message` element's name, or its id when unnamed).
    case message(String)
    case signal(String)
    /// An error by code; nil catches every error.
    case error(String?)
    case escalation(String?)
}

/// What a throwing or end event does.
public enum EventResult: Sendable, Equatable {
    case none
    case terminate
    case message(String)
    case signal(String)
    case error(String?)
    case escalation(String?)
}

/// A timer as written: ISO 8601 duration ("PT5M"), date, or cycle ("R3/PT10M", or a cron text).
public enum TimerSpec: Sendable, Equatable {
    case duration(String)
    case date(String)
    case cycle(String)
}
