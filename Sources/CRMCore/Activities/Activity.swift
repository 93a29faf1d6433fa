public import Foundation

/// Something done or to be done with a customer: a task, a call, an e-mail, a meeting or a note, linked to any of a
/// deal, a company, a contact and a lead. A task belongs to whoever must do it: its owner is its assignee.
public typealias Activity = Record<ActivityFields>
public typealias ActivityID = ID<Activity>

public enum ActivityKind: String, Codable, Sendable, CaseIterable {
    case task, call, email, meeting, note
}

public enum TaskPriority: String, Codable, Sendable, CaseIterable {
    case low, normal, high
}

/// Which way a call or an e-mail went: from the customer to us (inbound) or from us to them.
public enum ActivityDirection: String, Codable, Sendable, CaseIterable {
    case inbound, outbound
}

public struct ActivityFields: Codable, Sendable, Equatable {
    public var kind: ActivityKind
    public var subject: String
    public var notes: String
    public var dealID: DealID?
    public var companyID: CompanyID?
    public var contactID: ContactID?
    /// The lead it was done with, kept when the lead becomes a customer (conversion adds the customer's records).
    public var leadID: LeadID?
    /// Tasks: when it is due, its priority, and whether it is done.
    public var dueAt: Timestamp?
    public var priority: TaskPriority
    public var isDone: Bool
    public var doneAt: Timestamp?
    /// Calls and e-mails.
    public var direction: ActivityDirection?
    public var durationMinutes: Int?
    public var outcome: String
    /// Meetings.
    public var startsAt: Timestamp?
    public var endsAt: Timestamp?
    public var place: String
    public var attendees: [ContactID]

    public init(
        kind: ActivityKind,
        subject: String,
        notes: String = "",
        dealID: DealID? = nil,
        companyID: CompanyID? = nil,
        contactID: ContactID? = nil,
        leadID: LeadID? = nil,
        dueAt: Timestamp? = nil,
        priority: TaskPriority = .normal,
        isDone: Bool = false,
        doneAt: Timestamp? = nil,
        direction: ActivityDirection? = nil,
        durationMinutes: Int? = nil,
        outcome: String = "",
        startsAt: Timestamp? = nil,
        endsAt: Timestamp? = nil,
        place: String = "",
        attendees: [ContactID] = []
    ) {
        self.kind = kind
        self.subject = subject
        self.notes = notes
        self.dealID = dealID
        self.companyID = companyID
        self.contactID = contactID
        self.leadID = leadID
        self.dueAt = dueAt
        self.priority = priority
        self.isDone = isDone
        self.doneAt = doneAt
        self.direction = direction
        self.durationMinutes = durationMinutes
        self.outcome = outcome
        self.startsAt = startsAt
        self.endsAt = endsAt
        self.place = place
        self.attendees = attendees
    }

    /// When the activity happens, for ordering timelines and "My day": a task's due time, a meeting's start.
    public var happensAt: Timestamp? {
        switch kind {
        case .task: dueAt
        case .meeting: startsAt
        case .call, .email, .note: nil
        }
    }

    public func validated() throws(ValidationErrors) -> ActivityFields {
        var copy = self
        var errors: [ValidationError] = []
        copy.subject = subject.trimmingWhitespace()
        copy.notes = notes.trimmingWhitespace()
        copy.outcome = outcome.trimmingWhitespace()
        copy.place = place.trimmingWhitespace()
        if copy.subject.isEmpty && (kind != .note || copy.notes.isEmpty) {
            errors.append(ValidationError(field: "subject", code: "required", message: "an activity needs a subject"))
        }
        errors += FieldRules.maxLength(["subject": copy.subject, "outcome": copy.outcome, "place": copy.place], 200)
        if copy.notes.count > 20_000 { errors.append(ValidationError(field: "notes", code: "too_long", message: "at most 20,000 characters")) }
        switch kind {
        case .task:
            if isDone, copy.doneAt == nil { copy.doneAt = .now }
            if !isDone { copy.doneAt = nil }
        case .call:
            if let minutes = durationMinutes, !(0...1440).contains(minutes) {
                errors.append(ValidationError(field: "duration_minutes", code: "out_of_range", message: "a call lasts 0 to 1440 minutes"))
            }
            if direction == nil { copy.direction = .outbound }
        case .email:
            if direction == nil { copy.direction = .outbound }
        case .meeting:
            guard let starts = startsAt else {
                errors.append(ValidationError(field: "starts_at", code: "required", message: "a meeting needs a start"))
                break
            }
            if let ends = endsAt, ends < starts {
                errors.append(ValidationError(field: "ends_at", code: "before_start", message: "a meeting cannot end before it starts"))
            }
        case .note:
            break
        }
        guard errors.isEmpty else { throw ValidationErrors(errors) }
        return copy
    }

    public var auditValues: [String: String] {
        [
            "kind": kind.rawValue, "subject": subject, "notes": notes, "deal_id": dealID?.description ?? "",
            "company_id": companyID?.description ?? "", "contact_id": contactID?.description ?? "",
            "lead_id": leadID?.description ?? "", "due_at": dueAt?.iso8601 ?? "", "priority": kind == .task ? priority.rawValue : "",
            "done": kind == .task ? String(isDone) : "",
            "direction": direction?.rawValue ?? "", "duration_minutes": durationMinutes.map(String.init) ?? "", "outcome": outcome,
            "starts_at": startsAt?.iso8601 ?? "", "ends_at": endsAt?.iso8601 ?? "", "place": place,
            "attendees": attendees.map(\.description).joined(separator: ", "),
        ]
    }

    public var searchText: String { TextFolding.fold([subject, notes, outcome, place].joined(separator: " ")) }
}

/// The start and end of a calendar day in a time zone, for "today" as the user lives it.
public struct DayRange: Sendable, Equatable {
    public let start: Timestamp
    public let end: Timestamp

    public init(containing moment: Timestamp, timeZone: TimeZone) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let start = calendar.startOfDay(for: moment.date)
        let end = calendar.date(byAdding: .day, value: 1, to: start) ?? start.addingTimeInterval(86_400)
        self.start = Timestamp(start)
        self.end = Timestamp(end)
    }
}
