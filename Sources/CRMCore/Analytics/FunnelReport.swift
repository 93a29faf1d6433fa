/// How the historical funnel counts a deal in the stages of a period.
///
/// The rule, also in docs/reports.md: every figure counts a deal once, in the period it first did the thing
/// counted, so figures for adjacent periods add up and a back move never counts twice.
/// - An *entry* is a stage-log row that puts a deal into a stage while open: created, moved, reopened.
/// - `passed`: a deal counts in a stage in the period it first entered that stage; re-entering it later (after a
///   back move or a reopen) does not count again. Skipped stages are not counted, so a later stage may hold more
///   deals than an earlier one and conversion may exceed 100%.
/// - `withConversions`: a deal counts in every stage up to the furthest it has reached, each in the period it
///   first got that far, by the stages' order when it moved; a win reaches every stage. A back move never lowers
///   how far a deal has reached.
/// - Won counts a deal in the period of its first win; lost counts every loss (a deal reopened and lost again
///   was lost twice), at the stage and for the reason of that loss.
public enum CountingMode: String, Codable, Sendable, CaseIterable {
    case passed
    case withConversions = "with_conversions"
}

/// What the stage log says about a set of deals in a period, gathered by the store.
public struct FunnelTally: Codable, Sendable, Equatable {
    /// Deals that first entered each stage in the period, with the amount they had on entering.
    public var entered: [StageID: Int]
    public var enteredAmount: [StageID: MoneyTotals]
    /// Deals that first reached each stage (it or a later one, or won) in the period.
    public var reached: [StageID: Int]
    public var won: Int
    public var wonAmount: MoneyTotals
    public var lost: Int
    public var lostAmount: MoneyTotals

    public init(
        entered: [StageID: Int] = [:],
        enteredAmount: [StageID: MoneyTotals] = [:],
        reached: [StageID: Int] = [:],
        won: Int = 0,
        wonAmount: MoneyTotals = MoneyTotals(),
        lost: Int = 0,
        lostAmount: MoneyTotals = MoneyTotals()
    ) {
        self.entered = entered
        self.enteredAmount = enteredAmount
        self.reached = reached
        self.won = won
        self.wonAmount = wonAmount
        self.lost = lost
        self.lostAmount = lostAmount
    }

    public mutating func add(_ other: FunnelTally) {
        entered.merge(other.entered, uniquingKeysWith: +)
        reached.merge(other.reached, uniquingKeysWith: +)
        for (stage, amount) in other.enteredAmount { enteredAmount[stage, default: MoneyTotals()].add(amount) }
        won += other.won
        wonAmount.add(other.wonAmount)
        lost += other.lost
        lostAmount.add(other.lostAmount)
    }
}

/// The historical funnel of a period: per stage the deals counted, conversion to the next stage and drop-off.
public struct FunnelReport: Codable, Sendable, Equatable {
    public struct Row: Codable, Sendable, Equatable {
        public let stage: Stage
        public let deals: Int
        /// Share of this stage's deals counted in the next stage (the last stage converts to won); nil with no deals.
        public let conversionToNext: Double?
        /// Share of the first stage's deals counted here.
        public let conversionFromFirst: Double?
        /// Deals counted here but not in the next stage; never negative.
        public let dropOff: Int
    }

    public let mode: CountingMode
    public let rows: [Row]
    public let won: Int
    public let wonAmount: MoneyTotals
    public let lost: Int
    public let lostAmount: MoneyTotals
    /// Won deals as a share of the first stage's deals.
    public let overallConversion: Double?

    public init(stages: [Stage], tally: FunnelTally, mode: CountingMode) {
        let ordered = stages.sorted { $0.position < $1.position }
        let counts = ordered.map { (mode == .passed ? tally.entered : tally.reached)[$0.id] ?? 0 }
        let first = counts.first ?? 0
        rows = ordered.indices.map { index in
            let next = index + 1 < counts.count ? counts[index + 1] : tally.won
            return Row(
                stage: ordered[index],
                deals: counts[index],
                conversionToNext: Self.share(next, of: counts[index]),
                conversionFromFirst: Self.share(counts[index], of: first),
                dropOff: max(0, counts[index] - next)
            )
        }
        self.mode = mode
        won = tally.won
        wonAmount = tally.wonAmount
        lost = tally.lost
        lostAmount = tally.lostAmount
        overallConversion = Self.share(tally.won, of: first)
    }

    public func row(_ stage: StageID) -> Row? { rows.first { $0.stage.id == stage } }

    static func share(_ part: Int, of whole: Int) -> Double? {
        whole > 0 ? Double(part) / Double(whole) : nil
    }
}
