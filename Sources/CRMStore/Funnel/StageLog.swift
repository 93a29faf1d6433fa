import CRMCore
import Foundation
import SQLKit

/// The append-only log of every deal movement: the single source of every funnel figure.
/// Rows are only ever inserted here; the database refuses updates and deletes (see `AppendOnly`).
enum StageLog {
    static func append(_ db: any SQLDatabase, _ context: AccessContext, deal: DealID, fields: DealFields, kind: TransitionKind, from: StageID?, comment: String = "", at: Timestamp = .now) async throws {
        let probability = try await db.raw("SELECT probability FROM stages WHERE id = \(bind: fields.stageID.rawValue)").first()?.value("probability", as: Int.self) ?? 0
        var row = Batch()
        row.add(deal: deal, fields: fields, kind: kind, from: from, comment: comment, at: at, stageProbability: probability, actor: context.userID)
        try await row.flush(db)
        // A deal entering a stage is the event processes start on; the start is requested in this transaction.
        if fields.status == .open, [.created, .moved, .reopened].contains(kind) {
            try await ProcessStore.requestStarts(db, deal: deal, enteredStage: fields.stageID, by: context.userID, at: at)
        }
    }

    /// Rows collected for one INSERT: one row for a live move, thousands for an import.
    struct Batch {
        private var rows: [SQLQueryString] = []
        var count: Int { rows.count }

        mutating func add(deal: DealID, fields: DealFields, kind: TransitionKind, from: StageID?, comment: String, at: Timestamp, stageProbability: Int, actor: UserID?) {
            let probability = StageLog.probability(fields, stageProbability)
            rows.append("""
                (\(bind: deal.rawValue), \(bind: fields.pipelineID.rawValue), \(bind: kind.rawValue), \(bind: from?.rawValue), \(bind: fields.stageID.rawValue),
                 \(bind: fields.status.rawValue), \(bind: at.rawValue), \(bind: actor?.rawValue), \(bind: fields.amount.minorUnits), \(bind: fields.amount.currency.code),
                 \(bind: probability), \(bind: fields.expectedCloseDate?.description), \(bind: fields.lossReasonID?.rawValue), \(bind: comment))
                """)
        }

        mutating func flush(_ db: any SQLDatabase) async throws {
            guard !rows.isEmpty else { return }
            try await db.raw("""
                INSERT INTO stage_transitions (deal_id, pipeline_id, kind, from_stage_id, to_stage_id, status, at, actor_id, amount_minor, currency,
                                               probability, expected_close, loss_reason_id, comment)
                VALUES \(rows.joined(separator: ", "))
                """).run()
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
            id: try row.value("id"), dealID: DealID(try row.value("deal_id", as: Int64.self)),
            pipelineID: PipelineID(try row.value("pipeline_id", as: Int64.self)),
            kind: TransitionKind(rawValue: try row.value("kind")) ?? .moved,
            fromStageID: try row.value("from_stage_id", as: Int64?.self).map { StageID($0) },
            toStageID: StageID(try row.value("to_stage_id", as: Int64.self)),
            status: DealStatus(rawValue: try row.value("status")) ?? .open,
            at: Timestamp(rawValue: try row.value("at")), actorID: try row.value("actor_id", as: Int64?.self).map { UserID($0) },
            amount: Money(minorUnits: try row.value("amount_minor"), currency: try Currency(code: try row.value("currency"))),
            probability: try row.value("probability"),
            expectedCloseDate: try row.value("expected_close", as: String?.self).map { try CalendarDate(parsing: $0) },
            lossReasonID: try row.value("loss_reason_id", as: Int64?.self).map { LossReasonID($0) },
            comment: try row.value("comment")
        )
    }
}
