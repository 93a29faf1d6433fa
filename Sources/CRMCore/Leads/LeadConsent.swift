/// A visitor's agreement on a web form that asks for one (to be contacted, to have their data kept): the form's
/// words as the visitor saw them, and when they ticked the box. Privacy law asks a company to show both.
public struct LeadConsent: Codable, Sendable, Equatable {
    public var text: String
    public var at: Timestamp

    public init(text: String, at: Timestamp) {
        self.text = text
        self.at = at
    }
}
