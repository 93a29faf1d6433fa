/// A record two of which can be merged into one: the user picks, field by field, whose value the surviving
/// record keeps; phone numbers, e-mail addresses and tags of both are kept.
public protocol Mergeable {
    /// The fields a merge offers a choice for, by their API names.
    static var mergeChoices: [String] { get }
    /// This record's fields with the `taken` ones from `other`, and the lists of both joined.
    func merged(with other: Self, taking taken: Set<String>) -> Self
}

extension Mergeable {
    /// Lists joined without repeats, this record's entries first.
    static func union<T: Equatable>(_ mine: [T], _ theirs: [T]) -> [T] {
        mine + theirs.filter { !mine.contains($0) }
    }
}

extension ContactFields: Mergeable {
    public static let mergeChoices = ["first_name", "middle_name", "last_name", "name_order", "job_title", "company_id"]

    public func merged(with other: ContactFields, taking taken: Set<String>) -> ContactFields {
        var result = self
        if taken.contains("first_name") { result.firstName = other.firstName }
        if taken.contains("middle_name") { result.middleName = other.middleName }
        if taken.contains("last_name") { result.lastName = other.lastName }
        if taken.contains("name_order") { result.nameOrder = other.nameOrder }
        if taken.contains("job_title") { result.jobTitle = other.jobTitle }
        if taken.contains("company_id") { result.companyID = other.companyID }
        result.phones = Self.union(phones, other.phones.filter { phone in !phones.contains { $0.number == phone.number } })
        result.emails = Self.union(emails, other.emails.filter { email in !emails.contains { $0.address == email.address } })
        result.tags = Self.union(tags, other.tags)
        return result
    }
}

extension CompanyFields: Mergeable {
    public static let mergeChoices = ["name", "legal_name", "tax_id", "industry", "size", "website", "priority", "addresses"]

    public func merged(with other: CompanyFields, taking taken: Set<String>) -> CompanyFields {
        var result = self
        if taken.contains("name") { result.name = other.name }
        if taken.contains("legal_name") { result.legalName = other.legalName }
        if taken.contains("tax_id") { result.taxID = other.taxID }
        if taken.contains("industry") { result.industry = other.industry }
        if taken.contains("size") { result.size = other.size }
        if taken.contains("website") { result.website = other.website }
        if taken.contains("priority") { result.priority = other.priority }
        if taken.contains("addresses") { result.addresses = other.addresses }
        result.phones = Self.union(phones, other.phones.filter { phone in !phones.contains { $0.number == phone.number } })
        result.emails = Self.union(emails, other.emails.filter { email in !emails.contains { $0.address == email.address } })
        result.tags = Self.union(tags, other.tags)
        return result
    }
}
