/// Someone who may become a customer: captured from a web form, the API, an import or by hand, scored and routed
/// to a rep, then qualified and converted into a contact, a company and perhaps a deal.
public typealias Lead = Record<LeadFields>

/// Where a lead is in qualification. `converted` is reached only by converting (see `LeadConversion`).
public enum LeadStatus: String, Codable, Sendable, CaseIterable {
    case new, working, qualified, disqualified, converted

    /// Leads a rep still has to work; what "least loaded" counts.
    public var isOpen: Bool { self == .new || self == .working || self == .qualified }
}

/// Something a lead did that scoring rules may reward.
public enum LeadBehaviour: String, Codable, Sendable, CaseIterable {
    case formFilled = "form_filled"
    case emailAnswered = "email_answered"
    case emailOpened = "email_opened"
    case callAnswered = "call_answered"
    case meetingBooked = "meeting_booked"
}

/// The records a lead became, kept on the lead so its history stays linked to them.
public struct LeadConversionResult: Codable, Sendable, Equatable {
    public var contactID: ContactID
    public var companyID: CompanyID?
    public var dealID: DealID?
    public var at: Timestamp

    public init(contactID: ContactID, companyID: CompanyID?, dealID: DealID?, at: Timestamp) {
        self.contactID = contactID
        self.companyID = companyID
        self.dealID = dealID
        self.at = at
    }
}

public struct LeadFields: Codable, Sendable, Equatable {
    public var firstName: String
    public var lastName: String
    public var companyName: String
    public var jobTitle: String
    public var phones: [LabeledPhone]
    public var emails: [LabeledEmail]
    public var industry: String
    public var companySize: CompanySize?
    /// ISO 3166 two-letter code; with `region`, the territory assignment rules route by.
    public var country: String
    public var region: String
    /// How the lead reached us (`web form`, `referral`, a trade fair) and the campaign that brought it.
    public var source: String
    public var campaign: String
    public var status: LeadStatus
    public var behaviours: [LeadBehaviour]
    public var notes: String
    public var tags: [String]
    /// Set by the store from the scoring rules on every write; see `LeadScore`.
    public var score: LeadScore
    public var conversion: LeadConversionResult?
    /// What the visitor agreed to on the web form they came through, if it asked; kept as it read then.
    public var consent: LeadConsent?
    /// Values of the fields admins added, by key.
    public var custom: CustomValues

    public init(
        firstName: String = "",
        lastName: String = "",
        companyName: String = "",
        jobTitle: String = "",
        phones: [LabeledPhone] = [],
        emails: [LabeledEmail] = [],
        industry: String = "",
        companySize: CompanySize? = nil,
        country: String = "",
        region: String = "",
        source: String = "",
        campaign: String = "",
        status: LeadStatus = .new,
        behaviours: [LeadBehaviour] = [],
        notes: String = "",
        tags: [String] = [],
        score: LeadScore = LeadScore(),
        conversion: LeadConversionResult? = nil,
        consent: LeadConsent? = nil,
        custom: CustomValues = [:]
    ) {
        self.firstName = firstName
        self.lastName = lastName
        self.companyName = companyName
        self.jobTitle = jobTitle
        self.phones = phones
        self.emails = emails
        self.industry = industry
        self.companySize = companySize
        self.country = country
        self.region = region
        self.source = source
        self.campaign = campaign
        self.status = status
        self.behaviours = behaviours
        self.notes = notes
        self.tags = tags
        self.score = score
        self.conversion = conversion
        self.consent = consent
        self.custom = custom
    }

    public var personName: String { [firstName, lastName].filter { !$0.isEmpty }.joined(separator: " ") }

    /// The person's name, or the company's when the form left the person out.
    public var displayName: String { personName.isEmpty ? companyName : personName }

    public func validated() throws(ValidationErrors) -> LeadFields {
        var copy = self
        var errors: [ValidationError] = []
        copy.firstName = firstName.trimmingWhitespace()
        copy.lastName = lastName.trimmingWhitespace()
        copy.companyName = companyName.trimmingWhitespace()
        copy.jobTitle = jobTitle.trimmingWhitespace()
        copy.industry = industry.trimmingWhitespace()
        copy.country = country.trimmingWhitespace().uppercased()
        copy.region = region.trimmingWhitespace()
        copy.source = source.trimmingWhitespace()
        copy.campaign = campaign.trimmingWhitespace()
        copy.notes = notes.trimmingWhitespace()
        copy.behaviours = LeadBehaviour.allCases.filter(behaviours.contains)
        if copy.personName.isEmpty && copy.companyName.isEmpty && emails.isEmpty && phones.isEmpty {
            errors.append(ValidationError(field: "last_name", code: "required", message: "a lead needs a name, a company, an e-mail or a phone"))
        }
        errors += FieldRules.maxLength(
            [
                "first_name": copy.firstName, "last_name": copy.lastName, "company_name": copy.companyName, "job_title": copy.jobTitle,
                "industry": copy.industry, "region": copy.region, "source": copy.source, "campaign": copy.campaign,
            ],
            200
        )
        errors += FieldRules.maxLength(["notes": copy.notes], 10_000)
        if let error = FieldRules.country(copy.country) { errors.append(error) }
        if copy.status == .converted && copy.conversion == nil {
            errors.append(ValidationError(field: "status", code: "conversion_only", message: "a lead becomes converted only by converting it"))
        } else if copy.status != .converted && copy.conversion != nil {
            errors.append(ValidationError(field: "status", code: "converted_stays", message: "a converted lead stays converted"))
        }
        do { copy.tags = try Tags.normalize(tags) } catch { errors.append(error) }
        guard errors.isEmpty else { throw ValidationErrors(errors) }
        return copy
    }

    public var auditValues: [String: String] {
        custom.auditValues.merging([
            "first_name": firstName, "last_name": lastName, "company_name": companyName, "job_title": jobTitle,
            "phones": phones.map { "\($0.label): \($0.number)" }.joined(separator: ", "),
            "emails": emails.map { "\($0.label): \($0.address)" }.joined(separator: ", "),
            "industry": industry, "company_size": companySize?.rawValue ?? "", "country": country, "region": region,
            "source": source, "campaign": campaign, "status": status.rawValue,
            "behaviours": behaviours.map(\.rawValue).joined(separator: ", "), "notes": notes, "tags": tags.joined(separator: ", "),
            "score": String(score.total), "consent": consent.map { "\($0.at.iso8601) \($0.text)" } ?? "",
        ]) { $1 }
    }

    /// Text the search box matches, folded; names also in Latin letters when written in Cyrillic, phone numbers
    /// in E.164 so any formatting of their digits finds them.
    public var searchText: String {
        let names = TextFolding.fold([firstName, lastName, companyName, jobTitle].joined(separator: " "))
        let latin = NameKey.latin(names)
        let rest = TextFolding.fold((emails.map(\.address.value) + tags + phones.map(\.number.e164)).joined(separator: " "))
        return ([names] + (latin == names ? [] : [latin]) + [rest]).joined(separator: " ")
    }
}
