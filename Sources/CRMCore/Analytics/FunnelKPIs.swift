/// Velocity and the headline figures of a period, from the stage log.
public struct FunnelKPIs: Codable, Sendable, Equatable {
    /// Time spent in stages, gathered by the store from stays that ended in the period.
    public struct StageTime: Codable, Sendable, Equatable {
        public let milliseconds: Int64
        public let stays: Int

        public init(milliseconds: Int64, stays: Int) {
            self.milliseconds = milliseconds
            self.stays = stays
        }
    }

    /// One change of a deal's expected close date in the period.
    public struct CloseDateChange: Codable, Sendable, Equatable {
        public let dealID: DealID
        public let from: CalendarDate?
        public let to: CalendarDate?

        public init(dealID: DealID, from: CalendarDate?, to: CalendarDate?) {
            self.dealID = dealID
            self.from = from
            self.to = to
        }
    }

    public struct Inputs: Codable, Sendable, Equatable {
        public var stageTime: [StageID: StageTime] = [:]
        public var won = 0
        public var lost = 0
        public var wonAmount = MoneyTotals()
        /// Sum over deals won in the period of the time from creation to winning.
        public var wonCycleMilliseconds: Int64 = 0
        public var openDeals = 0
        public var openAmount = MoneyTotals()
        public var staleByStage: [StageID: Int] = [:]
        public var closeDateChanges: [CloseDateChange] = []

        public init() {}
    }

    public struct Slippage: Codable, Sendable, Equatable {
        public let changes: Int
        public let dealsMoved: Int
        /// Changes that pushed the date later.
        public let pushed: Int
        public let averageDaysPushed: Double?
    }

    public let averageDaysInStage: [StageID: Double]
    public let averageCycleDays: Double?
    public let winRate: Double?
    public let averageWonAmount: MoneyTotals
    /// Amount expected to close per day: open deals × win rate × average won amount ÷ cycle days.
    public let salesVelocityPerDay: MoneyTotals
    public let openDeals: Int
    public let staleByStage: [StageID: Int]
    public let slippage: Slippage
    /// Average discount on quotes; the quotes issue fills it in.
    public let averageDiscount: Double?

    public init(_ inputs: Inputs) {
        let day = 86_400_000.0
        averageDaysInStage = inputs.stageTime.compactMapValues { $0.stays > 0 ? Double($0.milliseconds) / Double($0.stays) / day : nil }
        averageCycleDays = inputs.won > 0 ? Double(inputs.wonCycleMilliseconds) / Double(inputs.won) / day : nil
        winRate = FunnelReport.share(inputs.won, of: inputs.won + inputs.lost)
        averageWonAmount = inputs.wonAmount.average(over: inputs.won)
        if let winRate, let cycle = averageCycleDays, cycle > 0 {
            var velocity = MoneyTotals()
            for (currency, average) in averageWonAmount.minorUnits {
                velocity.add(Int64((Double(inputs.openDeals) * winRate * Double(average) / cycle).rounded()), currency: currency)
            }
            salesVelocityPerDay = velocity
        } else {
            salesVelocityPerDay = MoneyTotals()
        }
        openDeals = inputs.openDeals
        staleByStage = inputs.staleByStage
        let pushes = inputs.closeDateChanges.compactMap { change -> Int? in
            guard let from = change.from, let to = change.to, from < to else { return nil }
            return from.days(until: to)
        }
        slippage = Slippage(
            changes: inputs.closeDateChanges.count,
            dealsMoved: Set(inputs.closeDateChanges.map(\.dealID)).count,
            pushed: pushes.count,
            averageDaysPushed: pushes.isEmpty ? nil : Double(pushes.reduce(0, +)) / Double(pushes.count)
        )
        averageDiscount = nil
    }
}
