/// A phone number with what it is for ("work", "mobile", …).
public struct LabeledPhone: Codable, Sendable, Equatable {
    public var label: String
    public var number: PhoneNumber

    public init(label: String = "work", number: PhoneNumber) {
        self.label = label
        self.number = number
    }
}

/// An e-mail address with what it is for.
public struct LabeledEmail: Codable, Sendable, Equatable {
    public var label: String
    public var address: EmailAddress

    public init(label: String = "work", address: EmailAddress) {
        self.label = label
        self.address = address
    }
}

/// A postal address. Countries are ISO 3166-1 alpha-2 codes so they sort and filter the same in every language.
public struct PostalAddress: Codable, Sendable, Equatable {
    public var label: String
    public var street: String
    public var city: String
    public var region: String
    public var postalCode: String
    public var country: String

    public init(label: String = "office", street: String = "", city: String = "", region: String = "", postalCode: String = "", country: String = "")
    {
        self.label = label
        self.street = street
        self.city = city
        self.region = region
        self.postalCode = postalCode
        self.country = country
    }

    public var singleLine: String {
        [street, [postalCode, city].filter { !$0.isEmpty }.joined(separator: " "), region, country]
            .filter { !$0.isEmpty }.joined(separator: ", ")
    }
}

/// Tags are short labels used for segments; they are trimmed, de-duplicated case-insensitively and kept in order.
public enum Tags {
    public static func normalize(_ tags: [String]) throws(ValidationError) -> [String] {
        var seen = Set<String>()
        var result: [String] = []
        for raw in tags {
            let tag = raw.trimmingWhitespace()
            guard !tag.isEmpty else { continue }
            guard tag.count <= 50 else {
                throw ValidationError(field: "tags", code: "too_long", message: "a tag has at most 50 characters")
            }
            if seen.insert(TextFolding.fold(tag)).inserted { result.append(tag) }
        }
        guard result.count <= 30 else {
            throw ValidationError(field: "tags", code: "too_many", message: "a record has at most 30 tags")
        }
        return result
    }
}
