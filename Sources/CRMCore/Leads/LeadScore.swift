/// What a lead's attributes and behaviours are worth, as admins define it: each rule adds (or takes away) points
/// when the lead's value of one attribute is the rule's value. Pure, so the score and its explanation are the same
/// wherever a lead is written.
public struct ScoringRule: Codable, Sendable, Equatable {
    public enum Attribute: String, Codable, Sendable, CaseIterable {
        case industry
        case companySize = "company_size"
        case country, region, source, campaign
        case jobTitle = "job_title"
        case behaviour
    }

    public var attribute: Attribute
    /// Compared case- and diacritics-insensitively; for `behaviour` one of `LeadBehaviour`'s values.
    public var value: String
    public var points: Int

    public init(attribute: Attribute, value: String, points: Int) {
        self.attribute = attribute
        self.value = value
        self.points = points
    }

    public func validated(at index: Int) throws(ValidationErrors) -> ScoringRule {
        var copy = self
        copy.value = value.trimmingWhitespace()
        var errors: [ValidationError] = []
        if copy.value.isEmpty || copy.value.count > 200 {
            errors.append(ValidationError(field: "rules[\(index)].value", code: "required", message: "a rule needs a value of 1 to 200 characters"))
        }
        if attribute == .behaviour, LeadBehaviour(rawValue: copy.value) == nil {
            let known = LeadBehaviour.allCases.map(\.rawValue).joined(separator: ", ")
            errors.append(ValidationError(field: "rules[\(index)].value", code: "unknown_behaviour", message: "must be one of \(known)"))
        }
        if attribute == .companySize, CompanySize(rawValue: copy.value) == nil {
            let known = CompanySize.allCases.map(\.rawValue).joined(separator: ", ")
            errors.append(ValidationError(field: "rules[\(index)].value", code: "unknown_size", message: "must be one of \(known)"))
        }
        if !(-1000...1000).contains(points) {
            errors.append(ValidationError(field: "rules[\(index)].points", code: "out_of_range", message: "points run from -1000 to 1000"))
        }
        guard errors.isEmpty else { throw ValidationErrors(errors) }
        return copy
    }

    func matches(_ lead: LeadFields) -> Bool {
        let wanted = TextFolding.fold(value)
        switch attribute {
        case .industry: return TextFolding.fold(lead.industry) == wanted
        case .companySize: return lead.companySize?.rawValue == value
        case .country: return TextFolding.fold(lead.country) == wanted
        case .region: return TextFolding.fold(lead.region) == wanted
        case .source: return TextFolding.fold(lead.source) == wanted
        case .campaign: return TextFolding.fold(lead.campaign) == wanted
        case .jobTitle: return TextFolding.fold(lead.jobTitle).contains(wanted)
        case .behaviour: return lead.behaviours.contains { $0.rawValue == value }
        }
    }
}

/// A lead's score and why: the rules that matched, so a rep sees "+20 industry is Manufacturing".
public struct LeadScore: Codable, Sendable, Equatable {
    public var total: Int
    public var reasons: [ScoringRule]

    public init(total: Int = 0, reasons: [ScoringRule] = []) {
        self.total = total
        self.reasons = reasons
    }

    public init(_ lead: LeadFields, rules: [ScoringRule]) {
        let matched = rules.filter { $0.matches(lead) }
        self.init(total: matched.reduce(0) { $0 + $1.points }, reasons: matched)
    }
}
