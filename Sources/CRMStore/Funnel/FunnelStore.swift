public import CRMCore
import Foundation
import SQLKit

/// Moves deals through their funnel and reads the board. Every change of stage or outcome goes through here,
/// in one transaction with its stage-log row and audit entry, behind the permission layer.
public struct FunnelStore: Sendable {
    let database: Database

    /// Applies a move (to a stage, win, lose, reopen). `expectedVersion`, when given, guards against a stale card.
    public func apply(_ context: AccessContext, deal id: Int64, expectedVersion: Int64?, _ move: FunnelMove) async throws -> Deal {
        try await database.write { db in
            let deal = try await RecordStore<DealFields>.fetch(db, context, id, includeDeleted: false, lock: true)
            if let expectedVersion, deal.meta.version != expectedVersion {
                throw StoreError.versionMismatch(current: deal.meta.version)
            }
            let pipeline = try await PipelineStore.fetch(db, deal.fields.pipelineID)
            let reasons = Set(try await PipelineStore.fetchReasons(db, includeInactive: false).map(\.id))
            let outcome: FunnelMove.Outcome
            do throws(ValidationError) {
                outcome = try move.apply(to: deal.fields, in: pipeline, activeReasons: reasons, at: .now)
            } catch {
                throw StoreError.invalid(ValidationErrors([error]))
            }
            let next = outcome.fields
            try await db.raw(
                """
                UPDATE deals SET stage_id = \(bind: next.stageID.rawValue), status = \(bind: next.status.rawValue),
                loss_reason_id = \(bind: next.lossReasonID?.rawValue), loss_comment = \(bind: next.lossComment),
                closed_at = \(bind: next.closedAt?.rawValue), stage_entered_at = \(bind: next.stageEnteredAt.rawValue),
                version = version + 1, updated_at = \(bind: Timestamp.now.rawValue)
                WHERE id = \(bind: id)
                """
            ).run()
            var comment = ""
            if case .lose(_, let text) = move { comment = text.trimmingWhitespace() }
            try await StageLog.append(db, context, deal: deal.id, fields: next, kind: outcome.kind, from: outcome.fromStage, comment: comment)
            let changes = FieldChange.diff(
                old: [
                    "stage_id": deal.fields.stageID.description, "status": deal.fields.status.rawValue,
                    "loss_reason_id": deal.fields.lossReasonID?.description ?? "",
                ],
                new: ["stage_id": next.stageID.description, "status": next.status.rawValue, "loss_reason_id": next.lossReasonID?.description ?? ""]
            )
            try await AuditLog.append(db, context, type: .deal, id: id, action: .update, changes: changes)
            return try await RecordStore<DealFields>.fetch(db, context, id, includeDeleted: false, lock: false)
        }
    }

    /// The deal's stage log, oldest first; only for deals the context may see.
    public func transitions(_ context: AccessContext, deal id: Int64) async throws -> [StageTransition] {
        try await database.read { db in
            let deal = try await RecordStore<DealFields>.fetch(db, context, id, includeDeleted: true, lock: false)
            return try await StageLog.entries(db, deal: deal.id)
        }
    }

    /// The stage log of every deal the context may see, oldest first, a page at a time after the entry `after`
    /// (for a full export).
    public func transitions(_ context: AccessContext, after: Int64, limit: Int) async throws -> [StageTransition] {
        try await database.read { db in
            try await db.raw(
                """
                SELECT l.* FROM stage_transitions l JOIN deals t ON t.id = l.deal_id
                WHERE l.id > \(bind: after) AND \(AccessPredicate.sql(context.visibility, table: "t")) AND t.deleted_at IS NULL
                ORDER BY l.id LIMIT \(bind: limit)
                """
            ).all().map(StageLog.decode)
        }
    }

    public struct BoardFilter: Sendable, Equatable {
        public var ownerID: UserID?
        public var teamID: TeamID?
        public var staleOnly: Bool
        public var closeFrom: CalendarDate?
        public var closeTo: CalendarDate?
        public var source: String?

        public init(
            ownerID: UserID? = nil,
            teamID: TeamID? = nil,
            staleOnly: Bool = false,
            closeFrom: CalendarDate? = nil,
            closeTo: CalendarDate? = nil,
            source: String? = nil
        ) {
            self.ownerID = ownerID
            self.teamID = teamID
            self.staleOnly = staleOnly
            self.closeFrom = closeFrom
            self.closeTo = closeTo
            self.source = source
        }
    }

    public struct Column: Sendable {
        public let stage: Stage
        public let count: Int
        /// Sum of amounts per currency, in minor units.
        public let sums: [String: Int64]
        public let cards: [Deal]
        /// Where "load more" continues, if the stage has more cards.
        public let nextAfter: Int64?
    }

    /// The kanban board of a pipeline: per stage, the number and sum of open deals (aggregated by the database
    /// from an index, never by loading cards) and the first cards, newest first.
    public func board(_ context: AccessContext, pipeline id: PipelineID, filter: BoardFilter, cardsPerStage: Int) async throws -> (Pipeline, [Column])
    {
        let limit = min(max(cardsPerStage, 1), 100)
        return try await database.read { db in
            let pipeline = try await PipelineStore.fetch(db, id)
            let now = Timestamp.now.rawValue
            let conditions = Self.conditions(context, pipeline: id, filter: filter, now: now)
            let sums = try await db.raw(
                """
                SELECT d.stage_id, d.currency, COUNT(*) AS n, CAST(SUM(d.amount_minor) AS BIGINT) AS total FROM deals d JOIN stages s ON s.id = d.stage_id
                WHERE \(conditions.joined(separator: " AND ")) GROUP BY d.stage_id, d.currency
                """
            ).all()
            var counts: [Int64: Int] = [:]
            var totals: [Int64: [String: Int64]] = [:]
            for row in sums {
                let stage = try row.value("stage_id", as: Int64.self)
                counts[stage, default: 0] += try row.value("n", as: Int.self)
                totals[stage, default: [:]][try row.value("currency", as: String.self)] = try row.value("total", as: Int64.self)
            }
            var columns: [Column] = []
            for stage in pipeline.stages {
                let (cards, next) = try await Self.cards(db, conditions: conditions, stage: stage.id, after: nil, limit: limit)
                columns.append(
                    Column(stage: stage, count: counts[stage.id.rawValue] ?? 0, sums: totals[stage.id.rawValue] ?? [:], cards: cards, nextAfter: next)
                )
            }
            return (pipeline, columns)
        }
    }

    /// More cards of one stage, after the last one shown.
    public func moreCards(
        _ context: AccessContext,
        pipeline id: PipelineID,
        stage: StageID,
        filter: BoardFilter,
        after: Int64,
        limit: Int
    ) async throws -> (cards: [Deal], nextAfter: Int64?) {
        try await database.read { db in
            let conditions = Self.conditions(context, pipeline: id, filter: filter, now: Timestamp.now.rawValue)
            return try await Self.cards(db, conditions: conditions, stage: stage, after: after, limit: min(max(limit, 1), 100))
        }
    }

    private static func cards(
        _ db: any SQLDatabase,
        conditions: [SQLQueryString],
        stage: StageID,
        after: Int64?,
        limit: Int
    ) async throws -> ([Deal], Int64?) {
        var all = conditions + ["d.stage_id = \(bind: stage.rawValue)"]
        if let after { all.append("d.id < \(bind: after)") }
        let rows = try await db.raw(
            """
            SELECT d.* FROM deals d JOIN stages s ON s.id = d.stage_id WHERE \(all.joined(separator: " AND ")) ORDER BY d.id DESC LIMIT \(literal: limit + 1)
            """
        ).all()
        var deals = try rows.map(RecordStore<DealFields>.decode)
        var next: Int64?
        if deals.count > limit {
            deals.removeLast()
            next = deals.last?.meta.id
        }
        return (deals, next)
    }

    private static func conditions(_ context: AccessContext, pipeline: PipelineID, filter: BoardFilter, now: Int64) -> [SQLQueryString] {
        var result: [SQLQueryString] = [
            "d.pipeline_id = \(bind: pipeline.rawValue)", "d.status = 'open'", "d.deleted_at IS NULL",
            AccessPredicate.sql(context.visibility, table: "d"),
        ]
        if let owner = filter.ownerID { result.append("d.owner_id = \(bind: owner.rawValue)") }
        if let team = filter.teamID { result.append("d.team_id = \(bind: team.rawValue)") }
        if let source = filter.source, !source.isEmpty { result.append("d.source = \(bind: source)") }
        if let from = filter.closeFrom { result.append("d.expected_close >= \(bind: from.description)") }
        if let to = filter.closeTo { result.append("d.expected_close <= \(bind: to.description)") }
        if filter.staleOnly {
            result.append("s.rotting_days IS NOT NULL AND d.stage_entered_at < \(bind: now) - s.rotting_days * 86400000")
        }
        return result
    }
}
