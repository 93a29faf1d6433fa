import CRMCore
import Foundation

extension ActivityFields: PageResource {
    static let pageKey = "activity"
    var title: String { subject.isEmpty ? String(notes.prefix(60)) : subject }

    mutating func apply(form: FormInput, context: FormContext) -> [ValidationError] {
        var errors: [ValidationError] = []
        if let value = ActivityKind(rawValue: form["kind"]) { kind = value }
        subject = form["subject"]
        notes = form["notes"]
        priority = TaskPriority(rawValue: form["priority"]) ?? .normal
        isDone = form["done"] == "on"
        direction = ActivityDirection(rawValue: form["direction"])
        outcome = form["outcome"]
        place = form["place"]
        durationMinutes = Int(form["duration_minutes"])
        dealID = Int64(form["deal_id"]).map { DealID($0) }
        companyID = Int64(form["company_id"]).map { CompanyID($0) }
        contactID = Int64(form["contact_id"]).map { ContactID($0) }
        leadID = Int64(form["lead_id"]).map { LeadID($0) }
        func time(_ key: String) -> Timestamp? {
            guard !form[key].isEmpty else { return nil }
            do { return try Timestamp(localDateTime: form[key], timeZone: context.timeZone) } catch {
                errors.append(error.at(key))
                return nil
            }
        }
        dueAt = time("due_at")
        startsAt = time("starts_at")
        endsAt = time("ends_at")
        return errors
    }

    var formValues: [String: Any] {
        [
            "subject": subject, "notes": notes, "outcome": outcome, "place": place, "done": isDone,
            "duration_minutes": durationMinutes.map(String.init) ?? "",
            "deal_id": dealID?.description ?? "", "company_id": companyID?.description ?? "", "contact_id": contactID?.description ?? "", "lead_id": leadID?.description ?? "",
            // Each choice says which it is under every name, so the template's label for another is never looked up further out.
            "kinds": ActivityKind.allCases.map { choice in Self.flags(choice, of: ActivityKind.allCases).merging(["value": choice.rawValue, "selected": choice == kind]) { $1 } },
            "priorities": TaskPriority.allCases.map { choice in Self.flags(choice, of: TaskPriority.allCases).merging(["value": choice.rawValue, "selected": choice == priority]) { $1 } },
            "directions": ActivityDirection.allCases.map { choice in Self.flags(choice, of: ActivityDirection.allCases).merging(["value": choice.rawValue, "selected": choice == direction]) { $1 } },
            "is_task": kind == .task, "is_call": kind == .call, "is_email": kind == .email, "is_meeting": kind == .meeting,
        ]
    }

    private static func flags<Choice: RawRepresentable<String> & Equatable>(_ choice: Choice, of all: [Choice]) -> [String: Any] {
        Dictionary(uniqueKeysWithValues: all.map { ($0.rawValue, $0 == choice) })
    }

    var listColumns: [String: Any] {
        ["kind": kind.rawValue, "done": isDone, "open_task": kind == .task && !isDone, "tags": [String]()]
    }
}
