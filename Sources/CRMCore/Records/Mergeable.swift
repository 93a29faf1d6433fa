/// A record two of which can be merged into one: the user picks, field by field, whose value the surviving
/// record keeps; phone numbers, e-mail addresses and tags of both are kept.
public protocol Mergeable {
    /// The fields a merge offers a choice for, by their API names.
    static var mergeChoices: [String] { get }
    /// This record's fields with the `taken` ones from `other`, and the lists of both joined.
    func merged(with other: Self, taking taken: Set<String>) -> Self
}

/// Phones, e-mails and tags of both records, this one's first, each number and address once; custom values of
/// this one, and the other's where this one has none.
private func joinedLists<Fields>(_ mine: inout Fields, _ other: Fields) where Fields: HasContactLists {
    mine.phones += other.phones.filter { phone in !mine.phones.contains { $0.number == phone.number } }
    mine.emails += other.emails.filter { email in !mine.emails.contains { $0.address == email.address } }
    mine.tags += other.tags.filter { !mine.tags.contains($0) }
    mine.custom.merge(other.custom) { kept, _ in kept }
}

/// The lists a merge joins rather than chooses between.
protocol HasContactLists {
    var phones: [LabeledPhone] { get set }
    var emails: [LabeledEmail] { get set }
    var tags: [String] { get set }
    var custom: CustomValues { get set }
}

extension ContactFields: HasContactLists {}
extension CompanyFields: HasContactLists {}
extension LeadFields: HasContactLists {}

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
        joinedLists(&result, other)
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
        joinedLists(&result, other)
        return result
    }
}

extension LeadFields: Mergeable {
    public static let mergeChoices = [
        "first_name", "last_name", "company_name", "job_title", "industry", "company_size", "country", "region", "source", "campaign", "status",
    ]

    /// Behaviours of both count; notes of both are kept, this one's first. A converted lead keeps its conversion.
    public func merged(with other: LeadFields, taking taken: Set<String>) -> LeadFields {
        var result = self
        if taken.contains("first_name") { result.firstName = other.firstName }
        if taken.contains("last_name") { result.lastName = other.lastName }
        if taken.contains("company_name") { result.companyName = other.companyName }
        if taken.contains("job_title") { result.jobTitle = other.jobTitle }
        if taken.contains("industry") { result.industry = other.industry }
        if taken.contains("company_size") { result.companySize = other.companySize }
        if taken.contains("country") { result.country = other.country }
        if taken.contains("region") { result.region = other.region }
        if taken.contains("source") { result.source = other.source }
        if taken.contains("campaign") { result.campaign = other.campaign }
        if taken.contains("status"), conversion == nil, other.status != .converted { result.status = other.status }
        result.behaviours += other.behaviours.filter { !result.behaviours.contains($0) }
        result.notes = [notes, other.notes].filter { !$0.isEmpty }.joined(separator: "\n\n")
        joinedLists(&result, other)
        return result
    }
}
