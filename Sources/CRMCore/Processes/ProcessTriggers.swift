/// The record events that start a process, bound to the record: a deal entering a stage (so a process runs
/// beside the funnel), a deal, company, contact or lead being created (a web form's lead: nurture), or one of its fields changing (optionally to
/// one value: "when a company becomes priority A").
public struct ProcessTriggers: Sendable, Equatable {
    public var dealEnteredStage: [StageID]
    public var recordCreated: [RecordType]
    public var fieldChanged: [FieldTrigger]

    public struct FieldTrigger: Sendable, Equatable, Hashable {
        public var recordType: RecordType
        public var field: String
        /// Only a change to this value starts the process; nil for any change.
        public var value: String?

        public init(recordType: RecordType, field: String, value: String? = nil) {
            self.recordType = recordType
            self.field = field
            self.value = value
        }

        /// Whether a change of `field` to `new` on a record of `type` matches.
        public func matches(_ type: RecordType, _ change: FieldChange) -> Bool {
            recordType == type && field == change.field && (value == nil || value == (change.new ?? ""))
        }
    }

    public init(dealEnteredStage: [StageID] = [], recordCreated: [RecordType] = [], fieldChanged: [FieldTrigger] = []) {
        self.dealEnteredStage = dealEnteredStage
        self.recordCreated = recordCreated
        self.fieldChanged = fieldChanged
    }

    /// The record types a process can be bound to.
    public static let boundTypes: [RecordType] = [.deal, .company, .contact, .lead]

    /// The fields whose changes can start a process: those the audit trail records, plus the owner and team.
    public static func fields(of type: RecordType) -> [String] {
        let own: [String] =
            switch type {
            case .deal: ["title", "company_id", "amount", "currency", "expected_close_date", "source", "forecast_category", "tags"]
            case .company: ["name", "legal_name", "tax_id", "industry", "size", "website", "priority", "addresses", "phones", "emails", "tags"]
            case .contact: ["first_name", "middle_name", "last_name", "name_order", "job_title", "company_id", "phones", "emails", "tags"]
            case .lead:
                [
                    "first_name", "last_name", "company_name", "job_title", "phones", "emails", "industry", "company_size", "country", "region",
                    "source", "campaign", "status", "behaviours", "tags", "score",
                ]
            default: []
            }
        return own + ["owner_id", "team_id"]
    }

    /// The same triggers, each once, in a stable order; or every mistake in them.
    public func validated() throws(ValidationErrors) -> ProcessTriggers {
        var errors: [ValidationError] = []
        for (index, type) in recordCreated.enumerated() where !Self.boundTypes.contains(type) {
            errors.append(
                ValidationError(
                    field: "record_created[\(index)]",
                    code: "invalid_record_type",
                    message: "processes bind to a deal, a company, a contact or a lead"
                )
            )
        }
        for (index, trigger) in fieldChanged.enumerated() {
            if !Self.boundTypes.contains(trigger.recordType) {
                errors.append(
                    ValidationError(
                        field: "field_changed[\(index)].record_type",
                        code: "invalid_record_type",
                        message: "processes bind to a deal, a company, a contact or a lead"
                    )
                )
            } else if !Self.fields(of: trigger.recordType).contains(trigger.field) {
                errors.append(
                    ValidationError(
                        field: "field_changed[\(index)].field",
                        code: "unknown_field",
                        message:
                            "a \(trigger.recordType.rawValue) has no field '\(trigger.field)' (\(Self.fields(of: trigger.recordType).joined(separator: ", ")))"
                    )
                )
            }
        }
        guard errors.isEmpty else { throw ValidationErrors(errors) }
        var seenFields = Set<FieldTrigger>()
        return ProcessTriggers(
            dealEnteredStage: Set(dealEnteredStage).sorted { $0.rawValue < $1.rawValue },
            recordCreated: Self.boundTypes.filter(recordCreated.contains),
            fieldChanged: fieldChanged.filter { seenFields.insert($0).inserted }
        )
    }
}
