/// How many deals each stage needs in a period to reach a target, from the measured conversion rates and
/// average won amount: the top of the funnel a team must fill.
public struct RequiredFunnel: Codable, Sendable, Equatable {
    public enum Target: Codable, Sendable, Equatable {
        case wonDeals(Int)
        /// An amount in one currency, turned into deals by the average won amount in that currency.
        case wonAmount(Money)
    }

    public struct Row: Codable, Sendable, Equatable {
        public let stage: Stage
        /// Nil when some later stage never converted, so no number of deals reaches the target.
        public let required: Int?
        public let plan: Int?
    }

    public let target: Target
    public let wonDealsNeeded: Int?
    public let averageWonAmount: Money?
    public let rows: [Row]

    /// - Parameter measured: a `withConversions` funnel of a past period, whose rates never exceed 100%.
    public init(target: Target, measured: FunnelReport, plans: [SalesPlan]) {
        self.target = target
        switch target {
        case .wonDeals(let count):
            wonDealsNeeded = count
            averageWonAmount = nil
        case .wonAmount(let money):
            let totals = measured.wonAmount.minorUnits[money.currency.code] ?? 0
            let average = measured.won > 0 && totals > 0 ? Money(minorUnits: totals / Int64(measured.won), currency: money.currency) : nil
            averageWonAmount = average
            wonDealsNeeded = average.map { Int((money.minorUnits + $0.minorUnits - 1) / $0.minorUnits) }
        }
        let targets = Dictionary(plans.map { ($0.stageID, $0.target) }, uniquingKeysWith: { _, last in last })
        var needed = wonDealsNeeded.map(Double.init)
        var rows: [Row] = []
        for row in measured.rows.reversed() {
            if let current = needed {
                needed = (row.conversionToNext ?? 0) > 0 ? current / row.conversionToNext! : (current == 0 ? 0 : nil)
            }
            // Rounding keeps float noise (10 / 0.1 = 100.00000000000001) from asking for one deal too many.
            rows.append(Row(stage: row.stage, required: needed.map { Int((($0 * 1e9).rounded() / 1e9).rounded(.up)) }, plan: targets[row.stage.id]))
        }
        self.rows = rows.reversed()
    }
}
