import CRMCore
import Foundation
import HTTPTypes
import Logging

/// How a record type shows up in the web UI: its form, its list row, its name.
protocol PageResource: APIResource {
    /// Template names are `<key>_list`, `<key>_show` and `<key>_form`; catalog keys share the prefix.
    static var pageKey: String { get }
    var title: String { get }
    /// Applies a submitted form; returns the errors of fields that could not even be read.
    mutating func apply(form: FormInput, context: FormContext) -> [ValidationError]
    /// The values a form shows, by input name: every stored value, so a form saved untouched changes nothing.
    func formValues(_ context: FormContext) -> [String: Any]
    /// Columns of the list page besides the title.
    var listColumns: [String: Any] { get }
    /// Whether a new record may leave its owner to the routing rules (leads).
    static var routable: Bool { get }
    /// Values of the list filters only this type has, for `list_filters`.
    static func listFilters(_ query: ListQuery, _ t: [String: String]) -> [String: Any]
    /// The orders the list offers, as `sort` writes them.
    static var sorts: [String] { get }
    /// Where to plan the next step once this record is saved (a call logged: schedule the follow-up), if anywhere.
    func nextStepLink(returnTo: String) -> String?
}

extension PageResource {
    static var routable: Bool { false }
    static func listFilters(_ query: ListQuery, _ t: [String: String]) -> [String: Any] { [:] }
    static var sorts: [String] { ["name", "-name", "-created_at", "-updated_at"] }
    func nextStepLink(returnTo: String) -> String? { nil }
}

/// What reading a form needs to know about its user.
struct FormContext {
    let defaultCountryCode: String
    let timeZone: TimeZone

    init(defaultCountryCode: String, timeZone: String) {
        self.defaultCountryCode = defaultCountryCode
        self.timeZone = TimeZone(identifier: timeZone) ?? TimeZone(identifier: "UTC")!
    }
}

/// Readers for the form inputs several record types share.
enum FormFields {
    static func lines(_ text: String) -> [String] {
        text.split(whereSeparator: \.isNewline).map { $0.trimmingWhitespace() }.filter { !$0.isEmpty }
    }

    /// The numbers typed one per line. The form has no label input, so a number that was there keeps its label
    /// (mobile, home…); a new one is a work number.
    static func phones(_ text: String, keeping current: [LabeledPhone], defaultCountryCode: String, errors: inout [ValidationError]) -> [LabeledPhone]
    {
        var result: [LabeledPhone] = []
        for line in lines(text) {
            do {
                let number = try PhoneNumber(line, defaultCountryCode: defaultCountryCode)
                result.append(current.first { $0.number == number } ?? LabeledPhone(number: number))
            } catch { errors.append(error.at("phones")) }
        }
        return result
    }

    /// The addresses typed one per line; one that was there keeps its label.
    static func emails(_ text: String, keeping current: [LabeledEmail], errors: inout [ValidationError]) -> [LabeledEmail] {
        var result: [LabeledEmail] = []
        for line in lines(text) {
            do {
                let address = try EmailAddress(line)
                result.append(current.first { $0.address == address } ?? LabeledEmail(address: address))
            } catch { errors.append(error.at("emails")) }
        }
        return result
    }

    /// A `datetime-local` input. It shows minutes only, so a time whose text was left as shown keeps its stored
    /// seconds; an empty input clears the time.
    static func time(
        _ form: FormInput,
        _ key: String,
        keeping current: Timestamp?,
        context: FormContext,
        errors: inout [ValidationError]
    ) -> Timestamp? {
        let text = form[key]
        if let current, text == current.localDateTime(in: context.timeZone) { return current }
        guard !text.isEmpty else { return nil }
        do { return try Timestamp(localDateTime: text, timeZone: context.timeZone) } catch {
            errors.append(error.at(key))
            return nil
        }
    }

    static func tags(_ text: String) -> [String] {
        text.split(separator: ",").map { $0.trimmingWhitespace() }.filter { !$0.isEmpty }
    }
}

extension CompanyFields: PageResource {
    static let pageKey = "company"
    var title: String { name }

    mutating func apply(form: FormInput, context: FormContext) -> [ValidationError] {
        var errors: [ValidationError] = []
        name = form["name"]
        legalName = form["legal_name"]
        taxID = form["tax_id"]
        industry = form["industry"]
        website = form["website"]
        size = CompanySize(rawValue: form["size"])
        priority = Priority(rawValue: form["priority"])
        phones = FormFields.phones(form["phones"], keeping: phones, defaultCountryCode: context.defaultCountryCode, errors: &errors)
        emails = FormFields.emails(form["emails"], keeping: emails, errors: &errors)
        tags = FormFields.tags(form["tags"])
        // The form edits the first address; its label and region, and any further addresses (from the API or an
        // import), are kept as they were.
        let first = addresses.first ?? PostalAddress()
        let address = PostalAddress(
            label: first.label,
            street: form["street"],
            city: form["city"],
            region: first.region,
            postalCode: form["postal_code"],
            country: form["country"].uppercased()
        )
        addresses = (address.singleLine.isEmpty ? [] : [address]) + addresses.dropFirst()
        return errors
    }

    func formValues(_ context: FormContext) -> [String: Any] {
        let address = addresses.first ?? PostalAddress()
        return [
            "name": name, "legal_name": legalName, "tax_id": taxID, "industry": industry, "website": website,
            "phones": phones.map(\.number.international).joined(separator: "\n"), "emails": emails.map(\.address.value).joined(separator: "\n"),
            "tags": tags.joined(separator: ", "), "street": address.street, "city": address.city,
            "postal_code": address.postalCode, "country": address.country,
            "sizes": CompanySize.allCases.map { ["value": $0.rawValue, "selected": $0 == size] },
            "priorities": Priority.allCases.map { ["value": $0.rawValue, "selected": $0 == priority] },
        ]
    }

    var listColumns: [String: Any] {
        [
            "industry": industry, "priority": priority?.rawValue ?? "", "website": website,
            "phone": phones.first?.number.international ?? "", "email": emails.first?.address.value ?? "",
            "city": addresses.first?.city ?? "", "tags": tags,
        ]
    }
}

extension ContactFields: PageResource {
    static let pageKey = "contact"
    var title: String { displayName }

    mutating func apply(form: FormInput, context: FormContext) -> [ValidationError] {
        var errors: [ValidationError] = []
        firstName = form["first_name"]
        middleName = form["middle_name"]
        lastName = form["last_name"]
        nameOrder = NameOrder(rawValue: form["name_order"]) ?? .givenFirst
        jobTitle = form["job_title"]
        if form["company_id"].isEmpty {
            companyID = nil
        } else if let id = Int64(form["company_id"]), id > 0 {
            companyID = CompanyID(id)
        } else {
            errors.append(ValidationError(field: "company_id", code: "invalid_id", message: "choose a company from the list"))
        }
        phones = FormFields.phones(form["phones"], keeping: phones, defaultCountryCode: context.defaultCountryCode, errors: &errors)
        emails = FormFields.emails(form["emails"], keeping: emails, errors: &errors)
        tags = FormFields.tags(form["tags"])
        return errors
    }

    func formValues(_ context: FormContext) -> [String: Any] {
        [
            "first_name": firstName, "middle_name": middleName, "last_name": lastName, "job_title": jobTitle,
            "family_first": nameOrder == .familyFirst, "company_id": companyID?.description ?? "",
            "phones": phones.map(\.number.international).joined(separator: "\n"), "emails": emails.map(\.address.value).joined(separator: "\n"),
            "tags": tags.joined(separator: ", "),
        ]
    }

    var listColumns: [String: Any] {
        [
            "job_title": jobTitle, "phone": phones.first?.number.international ?? "", "email": emails.first?.address.value ?? "",
            "company_id": companyID?.description ?? "", "tags": tags,
        ]
    }
}
