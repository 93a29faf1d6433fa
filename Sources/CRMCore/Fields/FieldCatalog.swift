/// Every field of a record type in one model: the standard ones the code defines, then the custom ones admins
/// added (active, in their order).
public enum FieldCatalog {
    public static func standard(_ type: RecordType) -> [FieldDefinition] {
        let fields: [(String, FieldKind)] =
            switch type {
            case .company:
                [
                    ("name", .text), ("legal_name", .text), ("tax_id", .text), ("industry", .text), ("size", .choice), ("website", .url),
                    ("priority", .choice), ("phones", .phone), ("emails", .email), ("addresses", .longText), ("tags", .choices),
                ]
            case .contact:
                [
                    ("first_name", .text), ("middle_name", .text), ("last_name", .text), ("job_title", .text), ("company_id", .number),
                    ("phones", .phone), ("emails", .email), ("tags", .choices),
                ]
            case .lead:
                [
                    ("first_name", .text), ("last_name", .text), ("company_name", .text), ("job_title", .text), ("phones", .phone),
                    ("emails", .email), ("industry", .text), ("company_size", .choice), ("country", .text), ("region", .text),
                    ("source", .text), ("campaign", .text), ("status", .choice), ("notes", .longText), ("tags", .choices), ("score", .number),
                ]
            case .deal:
                [
                    ("title", .text), ("company_id", .number), ("pipeline_id", .number), ("stage_id", .number), ("amount", .money),
                    ("expected_close_date", .date), ("source", .text), ("forecast_category", .choice), ("status", .choice), ("tags", .choices),
                ]
            default: []
            }
        // What a record must have on its own (a contact or a lead needs one of several, which `validated()` says).
        let required: Set<String> =
            switch type {
            case .company: ["name"]
            case .deal: ["title", "pipeline_id", "stage_id"]
            default: []
            }
        let options: [String: [String]] = [
            "size": CompanySize.allCases.map(\.rawValue), "company_size": CompanySize.allCases.map(\.rawValue),
            "priority": Priority.allCases.map(\.rawValue), "forecast_category": ForecastCategory.allCases.map(\.rawValue),
            "status": type == .lead ? LeadStatus.allCases.map(\.rawValue) : DealStatus.allCases.map(\.rawValue),
        ]
        return fields.map { key, kind in
            FieldDefinition(
                recordType: type,
                key: key,
                label: key,
                kind: kind,
                options: options[key] ?? [],
                isRequired: required.contains(key),
                isStandard: true
            )
        }
    }

    /// Errors of a record's custom values against its type's active custom fields: unknown keys, values of the
    /// wrong kind or outside the options, required fields left empty. Fields named `custom.<key>`.
    public static func check(_ values: CustomValues, against fields: [FieldDefinition]) -> [ValidationError] {
        let byKey = Dictionary(fields.filter { $0.isActive && !$0.isStandard }.map { ($0.key, $0) }, uniquingKeysWith: { first, _ in first })
        var errors: [ValidationError] = []
        for (key, value) in values.sorted(by: { $0.key < $1.key }) {
            guard let field = byKey[key] else {
                errors.append(ValidationError(field: "custom.\(key)", code: "unknown_field", message: "is not a field here"))
                continue
            }
            if let error = field.check(value) { errors.append(error) }
        }
        for field in byKey.values.sorted(by: { $0.key < $1.key }) where field.isRequired && isEmpty(values[field.key]) {
            errors.append(ValidationError(field: "custom.\(field.key)", code: "required", message: "\(field.label) is required"))
        }
        return errors
    }

    private static func isEmpty(_ value: CustomValue?) -> Bool {
        switch value {
        case nil: true
        case .text(let text)?: text.isEmpty
        case .choices(let chosen)?: chosen.isEmpty
        default: false
        }
    }
}
