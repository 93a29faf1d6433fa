import CRMCore
import Foundation

extension ActivityFields: APIResource {
    static let collection = "activities"
    static let inputFields: Set<String> = [
        "kind", "subject", "notes", "deal_id", "company_id", "contact_id", "lead_id", "due_at", "priority", "done", "direction",
        "duration_minutes", "outcome", "starts_at", "ends_at", "place", "attendee_ids",
    ]
    /// What an activity is stays what it was created as.
    static let updateFields: Set<String> = inputFields.subtracting(["kind"])
    static let listParameters: Set<String> = ["deal_id", "company_id", "contact_id", "lead_id", "kind", "done"]
    static var blank: ActivityFields { ActivityFields(kind: .note, subject: "") }

    mutating func apply(_ input: inout JSONInput, defaultCountryCode: String) {
        if let value = input.choice("kind", ActivityKind.self) { kind = value ?? .note }
        if let value = input.string("subject") { subject = value }
        if let value = input.string("notes") { notes = value }
        if let value = input.id("deal_id") { dealID = value.map { DealID($0) } }
        if let value = input.id("company_id") { companyID = value.map { CompanyID($0) } }
        if let value = input.id("contact_id") { contactID = value.map { ContactID($0) } }
        if let value = input.id("lead_id") { leadID = value.map { LeadID($0) } }
        if let value = input.choice("priority", TaskPriority.self) { priority = value ?? .normal }
        if let value = input.bool("done") { isDone = value }
        if let value = input.choice("direction", ActivityDirection.self) { direction = value }
        if let value = input.string("outcome") { outcome = value }
        if let value = input.string("place") { place = value }
        if let value = Self.time(&input, "due_at") { dueAt = value }
        if let value = Self.time(&input, "starts_at") { startsAt = value }
        if let value = Self.time(&input, "ends_at") { endsAt = value }
        switch input.object["duration_minutes"] {
        case nil: break
        case .null?: durationMinutes = nil
        case .int(let minutes)?: durationMinutes = Int(clamping: minutes)
        case let other?: input.fail("duration_minutes", "wrong_type", "must be a whole number of minutes, not \(other.typeName)")
        }
        if let value = input.array(
            "attendee_ids",
            { element, path throws(ValidationError) in
                guard case .int(let id) = element, id > 0 else {
                    throw ValidationError(field: path, code: "wrong_type", message: "must be a contact id")
                }
                return ContactID(id)
            }
        ) {
            attendees = value
        }
    }

    /// An ISO 8601 date-time; `.some(nil)` when the client sent `null`.
    private static func time(_ input: inout JSONInput, _ key: String) -> Timestamp?? {
        switch input.object[key] {
        case nil: return nil
        case .null?: return .some(nil)
        case .string(let text)?:
            guard let date = try? Date(text, strategy: .iso8601) else {
                input.fail(key, "invalid_datetime", "must be an ISO 8601 date-time such as 2026-11-23T14:30:00Z")
                return nil
            }
            return .some(Timestamp(date))
        case let other?:
            input.fail(key, "wrong_type", "must be an ISO 8601 date-time, not \(other.typeName)")
            return nil
        }
    }

    var json: [String: JSONValue] {
        [
            "kind": .string(kind.rawValue), "subject": .string(subject), "notes": .string(notes),
            "deal_id": .optional(dealID?.rawValue), "company_id": .optional(companyID?.rawValue), "contact_id": .optional(contactID?.rawValue),
            "lead_id": .optional(leadID?.rawValue), "due_at": .optional(dueAt?.iso8601), "priority": .string(priority.rawValue),
            "done": .bool(isDone), "done_at": .optional(doneAt?.iso8601),
            "direction": .optional(direction?.rawValue), "duration_minutes": .optional(durationMinutes.map(Int64.init)), "outcome": .string(outcome),
            "starts_at": .optional(startsAt?.iso8601), "ends_at": .optional(endsAt?.iso8601), "place": .string(place),
            "attendee_ids": .array(attendees.map { .int($0.rawValue) }),
        ]
    }

    static let csvColumns = [
        "kind", "subject", "deal_id", "company_id", "contact_id", "lead_id", "due_at", "done", "starts_at", "ends_at", "duration_minutes", "outcome",
        "notes",
    ]

    var csvValues: [String] {
        [
            kind.rawValue, subject, dealID?.description ?? "", companyID?.description ?? "", contactID?.description ?? "", leadID?.description ?? "",
            dueAt?.iso8601 ?? "", kind == .task ? String(isDone) : "", startsAt?.iso8601 ?? "", endsAt?.iso8601 ?? "",
            durationMinutes.map(String.init) ?? "", outcome, notes,
        ]
    }
}
