/// Each rep's stage-to-stage conversion beside the company's (or team's), flagged where the rep converts worse
/// by more than a margin and has enough deals at the stage for the difference to matter: where to coach.
public struct RepComparison: Codable, Sendable, Equatable {
    public struct Settings: Codable, Sendable, Equatable {
        /// Percentage points below the average that raise a flag.
        public var margin: Int
        /// Deals a rep must have at a stage before a flag is raised there.
        public var minimumDeals: Int

        public static let standard = Settings(margin: 10, minimumDeals: 5)

        public init(margin: Int, minimumDeals: Int) {
            self.margin = margin
            self.minimumDeals = minimumDeals
        }
    }

    public struct Cell: Codable, Sendable, Equatable {
        public let stageID: StageID
        public let deals: Int
        public let conversion: Double?
        /// Rep's conversion minus the average, in percentage points.
        public let difference: Double?
        public let isFlagged: Bool
    }

    public struct Rep: Codable, Sendable, Equatable {
        public let ownerID: UserID
        public let cells: [Cell]
        public let won: Int
        public let winRate: Double?
        public var flags: Int { cells.filter(\.isFlagged).count }
    }

    public let average: FunnelReport
    public let reps: [Rep]

    public init(average: FunnelReport, reps: [UserID: FunnelReport], settings: Settings) {
        self.average = average
        self.reps = reps.sorted { $0.key.rawValue < $1.key.rawValue }.map { owner, report in
            let cells = report.rows.map { row in
                let benchmark = average.row(row.stage.id)?.conversionToNext
                let difference = row.conversionToNext.flatMap { mine in benchmark.map { (mine - $0) * 100 } }
                let flagged = row.deals >= settings.minimumDeals && (difference.map { $0 < -Double(settings.margin) } ?? false)
                return Cell(stageID: row.stage.id, deals: row.deals, conversion: row.conversionToNext, difference: difference, isFlagged: flagged)
            }
            return Rep(ownerID: owner, cells: cells, won: report.won, winRate: report.overallConversion)
        }
    }
}
