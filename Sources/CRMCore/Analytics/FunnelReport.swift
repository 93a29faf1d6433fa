/// How the historical funnel counts a deal in the stages of a period.
///
/// The rule, also in docs/reports.md:
/// - An *entry* is a stage-log row that puts a deal into a stage while open: created, moved, reopened.
/// - `passed`: a deal counts once in each stage it entered during the period, however often it re-entered
///   (a back move and a return count once). Skipped stages are not counted, so a later stage may hold more
///   deals than an earlier one and conversion may exceed 100%.
/// - `withConversions`: a deal counts in every stage up to the furthest it entered during the period, by the
///   stages' current order; a deal won in the period counts in every stage. A back move never lowers the
///   furthest stage.
/// - Won and lost count deals with a won (lost) row in the period, even if reopened afterwards.
public enum CountingMode: String, Codable, Sendable, CaseIterable {
    case passed
    case withConversions = "with_conversions"
}

/// What the stage log says about a set of deals in a period, gathered by the store.
public struct FunnelTally: Codable, Sendable, Equatable {
    /// Distinct deals that entered each stage in the period, with the amount they had on entering.
    public var entered: [StageID: Int]
    public var enteredAmount: [StageID: MoneyTotals]
    /// Deals by the furthest stage they entered in the period; won deals are counted under `won`, not here.
    public var furthest: [StageID: Int]
    public var won: Int
    public var wonAmount: MoneyTotals
    public var lost: Int
    public var lostAmount: MoneyTotals

    public init(entered: [StageID: Int] = [:], enteredAmount: [StageID: MoneyTotals] = [:], furthest: [StageID: Int] = [:], won: Int = 0, wonAmount: MoneyTotals = MoneyTotals(), lost: Int = 0, lostAmount: MoneyTotals = MoneyTotals()) {
        self.entered = entered
        self.enteredAmount = enteredAmount
        self.furthest = furthest
        self.won = won
        self.wonAmount = wonAmount
        self.lost = lost
        self.lostAmount = lostAmount
    }

    public mutating func add(_ other: FunnelTally) {
        entered.merge(other.entered, uniquingKeysWith: +)
        furthest.merge(other.furthest, uniquingKeysWith: +)
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
        var counts: [Int]
        switch mode {
        case .passed:
            counts = ordered.map { tally.entered[$0.id] ?? 0 }
        case .withConversions:
            var running = tally.won
            counts = Array(repeating: 0, count: ordered.count)
            for index in ordered.indices.reversed() {
                running += tally.furthest[ordered[index].id] ?? 0
                counts[index] = running
            }
        }
        let first = counts.first ?? 0
        rows = ordered.indices.map { index in
            let next = index + 1 < counts.count ? counts[index + 1] : tally.won
            return Row(
                stage: ordered[index], deals: counts[index], conversionToNext: Self.share(next, of: counts[index]),
                conversionFromFirst: Self.share(counts[index], of: first), dropOff: max(0, counts[index] - next)
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
