/// A group of users who sell together. A manager heads it; `sharesRecords` lets members see each other's records.
public struct Team: Codable, Sendable, Equatable {
    public var id: TeamID
    public var name: String
    public var managerID: UserID?
    public var sharesRecords: Bool
    public var memberIDs: [UserID]

    public init(id: TeamID, name: String, managerID: UserID?, sharesRecords: Bool, memberIDs: [UserID]) {
        self.id = id
        self.name = name
        self.managerID = managerID
        self.sharesRecords = sharesRecords
        self.memberIDs = memberIDs
    }
}
