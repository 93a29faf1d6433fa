import CRMCore
import Foundation
import SQLKit

/// The append-only log of every deal movement: the single source of every funnel figure.
/// Rows are only ever inserted here; the database refuses updates and deletes (triggers made by migration 3).
///
/// What each figure reads:
/// - entered, reached, won, lost, stays and cycle times (funnel, velocity, losses, drill-downs, the forecast's
///   closed-won): rows of this log, summed into the rollups (`FunnelRollup`); a win is `firstWin`;
/// - the open pipeline at a past moment (snapshot and forecast "as of"): each deal's latest row up to it;
/// - the open pipeline now (snapshot, KPIs, forecast): the deals table, which is the log's latest row of each deal
///   (both are written in one transaction by `FunnelStore`), read there because it carries what the log does not
///   (the forecast category a rep set, the expected close date as edited since).
enum StageLog {
    /// The rows that are a deal's first win: what "won" means in every figure. A deal won, reopened and won again
    /// counts once, when it was first won.
    static func firstWin(_ alias: String = "t") -> String { "\(alias).kind = 'won' AND \(alias).first_time = 1" }

    static func append(
        _ db: any SQLDatabase,
        _ context: AccessContext,
        deal: DealID,
        fields: DealFields,
        kind: TransitionKind,
        from: StageID?,
        comment: String = "",
        at: Timestamp = .now
    ) async throws {
        let stage = try await db.raw(
            """
            SELECT s.probability, s.position, (SELECT MAX(position) FROM stages WHERE pipeline_id = s.pipeline_id) AS top
            FROM stages s WHERE s.id = \(bind: fields.stageID.rawValue)
            """
        ).first()
        let facts = StageFacts(
            probability: try stage?.value("probability", as: Int.self) ?? 0,
            level: (try stage?.value("position", as: Int.self) ?? 0) + 1,
            top: (try stage?.value("top", as: Int?.self) ?? 0) + 1
        )
        var row = Batch()
        row.progress[deal] = try await progress(db, deal: deal)
        row.add(deal: deal, fields: fields, kind: kind, from: from, comment: comment, at: at, stage: facts, actor: context.userID)
        try await row.flush(db)
        // A deal entering a stage is the event processes start on; the start is requested in this transaction.
        if DealProgress.isEntry(kind, status: fields.status) {
            try await ProcessStore.requestStarts(db, deal: deal, enteredStage: fields.stageID, by: context.userID, at: at)
        }
    }

    /// What the stage a row puts the deal in means for the figures.
    struct StageFacts {
        let probability: Int
        /// The stage's position + 1, and the pipeline's highest.
        let level: Int
        let top: Int
    }

    /// The deal's progress as its logged rows show it.
    static func progress(_ db: any SQLDatabase, deal: DealID) async throws -> DealProgress {
        let rows = try await db.raw(
            """
            SELECT kind, to_stage_id, status, reach_to, at FROM stage_transitions WHERE deal_id = \(bind: deal.rawValue) ORDER BY id
            """
        ).all()
        return DealProgress(
            history: try rows.map { row in
                (
                    TransitionKind(rawValue: try row.value("kind")) ?? .moved, StageID(try row.value("to_stage_id", as: Int64.self)),
                    DealStatus(rawValue: try row.value("status")) ?? .open, try row.value("reach_to", as: Int.self),
                    Timestamp(rawValue: try row.value("at"))
                )
            }
        )
    }

    /// Rows collected for one INSERT: one row for a live move, thousands for an import. Each row is marked with
    /// what it adds to the funnel (`DealProgress`), and the flush adds the rows to the funnel's sums in the same
    /// transaction, so the sums never disagree with the log.
    struct Batch {
        private var rows: [SQLQueryString] = []
        /// Per deal, what its earlier rows showed; a deal new in this batch starts empty.
        var progress: [DealID: DealProgress] = [:]
        var count: Int { rows.count }

        mutating func add(
            deal: DealID,
            fields: DealFields,
            kind: TransitionKind,
            from: StageID?,
            comment: String,
            at: Timestamp,
            stage: StageFacts,
            actor: UserID?
        ) {
            let probability = StageLog.probability(fields, stage.probability)
            let marks = progress[deal, default: DealProgress()].record(
                kind: kind,
                stage: fields.stageID,
                status: fields.status,
                level: stage.level,
                top: stage.top,
                at: at
            )
            rows.append(
                """
                (\(bind: deal.rawValue), \(bind: fields.pipelineID.rawValue), \(bind: kind.rawValue), \(bind: from?.rawValue), \(bind: fields.stageID.rawValue),
                 \(bind: fields.status.rawValue), \(bind: at.rawValue), \(bind: actor?.rawValue), \(bind: fields.amount.minorUnits), \(bind: fields.amount.currency.code),
                 \(bind: probability), \(bind: fields.expectedCloseDate?.description), \(bind: fields.lossReasonID?.rawValue), \(bind: comment),
                 \(bind: marks.firstTime ? 1 : 0), \(bind: marks.reachFrom), \(bind: marks.reachTo), \(bind: marks.stayMilliseconds))
                """
            )
        }

        mutating func flush(_ db: any SQLDatabase) async throws {
            guard !rows.isEmpty else { return }
            let inserted = try await db.raw(
                """
                INSERT INTO stage_transitions (deal_id, pipeline_id, kind, from_stage_id, to_stage_id, status, at, actor_id, amount_minor, currency,
                                               probability, expected_close, loss_reason_id, comment, first_time, reach_from, reach_to, stay_ms)
                VALUES \(rows.joined(separator: ", ")) RETURNING id
                """
            ).all()
            try await FunnelRollup.add(db, logIDs: try inserted.map { try $0.value("id", as: Int64.self) })
            rows.removeAll(keepingCapacity: true)
        }
    }

    /// Won and lost pin the probability to the outcome, so weighted figures at any past moment are right.
    static func probability(_ fields: DealFields, _ stageProbability: Int) -> Int {
        fields.status == .won ? 100 : (fields.status == .lost ? 0 : stageProbability)
    }

    static func entries(_ db: any SQLDatabase, deal: DealID) async throws -> [StageTransition] {
        try await db.raw("SELECT * FROM stage_transitions WHERE deal_id = \(bind: deal.rawValue) ORDER BY id").all().map(decode)
    }

    static func decode(_ row: any SQLRow) throws -> StageTransition {
        StageTransition(
            id: try row.value("id"),
            dealID: DealID(try row.value("deal_id", as: Int64.self)),
            pipelineID: PipelineID(try row.value("pipeline_id", as: Int64.self)),
            kind: TransitionKind(rawValue: try row.value("kind")) ?? .moved,
            fromStageID: try row.value("from_stage_id", as: Int64?.self).map { StageID($0) },
            toStageID: StageID(try row.value("to_stage_id", as: Int64.self)),
            status: DealStatus(rawValue: try row.value("status")) ?? .open,
            at: Timestamp(rawValue: try row.value("at")),
            actorID: try row.value("actor_id", as: Int64?.self).map { UserID($0) },
            amount: Money(minorUnits: try row.value("amount_minor"), currency: try Currency(code: try row.value("currency"))),
            probability: try row.value("probability"),
            expectedCloseDate: try row.value("expected_close", as: String?.self).map { try CalendarDate(parsing: $0) },
            lossReasonID: try row.value("loss_reason_id", as: Int64?.self).map { LossReasonID($0) },
            comment: try row.value("comment")
        )
    }
}
