/// Why deals are lost, from a list admins keep, so losses can be counted by reason.
public struct LossReason: Codable, Sendable, Equatable {
    public var id: LossReasonID
    public var name: String
    /// The name in other languages, by language code; a reader whose language has none sees `name`.
    public var translations: [String: String]
    public var isActive: Bool

    public init(id: LossReasonID, name: String, translations: [String: String] = [:], isActive: Bool) {
        self.id = id
        self.name = name
        self.translations = translations
        self.isActive = isActive
    }

    public func name(in language: String) -> String { translations[language] ?? name }
}
