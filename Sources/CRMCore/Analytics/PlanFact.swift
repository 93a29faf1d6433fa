/// Whose plan: the whole company, a team, or one rep.
public enum PlanScope: Codable, Sendable, Hashable {
    case company
    case team(TeamID)
    case user(UserID)

    public var kind: String {
        switch self {
        case .company: "company"
        case .team: "team"
        case .user: "user"
        }
    }

    public var subjectID: Int64? {
        switch self {
        case .company: nil
        case .team(let id): id.rawValue
        case .user(let id): id.rawValue
        }
    }

    public init(kind: String, subjectID: Int64?) throws(ValidationError) {
        switch (kind, subjectID) {
        case ("company", _): self = .company
        case ("team", let id?): self = .team(TeamID(id))
        case ("user", let id?): self = .user(UserID(id))
        default:
            throw ValidationError(
                field: "scope",
                code: "invalid_scope",
                message: "a plan is for the company, a team (with its id) or a user (with their id)"
            )
        }
    }
}

/// A target: how many deals should enter one stage of a pipeline (or be won, when `stageID` is nil) in one
/// period, for a scope.
public struct SalesPlan: Codable, Sendable, Equatable {
    public var pipelineID: PipelineID
    public var scope: PlanScope
    public var unit: PeriodUnit
    public var periodStart: CalendarDate
    /// Nil targets won deals.
    public var stageID: StageID?
    public var target: Int

    public init(pipelineID: PipelineID, scope: PlanScope, unit: PeriodUnit, periodStart: CalendarDate, stageID: StageID?, target: Int) {
        self.pipelineID = pipelineID
        self.scope = scope
        self.unit = unit
        self.periodStart = periodStart
        self.stageID = stageID
        self.target = target
    }

    public var period: ReportPeriod { ReportPeriod.containing(periodStart, unit: unit) }

    public func validated() throws(ValidationErrors) -> SalesPlan {
        var errors: [ValidationError] = []
        if target < 0 || target > 1_000_000 {
            errors.append(ValidationError(field: "target", code: "out_of_range", message: "a target is a whole number from 0 to 1,000,000"))
        }
        if ReportPeriod.containing(periodStart, unit: unit).from != periodStart {
            errors.append(
                ValidationError(field: "period_start", code: "not_period_start", message: "\(periodStart) does not start a \(unit.rawValue)")
            )
        }
        guard errors.isEmpty else { throw ValidationErrors(errors) }
        return self
    }
}

/// Where fulfilment turns from red to amber and from amber to green, in percent.
public struct FulfilmentThresholds: Codable, Sendable, Equatable {
    public var amber: Int
    public var green: Int

    public static let standard = FulfilmentThresholds(amber: 70, green: 100, checked: ())

    public init(amber: Int, green: Int) throws(ValidationError) {
        guard 0 <= amber, amber <= green, green <= 1_000 else {
            throw ValidationError(field: "thresholds", code: "invalid_thresholds", message: "thresholds must satisfy 0 ≤ amber ≤ green ≤ 1000")
        }
        self.amber = amber
        self.green = green
    }

    private init(amber: Int, green: Int, checked: Void) {
        self.amber = amber
        self.green = green
    }

    public enum Level: String, Codable, Sendable { case red, amber, green, none }

    public func level(_ fulfilment: Double?) -> Level {
        guard let fulfilment else { return .none }
        let percent = fulfilment * 100
        return percent >= Double(green) ? .green : (percent >= Double(amber) ? .amber : .red)
    }
}

/// Plan against fact for one scope and period: per stage (and won), the target, the deals that entered, and
/// the fulfilment with its colour.
public struct PlanFactReport: Codable, Sendable, Equatable {
    public struct Row: Codable, Sendable, Equatable {
        /// Nil is the won row.
        public let stage: Stage?
        public let plan: Int?
        public let fact: Int
        public let fulfilment: Double?
        public let level: FulfilmentThresholds.Level
    }

    public let rows: [Row]

    public init(stages: [Stage], plans: [SalesPlan], fact: FunnelTally, thresholds: FulfilmentThresholds) {
        let targets = Dictionary(plans.map { ($0.stageID, $0.target) }, uniquingKeysWith: { _, last in last })
        func row(_ stage: Stage?, _ fact: Int) -> Row {
            let plan = targets[stage?.id]
            let fulfilment = plan.flatMap { $0 > 0 ? Double(fact) / Double($0) : nil }
            return Row(stage: stage, plan: plan, fact: fact, fulfilment: fulfilment, level: thresholds.level(fulfilment))
        }
        rows = stages.sorted { $0.position < $1.position }.map { row($0, fact.entered[$0.id] ?? 0) } + [row(nil, fact.won)]
    }
}
