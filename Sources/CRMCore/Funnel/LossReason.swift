/// Why deals are lost, from a list admins keep, so losses can be counted by reason.
public struct LossReason: Codable, Sendable, Equatable {
    public var id: LossReasonID
    public var name: String
    public var isActive: Bool

    public init(id: LossReasonID, name: String, isActive: Bool) {
        self.id = id
        self.name = name
        self.isActive = isActive
    }
}
