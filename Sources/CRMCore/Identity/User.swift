/// A person who signs in to Clientele.
public struct User: Codable, Sendable, Equatable {
    public var id: UserID
    public var email: EmailAddress
    public var name: String
    public var role: Role
    public var locale: String
    public var timeZone: String
    public var isActive: Bool
    public var createdAt: Timestamp

    public init(id: UserID, email: EmailAddress, name: String, role: Role, locale: String, timeZone: String, isActive: Bool, createdAt: Timestamp) {
        self.id = id
        self.email = email
        self.name = name
        self.role = role
        self.locale = locale
        self.timeZone = timeZone
        self.isActive = isActive
        self.createdAt = createdAt
    }
}
