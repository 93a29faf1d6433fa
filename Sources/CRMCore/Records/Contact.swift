/// A person at a customer.
public typealias Contact = Record<ContactFields>

/// Whether the family name is written first, as Hungarians write their names ("Kovács János").
public enum NameOrder: String, Codable, Sendable, CaseIterable {
    case givenFirst = "given_first"
    case familyFirst = "family_first"
}

public struct ContactFields: Codable, Sendable, Equatable {
    public var firstName: String
    /// A Russian or Bulgarian patronymic, or any middle name.
    public var middleName: String
    public var lastName: String
    public var nameOrder: NameOrder
    public var jobTitle: String
    public var companyID: CompanyID?
    public var phones: [LabeledPhone]
    public var emails: [LabeledEmail]
    public var tags: [String]
    /// Values of the fields admins added, by key.
    public var custom: CustomValues

    public init(
        firstName: String = "",
        middleName: String = "",
        lastName: String,
        nameOrder: NameOrder = .givenFirst,
        jobTitle: String = "",
        companyID: CompanyID? = nil,
        phones: [LabeledPhone] = [],
        emails: [LabeledEmail] = [],
        tags: [String] = [],
        custom: CustomValues = [:]
    ) {
        self.firstName = firstName
        self.middleName = middleName
        self.lastName = lastName
        self.nameOrder = nameOrder
        self.jobTitle = jobTitle
        self.companyID = companyID
        self.phones = phones
        self.emails = emails
        self.tags = tags
        self.custom = custom
    }

    /// The name as the person writes it.
    public var displayName: String {
        let parts = nameOrder == .familyFirst ? [lastName, firstName, middleName] : [firstName, middleName, lastName]
        return parts.filter { !$0.isEmpty }.joined(separator: " ")
    }

    /// Lists sort people by family name, then given name, whatever order they write them in.
    public var sortName: String {
        TextFolding.sortKey([lastName, firstName, middleName].filter { !$0.isEmpty }.joined(separator: " "))
    }

    public func validated() throws(ValidationErrors) -> ContactFields {
        var copy = self
        var errors: [ValidationError] = []
        copy.firstName = firstName.trimmingWhitespace()
        copy.middleName = middleName.trimmingWhitespace()
        copy.lastName = lastName.trimmingWhitespace()
        copy.jobTitle = jobTitle.trimmingWhitespace()
        if copy.lastName.isEmpty && copy.firstName.isEmpty {
            errors.append(ValidationError(field: "last_name", code: "required", message: "a contact needs a first or last name"))
        }
        errors += FieldRules.maxLength(
            ["first_name": copy.firstName, "middle_name": copy.middleName, "last_name": copy.lastName, "job_title": copy.jobTitle],
            200
        )
        do { copy.tags = try Tags.normalize(tags) } catch { errors.append(error) }
        guard errors.isEmpty else { throw ValidationErrors(errors) }
        return copy
    }

    public var auditValues: [String: String] {
        custom.auditValues.merging([
            "first_name": firstName, "middle_name": middleName, "last_name": lastName, "name_order": nameOrder.rawValue,
            "job_title": jobTitle, "company_id": companyID?.description ?? "",
            "phones": phones.map { "\($0.label): \($0.number)" }.joined(separator: ", "),
            "emails": emails.map { "\($0.label): \($0.address)" }.joined(separator: ", "),
            "tags": tags.joined(separator: ", "),
        ]) { $1 }
    }

    /// Text the search box matches, folded; names also in Latin letters when written in Cyrillic (so `ivanov`
    /// finds Иванов), phone numbers in E.164 so any formatting of their digits finds them.
    public var searchText: String {
        let names = TextFolding.fold([firstName, middleName, lastName, jobTitle].joined(separator: " "))
        let latin = NameKey.latin(names)
        let rest = TextFolding.fold((emails.map(\.address.value) + tags + phones.map(\.number.e164)).joined(separator: " "))
        return ([names] + (latin == names ? [] : [latin]) + [rest]).joined(separator: " ")
    }
}
