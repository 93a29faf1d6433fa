/// A customer organisation.
public typealias Company = Record<CompanyFields>

/// The fields of a company a user edits. Validation happens in `validated()`, the one gate every write path uses.
public struct CompanyFields: Codable, Sendable, Equatable {
    public var name: String
    public var legalName: String
    public var taxID: String
    public var industry: String
    public var size: CompanySize?
    public var website: String
    public var priority: Priority?
    public var addresses: [PostalAddress]
    public var phones: [LabeledPhone]
    public var emails: [LabeledEmail]
    public var tags: [String]
    /// Values of the fields admins added, by key.
    public var custom: CustomValues

    public init(
        name: String,
        legalName: String = "",
        taxID: String = "",
        industry: String = "",
        size: CompanySize? = nil,
        website: String = "",
        priority: Priority? = nil,
        addresses: [PostalAddress] = [],
        phones: [LabeledPhone] = [],
        emails: [LabeledEmail] = [],
        tags: [String] = [],
        custom: CustomValues = [:]
    ) {
        self.name = name
        self.legalName = legalName
        self.taxID = taxID
        self.industry = industry
        self.size = size
        self.website = website
        self.priority = priority
        self.addresses = addresses
        self.phones = phones
        self.emails = emails
        self.tags = tags
        self.custom = custom
    }

    public func validated() throws(ValidationErrors) -> CompanyFields {
        var copy = self
        var errors: [ValidationError] = []
        copy.name = name.trimmingWhitespace()
        copy.legalName = legalName.trimmingWhitespace()
        copy.taxID = taxID.trimmingWhitespace().uppercased()
        copy.industry = industry.trimmingWhitespace()
        copy.website = website.trimmingWhitespace()
        if copy.name.isEmpty {
            errors.append(ValidationError(field: "name", code: "required", message: "a company needs a name"))
        }
        errors += FieldRules.maxLength(["name": copy.name, "legal_name": copy.legalName, "tax_id": copy.taxID, "industry": copy.industry], 200)
        if !copy.website.isEmpty {
            if let error = FieldRules.website(copy.website) {
                errors.append(error)
            } else {
                copy.website = FieldRules.normalizedWebsite(copy.website)
            }
        }
        do { copy.tags = try Tags.normalize(tags) } catch { errors.append(error) }
        guard errors.isEmpty else { throw ValidationErrors(errors) }
        return copy
    }

    /// The values the audit trail compares, by field name as the API spells it.
    public var auditValues: [String: String] {
        custom.auditValues.merging([
            "name": name, "legal_name": legalName, "tax_id": taxID, "industry": industry,
            "size": size?.rawValue ?? "", "website": website, "priority": priority?.rawValue ?? "",
            "addresses": addresses.map(\.singleLine).joined(separator: "; "),
            "phones": phones.map { "\($0.label): \($0.number)" }.joined(separator: ", "),
            "emails": emails.map { "\($0.label): \($0.address)" }.joined(separator: ", "),
            "tags": tags.joined(separator: ", "),
        ]) { $1 }
    }

    /// Text the search box matches, folded; names also in Latin letters when written in Cyrillic, phone numbers
    /// in E.164 so any formatting of their digits finds them.
    public var searchText: String {
        let names = TextFolding.fold([name, legalName].joined(separator: " "))
        let latin = NameKey.latin(names)
        let rest = TextFolding.fold(([taxID, website] + tags + phones.map(\.number.e164)).joined(separator: " "))
        return ([names] + (latin == names ? [] : [latin]) + [rest]).joined(separator: " ")
    }
}
