/// Which deals a report counts: one pipeline and a period, narrowed by owner, team, source, when the deal was
/// created and the segment of its company. The permission layer narrows further, in the store.
public struct ReportFilter: Codable, Sendable, Equatable {
    public var pipelineID: PipelineID
    public var period: ReportPeriod
    /// Empty means every owner.
    public var ownerIDs: [UserID]
    public var teamID: TeamID?
    public var source: String?
    public var created: ReportPeriod?
    public var companyPriority: Priority?
    public var companyTag: String?

    public init(
        pipelineID: PipelineID,
        period: ReportPeriod,
        ownerIDs: [UserID] = [],
        teamID: TeamID? = nil,
        source: String? = nil,
        created: ReportPeriod? = nil,
        companyPriority: Priority? = nil,
        companyTag: String? = nil
    ) {
        self.pipelineID = pipelineID
        self.period = period
        self.ownerIDs = ownerIDs
        self.teamID = teamID
        self.source = source
        self.created = created
        self.companyPriority = companyPriority
        self.companyTag = companyTag
    }
}

/// How a report's rows are split.
public enum ReportGrouping: String, Codable, Sendable, CaseIterable {
    case none, owner, team, source, period
}

/// A value a report's rows were grouped by.
public enum ReportGroupKey: Hashable, Sendable, Codable {
    case all
    case owner(UserID)
    case team(TeamID?)
    case source(String)
    case bucket(ReportPeriod)
}
