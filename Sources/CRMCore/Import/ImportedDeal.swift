/// A deal as it happened elsewhere or earlier: where it started, when, and each move since, with its time.
public struct ImportedDeal: Sendable {
    public var fields: DealFields
    public var owner: UserID
    public var team: TeamID?
    public var createdAt: Timestamp
    public var events: [(at: Timestamp, move: FunnelMove)]

    public init(fields: DealFields, owner: UserID, team: TeamID?, createdAt: Timestamp, events: [(at: Timestamp, move: FunnelMove)]) {
        self.fields = fields
        self.owner = owner
        self.team = team
        self.createdAt = createdAt
        self.events = events
    }
}
