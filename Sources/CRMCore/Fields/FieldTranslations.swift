/// A custom field's words in other languages: its label, and each option's name, by language code.
public struct FieldTranslations: Codable, Sendable, Equatable {
    public var labels: [String: String]
    /// Language → option as defined → its name in that language.
    public var options: [String: [String: String]]

    public init(labels: [String: String] = [:], options: [String: [String: String]] = [:]) {
        self.labels = labels
        self.options = options
    }

    /// Either part may be missing: fields defined before translations existed store `{}` (migration 23's default).
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        labels = try container.decodeIfPresent([String: String].self, forKey: .labels) ?? [:]
        options = try container.decodeIfPresent([String: [String: String]].self, forKey: .options) ?? [:]
    }

    /// Only what is said, for options the field has; blank names fall back to the field's own words.
    public func cleaned(options defined: [String]) -> FieldTranslations {
        FieldTranslations(
            labels: labels.mapValues { $0.trimmingWhitespace() }.filter { !$0.value.isEmpty },
            options: options.mapValues { names in
                names.filter { defined.contains($0.key) && !$0.value.trimmingWhitespace().isEmpty }.mapValues { $0.trimmingWhitespace() }
            }
            .filter { !$0.value.isEmpty }
        )
    }

    /// The same names with one option called something else (an admin renamed it).
    public func renamingOption(_ from: String, to: String) -> FieldTranslations {
        var copy = self
        copy.options = options.mapValues { names in
            var names = names
            if let name = names.removeValue(forKey: from) { names[to] = name }
            return names
        }
        return copy
    }
}
