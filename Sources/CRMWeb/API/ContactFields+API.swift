import CRMCore
import Foundation
import HTTPTypes
import Logging

extension ContactFields: APIResource {
    static let collection = "contacts"
    static let inputFields: Set<String> = [
        "first_name", "middle_name", "last_name", "name_order", "job_title", "company_id", "phones", "emails", "tags",
    ]
    static let listParameters: Set<String> = ["company_id"]
    static var blank: ContactFields { ContactFields(lastName: "") }

    mutating func apply(_ input: inout JSONInput, defaultCountryCode: String) {
        if let value = input.string("first_name") { firstName = value }
        if let value = input.string("middle_name") { middleName = value }
        if let value = input.string("last_name") { lastName = value }
        if let value = input.choice("name_order", NameOrder.self) { nameOrder = value ?? .givenFirst }
        if let value = input.string("job_title") { jobTitle = value }
        if let value = input.id("company_id") { companyID = value.map { CompanyID($0) } }
        if let value = input.strings("tags") { tags = value }
        if let value = SharedInput.phones(&input, "phones", defaultCountryCode: defaultCountryCode) { phones = value }
        if let value = SharedInput.emails(&input, "emails") { emails = value }
    }

    var json: [String: JSONValue] {
        [
            "first_name": .string(firstName), "middle_name": .string(middleName), "last_name": .string(lastName),
            "name_order": .string(nameOrder.rawValue), "display_name": .string(displayName), "job_title": .string(jobTitle),
            "company_id": .optional(companyID?.rawValue),
            "phones": SharedInput.phonesJSON(phones), "emails": SharedInput.emailsJSON(emails),
            "tags": .array(tags.map(JSONValue.string)),
        ]
    }

    static let csvColumns = ["first_name", "middle_name", "last_name", "job_title", "company_id", "phones", "emails", "tags"]

    var csvValues: [String] {
        [
            firstName, middleName, lastName, jobTitle, companyID?.description ?? "",
            phones.map(\.number.e164).joined(separator: "; "), emails.map(\.address.value).joined(separator: "; "),
            tags.joined(separator: "; "),
        ]
    }
}
