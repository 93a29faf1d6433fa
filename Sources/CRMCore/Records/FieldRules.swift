/// Small rules shared by the records' `validated()` functions.
enum FieldRules {
    static func maxLength(_ values: [String: String], _ limit: Int) -> [ValidationError] {
        values.sorted { $0.key < $1.key }.compactMap { field, value in
            value.count > limit ? ValidationError(field: field, code: "too_long", message: "at most \(limit) characters") : nil
        }
    }

    static func website(_ text: String) -> ValidationError? {
        let host = normalizedWebsite(text).split(separator: "/", maxSplits: 3).dropFirst(1).first.map(String.init) ?? ""
        let valid = host.contains(".") && !host.contains(" ") && text.count <= 500
        return valid ? nil : ValidationError(field: "website", code: "invalid_url", message: "'\(text)' is not a web address")
    }

    static func country(_ code: String) -> ValidationError? {
        code.isEmpty || (code.count == 2 && code.allSatisfy { ("A"..."Z").contains($0) })
            ? nil
            : ValidationError(field: "country", code: "invalid_country", message: "must be an ISO 3166 two-letter code such as PL")
    }

    /// People type `firma.pl`; links need a scheme.
    static func normalizedWebsite(_ text: String) -> String {
        let lower = text.lowercased()
        return lower.hasPrefix("http://") || lower.hasPrefix("https://") ? text : "https://" + text
    }
}
