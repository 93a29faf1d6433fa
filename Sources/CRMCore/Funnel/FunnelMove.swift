/// What a stage-log entry records. Moves, closes and reopens change where a deal is; amount and close-date
/// changes are logged too, so slippage can be measured.
public enum TransitionKind: String, Codable, Sendable, CaseIterable {
    case created, moved, won, lost, reopened
    case amountChanged = "amount_changed"
    case closeDateChanged = "close_date_changed"

    /// Rows that put a deal into a stage (while open: see `DealProgress.isEntry`).
    public static let entries: [TransitionKind] = [.created, .moved, .reopened]
}

/// One row of the append-only stage log: the deal's position and figures at the moment something happened.
public struct StageTransition: Codable, Sendable, Equatable {
    public let id: Int64
    public let dealID: DealID
    public let pipelineID: PipelineID
    public let kind: TransitionKind
    public let fromStageID: StageID?
    public let toStageID: StageID
    public let status: DealStatus
    public let at: Timestamp
    public let actorID: UserID?
    public let amount: Money
    public let probability: Int
    public let expectedCloseDate: CalendarDate?
    public let lossReasonID: LossReasonID?
    public let comment: String

    public init(
        id: Int64,
        dealID: DealID,
        pipelineID: PipelineID,
        kind: TransitionKind,
        fromStageID: StageID?,
        toStageID: StageID,
        status: DealStatus,
        at: Timestamp,
        actorID: UserID?,
        amount: Money,
        probability: Int,
        expectedCloseDate: CalendarDate?,
        lossReasonID: LossReasonID?,
        comment: String
    ) {
        self.id = id
        self.dealID = dealID
        self.pipelineID = pipelineID
        self.kind = kind
        self.fromStageID = fromStageID
        self.toStageID = toStageID
        self.status = status
        self.at = at
        self.actorID = actorID
        self.amount = amount
        self.probability = probability
        self.expectedCloseDate = expectedCloseDate
        self.lossReasonID = lossReasonID
        self.comment = comment
    }
}

/// A request to change where a deal is in its funnel. `apply` is the whole rule book, pure and testable:
/// it answers the deal's new state and the log entry kind, or why the move is not allowed.
public enum FunnelMove: Sendable, Equatable {
    case move(to: StageID)
    case win
    case lose(reason: LossReasonID, comment: String)
    case reopen(to: StageID?)

    public struct Outcome: Sendable, Equatable {
        public let fields: DealFields
        public let kind: TransitionKind
        public let fromStage: StageID?
    }

    public func apply(
        to deal: DealFields,
        in pipeline: Pipeline,
        activeReasons: Set<LossReasonID>,
        at now: Timestamp
    ) throws(ValidationError) -> Outcome {
        var next = deal
        switch self {
        case .move(let target):
            guard deal.status == .open else {
                throw ValidationError(
                    field: "stage_id",
                    code: "deal_closed",
                    message: "a \(deal.status.rawValue) deal must be reopened before it moves"
                )
            }
            let stage = try Self.stage(target, in: pipeline)
            guard target != deal.stageID else {
                throw ValidationError(field: "stage_id", code: "same_stage", message: "the deal is already in \(stage.name)")
            }
            let missing = stage.requiredFields.filter { !Self.has($0, deal) }
            guard missing.isEmpty else {
                throw ValidationError(
                    field: missing[0],
                    code: "required_for_stage",
                    message: "\(stage.name) needs \(missing.joined(separator: ", ")) filled in first"
                )
            }
            next.stageID = target
            next.stageEnteredAt = now
            return Outcome(fields: next, kind: .moved, fromStage: deal.stageID)
        case .win:
            guard deal.status == .open else { throw ValidationError(code: "deal_closed", message: "the deal is already \(deal.status.rawValue)") }
            next.status = .won
            next.closedAt = now
            next.lossReasonID = nil
            next.lossComment = ""
            return Outcome(fields: next, kind: .won, fromStage: deal.stageID)
        case .lose(let reason, let comment):
            guard deal.status == .open else { throw ValidationError(code: "deal_closed", message: "the deal is already \(deal.status.rawValue)") }
            guard activeReasons.contains(reason) else {
                throw ValidationError(field: "loss_reason_id", code: "unknown_loss_reason", message: "choose a loss reason from the list")
            }
            next.status = .lost
            next.closedAt = now
            next.lossReasonID = reason
            next.lossComment = comment.trimmingWhitespace()
            return Outcome(fields: next, kind: .lost, fromStage: deal.stageID)
        case .reopen(let target):
            guard deal.status != .open else { throw ValidationError(code: "deal_open", message: "the deal is open already") }
            // Reopening where the deal closed needs that stage still to be in the pipeline (it may be archived).
            _ = try Self.stage(target ?? deal.stageID, in: pipeline)
            next.status = .open
            next.closedAt = nil
            next.lossReasonID = nil
            next.lossComment = ""
            if let target, target != deal.stageID {
                next.stageID = target
                next.stageEnteredAt = now
            }
            return Outcome(fields: next, kind: .reopened, fromStage: deal.stageID)
        }
    }

    private static func stage(_ id: StageID, in pipeline: Pipeline) throws(ValidationError) -> Stage {
        guard let stage = pipeline.stage(id) else {
            throw ValidationError(field: "stage_id", code: "unknown_stage", message: "stage \(id) is not a stage of \(pipeline.name)")
        }
        return stage
    }

    private static func has(_ field: String, _ deal: DealFields) -> Bool {
        switch field {
        case "amount": deal.amount.minorUnits > 0
        case "expected_close_date": deal.expectedCloseDate != nil
        case "company_id": deal.companyID != nil
        case "source": !deal.source.isEmpty
        default: true
        }
    }
}
