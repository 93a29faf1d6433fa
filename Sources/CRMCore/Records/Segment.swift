/// A named, saved set of list filters over companies, contacts or deals ("A-class renewals", "newsletter
/// contacts in Poland"): applied to a list view, or used to start a process for each record in it. It stores
/// filters, never records, so what it holds is always current and always what the viewer may see.
public struct Segment: Sendable, Equatable {
    public let id: Int64
    public var name: String
    public var recordType: RecordType
    /// The list's filters by their URL names (`tag`, `priority`, `stage_id` …).
    public var filters: [String: String]
    public let createdBy: UserID?
    public let createdAt: Timestamp

    public init(id: Int64, name: String, recordType: RecordType, filters: [String: String], createdBy: UserID?, createdAt: Timestamp) {
        self.id = id
        self.name = name
        self.recordType = recordType
        self.filters = filters
        self.createdBy = createdBy
        self.createdAt = createdAt
    }

    /// The record types a segment can gather.
    public static let recordTypes: [RecordType] = [.company, .contact, .deal]

    /// The filters a segment may keep: those of the lists, without paging, sorting or the bin.
    public static let filterNames: Set<String> = ["q", "tag", "owner_id", "team_id", "priority", "company_id", "pipeline_id", "stage_id", "status"]

    /// Whether a list filter may be kept: a standard one, or one on a custom field (`cf.tier`, `cf.arr.min`), which
    /// the list that reads the segment checks against the fields it has.
    public static func keeps(_ filter: String) -> Bool {
        filterNames.contains(filter) || (filter.hasPrefix("cf.") && filter.count > 3)
    }

    /// Checks a new segment's parts; answers the trimmed name.
    public static func validate(name: String, recordType: RecordType, filters: [String: String]) throws(ValidationErrors) -> String {
        var errors: [ValidationError] = []
        let trimmed = name.trimmingWhitespace()
        if trimmed.isEmpty { errors.append(ValidationError(field: "name", code: "required", message: "a segment needs a name")) }
        errors += FieldRules.maxLength(["name": trimmed], 200)
        if !recordTypes.contains(recordType) {
            errors.append(
                ValidationError(field: "record_type", code: "invalid_record_type", message: "a segment gathers companies, contacts or deals")
            )
        }
        let kept = filters.filter { !$0.value.isEmpty }
        if kept.isEmpty { errors.append(ValidationError(field: "filters", code: "required", message: "a segment needs at least one filter")) }
        for key in kept.keys.sorted() where !keeps(key) {
            errors.append(ValidationError(field: "filters.\(key)", code: "unknown_field", message: "is not a filter a segment keeps"))
        }
        guard errors.isEmpty else { throw ValidationErrors(errors) }
        return trimmed
    }
}
