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
        if form["duration_minutes"].isEmpty {
            durationMinutes = nil
        } else if let minutes = Int(form["duration_minutes"]) {
            durationMinutes = minutes
        } else {
            errors.append(
                ValidationError(
                    field: "duration_minutes",
                    code: "invalid_number",
                    message: "'\(form["duration_minutes"])' is not a whole number of minutes"
                )
            )
        }
        dealID = Int64(form["deal_id"]).map { DealID($0) }
        companyID = Int64(form["company_id"]).map { CompanyID($0) }
        contactID = Int64(form["contact_id"]).map { ContactID($0) }
        leadID = Int64(form["lead_id"]).map { LeadID($0) }
        dueAt = FormFields.time(form, "due_at", keeping: dueAt, context: context, errors: &errors)
        startsAt = FormFields.time(form, "starts_at", keeping: startsAt, context: context, errors: &errors)
        endsAt = FormFields.time(form, "ends_at", keeping: endsAt, context: context, errors: &errors)
        return errors
    }

    func formValues(_ context: FormContext) -> [String: Any] {
        [
            "subject": subject, "notes": notes, "outcome": outcome, "place": place, "done": isDone,
            "duration_minutes": durationMinutes.map(String.init) ?? "",
            "due_at": dueAt?.localDateTime(in: context.timeZone) ?? "", "starts_at": startsAt?.localDateTime(in: context.timeZone) ?? "",
            "ends_at": endsAt?.localDateTime(in: context.timeZone) ?? "",
            "deal_id": dealID?.description ?? "", "company_id": companyID?.description ?? "", "contact_id": contactID?.description ?? "",
            "lead_id": leadID?.description ?? "",
            // Each choice says which it is under every name, so the template's label for another is never looked up further out.
            "kinds": ActivityKind.allCases.map { choice in
                Self.flags(choice, of: ActivityKind.allCases).merging(["value": choice.rawValue, "selected": choice == kind]) { $1 }
            },
            "priorities": TaskPriority.allCases.map { choice in
                Self.flags(choice, of: TaskPriority.allCases).merging(["value": choice.rawValue, "selected": choice == priority]) { $1 }
            },
            "directions": ActivityDirection.allCases.map { choice in
                Self.flags(choice, of: ActivityDirection.allCases).merging(["value": choice.rawValue, "selected": choice == direction]) { $1 }
            },
            "kind": kind.rawValue, "is_task": kind == .task, "is_call": kind == .call, "is_email": kind == .email, "is_meeting": kind == .meeting,
            "is_note": kind == .note,
        ]
    }

    /// A new task on the same records, for "schedule the next activity" after this one is done or logged.
    func nextActivityLink(returnTo: String) -> String {
        let links: [(String, Int64?)] = [
            ("deal_id", dealID?.rawValue), ("company_id", companyID?.rawValue), ("contact_id", contactID?.rawValue), ("lead_id", leadID?.rawValue),
        ]
        let query = [("kind", "task")] + links.compactMap { name, id in id.map { (name, String($0)) } } + [("next", returnTo)]
        return "/activities/new?" + query.map { "\($0.0)=\(percentEncoded($0.1))" }.joined(separator: "&")
    }

    /// Logging a call, an e-mail or a meeting, or a task already done, is a moment to plan the next step.
    func nextStepLink(returnTo: String) -> String? {
        kind == .note || (kind == .task && !isDone) ? nil : nextActivityLink(returnTo: returnTo)
    }

    private static func flags<Choice: RawRepresentable<String> & Equatable>(_ choice: Choice, of all: [Choice]) -> [String: Any] {
        Dictionary(uniqueKeysWithValues: all.map { ($0.rawValue, $0 == choice) })
    }

    var listColumns: [String: Any] {
        // Each kind as a flag of its own, by which the list picks the kind's name in the reader's language.
        ["kind_\(kind.rawValue)": true, "done": isDone, "open_task": kind == .task && !isDone, "tags": [String]()]
    }
}
