/// How far a deal has come, read from its stage log so far, so each new row can be marked with what it adds to
/// the funnel. The marks make every funnel figure a sum of rows: a deal counts in a stage in the period it
/// *first* entered it, is counted as reaching a stage (with conversions) when it first got that far, and is
/// counted as won at its first win. Sums of rows can be kept per day (`funnel_days`) and added up for any
/// period, which is what lets a report over a million deals answer from a few thousand rows.
public struct DealProgress: Sendable, Equatable {
    public struct Marks: Sendable, Equatable {
        /// The deal's first entry into this stage, or its first win.
        public let firstTime: Bool
        /// Levels (stage position + 1) in `reachFrom + 1 ... reachTo` are reached for the first time by this row.
        public let reachFrom: Int
        public let reachTo: Int
        /// For a row that ends a stay in a stage (moved on, won, lost): how long the stay lasted.
        public let stayMilliseconds: Int64?

        public init(firstTime: Bool, reachFrom: Int, reachTo: Int, stayMilliseconds: Int64?) {
            self.firstTime = firstTime
            self.reachFrom = reachFrom
            self.reachTo = reachTo
            self.stayMilliseconds = stayMilliseconds
        }
    }

    private var entered: Set<StageID> = []
    private var hasWon = false
    /// The highest level reached: 0 before any entry, the pipeline's top level once won.
    private var reach = 0
    private var lastEntry: Timestamp?

    public init() {}

    /// Rows that put an open deal into a stage.
    public static func isEntry(_ kind: TransitionKind, status: DealStatus) -> Bool {
        status == .open && TransitionKind.entries.contains(kind)
    }

    /// The progress shown by rows already logged (in log order), with the reach each was marked with.
    public init(history: [(kind: TransitionKind, stage: StageID, status: DealStatus, reachTo: Int, at: Timestamp)]) {
        for row in history {
            if Self.isEntry(row.kind, status: row.status) {
                entered.insert(row.stage)
                lastEntry = row.at
            }
            if row.kind == .won { hasWon = true }
            reach = max(reach, row.reachTo)
        }
    }

    /// Marks the next row of the log and takes it into account.
    /// - Parameters:
    ///   - level: the stage's position + 1.
    ///   - top: the highest level of the deal's pipeline; a win reaches every stage.
    public mutating func record(kind: TransitionKind, stage: StageID, status: DealStatus, level: Int, top: Int, at: Timestamp) -> Marks {
        let entry = Self.isEntry(kind, status: status)
        let firstTime = entry ? !entered.contains(stage) : (kind == .won && !hasWon)
        let reachFrom = reach
        if entry { reach = max(reach, level) }
        if kind == .won { reach = max(reach, top) }
        var stay: Int64?
        if [.moved, .won, .lost].contains(kind), let lastEntry { stay = at.rawValue - lastEntry.rawValue }
        if entry {
            entered.insert(stage)
            lastEntry = at
        }
        if kind == .won { hasWon = true }
        return Marks(firstTime: firstTime, reachFrom: reachFrom, reachTo: reach, stayMilliseconds: stay)
    }
}
