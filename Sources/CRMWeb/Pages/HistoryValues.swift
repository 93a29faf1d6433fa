import CRMCore
import CRMStore
import Foundation

/// How a change in a record's history reads: field labels and values as people see them on the record's page,
/// not as they are stored ("Stage: Proposal → Contract", "Amount: 48 200,00", "Due: 12 sty 2027, 14:30", not
/// "stage_id: 3 → 4"). The audit keeps the stored values; this is the one place that shows them.
struct HistoryValues {
    let recordType: RecordType
    let t: [String: String]
    let format: DisplayFormatter
    /// Names of what ids point at, by field and id: records the reader may see, stages, pipelines, loss reasons, users.
    let names: [String: [String: String]]
    let custom: [FieldDefinition]
    /// For a spreadsheet: dates and times as every spreadsheet program reads them ("2027-03-31", "2027-03-31 14:30"
    /// in the reader's zone), not as a sentence would write them.
    var forSpreadsheet = false

    /// What a history's changes are read with: the names of what they point at, by field and id (a contact's company
    /// reads "Łódź Trans", not "17"; a deal's stage, pipeline and loss reason by name), and the custom fields' labels.
    /// Records the reader may not see keep their id.
    static func load(
        _ store: Store,
        _ identity: Identity,
        _ entries: [AuditEntry],
        t: [String: String],
        format: DisplayFormatter,
        recordType: RecordType,
        custom: [FieldDefinition]
    ) async throws -> HistoryValues {
        var ids: [String: [Int64]] = [:]
        for change in entries.flatMap(\.changes) where referenceFields.contains(change.field) {
            ids[change.field, default: []] += [change.old, change.new].compactMap { $0.flatMap(Int64.init) }
        }
        return try await load(store, identity, ids: ids, t: t, format: format, recordType: recordType, custom: custom)
    }

    static let referenceFields: Set<String> = [
        "company_id", "contact_id", "deal_id", "lead_id", "stage_id", "pipeline_id", "loss_reason_id", "owner_id",
    ]

    /// The same, for the ids a page of records holds (an export's rows), by field.
    static func load(
        _ store: Store,
        _ identity: Identity,
        ids: [String: [Int64]],
        t: [String: String],
        format: DisplayFormatter,
        recordType: RecordType,
        custom: [FieldDefinition]
    ) async throws -> HistoryValues {
        func named<T>(_ items: [Int64: Record<T>], _ title: (T) -> String) -> [String: String] {
            Dictionary(uniqueKeysWithValues: items.map { (String($0.key), title($0.value.fields)) })
        }
        let language = MessageCatalog.language(of: identity.user.locale)
        // `many` asks nothing of the database for no ids.
        var names: [String: [String: String]] = [
            "company_id": named(try await store.companies.many(identity.access, ids["company_id"] ?? [])) { $0.name },
            "contact_id": named(try await store.contacts.many(identity.access, ids["contact_id"] ?? [])) { $0.displayName },
            "deal_id": named(try await store.deals.many(identity.access, ids["deal_id"] ?? [])) { $0.title },
            "lead_id": named(try await store.leads.many(identity.access, ids["lead_id"] ?? [])) { $0.displayName },
            "owner_id": Dictionary(uniqueKeysWithValues: try await store.users.names().map { (String($0.key.rawValue), $0.value) }),
        ]
        if !(ids["stage_id"] ?? []).isEmpty || !(ids["pipeline_id"] ?? []).isEmpty || !(ids["loss_reason_id"] ?? []).isEmpty {
            let pipelines = try await store.pipelines.list()
            names["pipeline_id"] = Dictionary(pipelines.map { (String($0.id.rawValue), $0.name) }, uniquingKeysWith: { first, _ in first })
            names["stage_id"] = Dictionary(
                pipelines.flatMap(\.stages).map { (String($0.id.rawValue), $0.name(in: language)) },
                uniquingKeysWith: { first, _ in first }
            )
            names["loss_reason_id"] = Dictionary(
                try await store.pipelines.lossReasons(includeInactive: true).map { (String($0.id.rawValue), $0.name(in: language)) },
                uniquingKeysWith: { first, _ in first }
            )
        }
        return HistoryValues(recordType: recordType, t: t, format: format, names: names, custom: custom)
    }

    func label(_ field: String) -> String {
        if field.hasPrefix("custom."), let definition = custom.first(where: { "custom.\($0.key)" == field }) {
            return definition.label(in: t["language_code"] ?? "en")
        }
        if recordType == .activity, let own = Self.labels["activity.\(field)"] { return t[own] ?? field }
        return t["field_\(field)"] ?? Self.labels[field].flatMap { t[$0] } ?? field
    }

    /// Fields whose form label is under another catalog key.
    private static let labels = [
        "contact_id": "field_contact", "deal_id": "field_deal", "lead_id": "activity_lead", "direction": "activity_direction",
        "done": "activity_done", "due_at": "activity_due", "duration_minutes": "activity_duration", "starts_at": "activity_starts",
        "ends_at": "activity_ends", "outcome": "activity_outcome", "place": "activity_place", "subject": "activity_subject",
        "attendees": "activity_attendees", "activity.priority": "activity_priority", "activity.notes": "activity_notes",
    ]

    func value(_ field: String, _ stored: String?) -> String {
        guard let stored, !stored.isEmpty else { return "—" }
        if let name = names[field]?[stored] { return name }
        if field.hasPrefix("custom."), let definition = custom.first(where: { "custom.\($0.key)" == field }) {
            return customValue(definition, stored)
        }
        switch field {
        case "status": return t[recordType == .lead ? "lead_status_\(stored)" : "status_\(stored)"] ?? stored
        case "kind": return t["kind_\(stored)"] ?? stored
        case "direction": return t["direction_\(stored)"] ?? stored
        case "priority" where recordType == .activity: return t["task_priority_\(stored)"] ?? stored
        case "done": return stored == "true" ? t["yes"] ?? stored : t["no"] ?? stored
        case "name_order": return t["name_order_\(stored)"] ?? stored
        case "phones", "emails":
            // "mobile: +48600700800, work: …", each label as the card shows it.
            return stored.components(separatedBy: ", ").map { entry in
                guard let colon = entry.firstIndex(of: ":") else { return entry }
                let label = String(entry[..<colon])
                return (t["point_label_\(label)"] ?? label) + entry[colon...]
            }.joined(separator: ", ")
        case "behaviours":
            return stored.split(separator: ",").map { word in
                let value = word.trimmingCharacters(in: .whitespaces)
                return t["lead_behaviour_\(value)"] ?? value
            }.joined(separator: ", ")
        case "amount":
            return Decimal(string: stored, locale: Locale(identifier: "en_US_POSIX"))?.formatted(
                .number.precision(.fractionLength(2)).locale(format.locale)
            ) ?? stored
        default: break
        }
        if let day = try? CalendarDate(parsing: stored), stored.count == 10 { return forSpreadsheet ? day.description : format.date(day) }
        if stored.count > 18, stored.contains("T"), let date = try? Date(stored, strategy: .iso8601) { return time(Timestamp(date)) }
        return stored
    }

    /// A moment as this reading shows it.
    func time(_ moment: Timestamp) -> String {
        forSpreadsheet ? moment.localDateTime(in: format.timeZone).replacingOccurrences(of: "T", with: " ") : format.dateTime(moment)
    }

    private func customValue(_ field: FieldDefinition, _ stored: String) -> String {
        switch field.kind {
        case .yesNo: return t[stored] ?? stored
        case .choice: return field.optionName(stored, in: t["language_code"] ?? "en")
        case .choices:
            return stored.components(separatedBy: "; ").map { field.optionName($0, in: t["language_code"] ?? "en") }.joined(separator: "; ")
        case .user: return names["owner_id"]?[stored] ?? stored
        case .money:
            let parts = stored.split(separator: " ")
            guard parts.count == 2, let currency = try? Currency(code: String(parts[1])),
                let money = try? Money(decimal: String(parts[0]), currency: currency)
            else { return stored }
            return format.money(money)
        case .number: return Decimal(string: stored, locale: Locale(identifier: "en_US_POSIX"))?.formatted(.number.locale(format.locale)) ?? stored
        case .date: return (try? CalendarDate(parsing: stored)).map(format.date) ?? stored
        case .dateTime: return (try? Date(stored, strategy: .iso8601)).map { format.dateTime(Timestamp($0)) } ?? stored
        default: return stored
        }
    }
}
