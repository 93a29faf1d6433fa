import CRMCore
import Foundation
import HTTPTypes
import Logging

extension CompanyFields: APIResource {
    static let collection = "companies"
    static let inputFields: Set<String> = [
        "name", "legal_name", "tax_id", "industry", "size", "website", "priority", "addresses", "phones", "emails", "tags",
    ]
    static let listParameters: Set<String> = ["priority"]
    static var blank: CompanyFields { CompanyFields(name: "") }

    mutating func apply(_ input: inout JSONInput, defaultCountryCode: String) {
        if let value = input.string("name") { name = value }
        if let value = input.string("legal_name") { legalName = value }
        if let value = input.string("tax_id") { taxID = value }
        if let value = input.string("industry") { industry = value }
        if let value = input.string("website") { website = value }
        if let value = input.choice("size", CompanySize.self) { size = value }
        if let value = input.choice("priority", Priority.self) { priority = value }
        if let value = input.strings("tags") { tags = value }
        if let value = SharedInput.phones(&input, "phones", defaultCountryCode: defaultCountryCode) { phones = value }
        if let value = SharedInput.emails(&input, "emails") { emails = value }
        if let value = input.array("addresses", Self.address) { addresses = value }
    }

    private static func address(_ element: JSONValue, _ path: String) throws(ValidationError) -> PostalAddress {
        let keys = ["label", "street", "city", "region", "postal_code", "country"]
        guard case .object(let object) = element else {
            throw ValidationError(field: path, code: "wrong_type", message: "must be an address object")
        }
        if let extra = Set(object.keys).subtracting(keys).sorted().first {
            throw ValidationError(field: "\(path).\(extra)", code: "unknown_field", message: "is not a field here")
        }
        var values: [String: String] = [:]
        for key in keys {
            switch object[key] {
            case nil, .null: values[key] = ""
            case .string(let text) where text.count <= 200: values[key] = text.trimmingWhitespace()
            default: throw ValidationError(field: "\(path).\(key)", code: "wrong_type", message: "must be a string of at most 200 characters")
            }
        }
        let country = values["country"]!.uppercased()
        guard country.isEmpty || (country.count == 2 && country.allSatisfy { ("A"..."Z").contains($0) }) else {
            throw ValidationError(field: "\(path).country", code: "invalid_country", message: "must be an ISO 3166 two-letter code such as PL")
        }
        return PostalAddress(
            label: values["label"]!.isEmpty ? "office" : values["label"]!,
            street: values["street"]!,
            city: values["city"]!,
            region: values["region"]!,
            postalCode: values["postal_code"]!,
            country: country
        )
    }

    var json: [String: JSONValue] {
        [
            "name": .string(name), "legal_name": .string(legalName), "tax_id": .string(taxID), "industry": .string(industry),
            "size": .optional(size?.rawValue), "website": .string(website), "priority": .optional(priority?.rawValue),
            "addresses": .array(
                addresses.map { address in
                    .object([
                        "label": .string(address.label), "street": .string(address.street), "city": .string(address.city),
                        "region": .string(address.region), "postal_code": .string(address.postalCode), "country": .string(address.country),
                    ])
                }
            ),
            "phones": SharedInput.phonesJSON(phones), "emails": SharedInput.emailsJSON(emails),
            "tags": .array(tags.map(JSONValue.string)),
        ]
    }

    static let csvColumns = ["name", "legal_name", "tax_id", "industry", "size", "website", "priority", "phones", "emails", "address", "tags"]

    var csvValues: [String] {
        [
            name, legalName, taxID, industry, size?.rawValue ?? "", website, priority?.rawValue ?? "",
            phones.map(\.number.e164).joined(separator: "; "), emails.map(\.address.value).joined(separator: "; "),
            addresses.first?.singleLine ?? "", tags.joined(separator: "; "),
        ]
    }
}
