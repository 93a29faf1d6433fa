import CRMCore

extension LeadFields: APIResource {
    static let collection = "leads"
    static let inputFields: Set<String> = [
        "first_name", "last_name", "company_name", "job_title", "phones", "emails", "industry", "company_size", "country", "region",
        "source", "campaign", "status", "behaviours", "notes", "tags",
    ]
    static let listParameters: Set<String> = ["status", "min_score"]
    static var blank: LeadFields { LeadFields() }

    mutating func apply(_ input: inout JSONInput, defaultCountryCode: String) {
        if let value = input.string("first_name") { firstName = value }
        if let value = input.string("last_name") { lastName = value }
        if let value = input.string("company_name") { companyName = value }
        if let value = input.string("job_title") { jobTitle = value }
        if let value = SharedInput.phones(&input, "phones", defaultCountryCode: defaultCountryCode) { phones = value }
        if let value = SharedInput.emails(&input, "emails") { emails = value }
        if let value = input.string("industry") { industry = value }
        if let value = input.choice("company_size", CompanySize.self) { companySize = value }
        if let value = input.string("country") { country = value }
        if let value = input.string("region") { region = value }
        if let value = input.string("source") { source = value }
        if let value = input.string("campaign") { campaign = value }
        if let value = input.choice("status", LeadStatus.self) { status = value ?? .new }
        if let values = input.strings("behaviours") {
            behaviours = []
            for value in values {
                if let behaviour = LeadBehaviour(rawValue: value) {
                    behaviours.append(behaviour)
                } else {
                    input.fail(
                        "behaviours",
                        "unknown_behaviour",
                        "'\(value)' is not one of \(LeadBehaviour.allCases.map(\.rawValue).joined(separator: ", "))"
                    )
                }
            }
        }
        if let value = input.string("notes") { notes = value }
        if let value = input.strings("tags") { tags = value }
    }

    var json: [String: JSONValue] {
        [
            "first_name": .string(firstName), "last_name": .string(lastName), "display_name": .string(displayName),
            "company_name": .string(companyName), "job_title": .string(jobTitle),
            "phones": SharedInput.phonesJSON(phones), "emails": SharedInput.emailsJSON(emails),
            "industry": .string(industry), "company_size": .optional(companySize?.rawValue), "country": .string(country),
            "region": .string(region), "source": .string(source), "campaign": .string(campaign), "status": .string(status.rawValue),
            "behaviours": .array(behaviours.map { .string($0.rawValue) }), "notes": .string(notes), "tags": .array(tags.map(JSONValue.string)),
            "score": .int(Int64(score.total)), "score_reasons": .array(score.reasons.map(\.json)),
            "conversion": conversion.map { conversion in
                .object([
                    "contact_id": .int(conversion.contactID.rawValue), "company_id": .optional(conversion.companyID?.rawValue),
                    "deal_id": .optional(conversion.dealID?.rawValue), "converted_at": .string(conversion.at.iso8601),
                ])
            } ?? .null,
            "consent": consent.map { .object(["text": .string($0.text), "at": .string($0.at.iso8601)]) } ?? .null,
        ]
    }

    static let csvColumns = [
        "first_name", "last_name", "company_name", "job_title", "phones", "emails", "industry", "company_size", "country", "region",
        "source", "campaign", "status", "score", "tags",
    ]

    var csvValues: [String] {
        [
            firstName, lastName, companyName, jobTitle, phones.map(\.number.e164).joined(separator: "; "),
            emails.map(\.address.value).joined(separator: "; "), industry, companySize?.rawValue ?? "", country, region, source, campaign,
            status.rawValue, String(score.total), tags.joined(separator: "; "),
        ]
    }
}

extension ScoringRule {
    var json: JSONValue {
        .object(["attribute": .string(attribute.rawValue), "value": .string(value), "points": .int(Int64(points))])
    }
}
