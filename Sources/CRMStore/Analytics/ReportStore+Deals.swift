public import CRMCore
public import Foundation
import SQLKit

extension ReportStore {
    /// The deals behind a figure, newest first, under the same filter and permission layer as the figure.
    public func deals(
        _ context: AccessContext,
        _ filter: ReportFilter,
        drill: ReportDrill,
        timeZone: TimeZone,
        limit: Int = 500
    ) async throws -> [Deal] {
        let query = ReportQuery(context, filter, timeZone: timeZone)
        let limit = min(max(limit, 1), 5_000)
        return try await database.read { db in
            var conditions = query.dealConditions
            // The log rows counted, as the distinct deals they name; joined to the deals rather than tested with
            // IN, so the deals read are those named, not every deal walked from the newest down.
            var behind: SQLQueryString?
            func logged(_ extra: SQLQueryString) {
                behind = """
                    (SELECT DISTINCT t.deal_id FROM stage_transitions t WHERE t.at >= \(bind: query.from) AND t.at < \(bind: query.to) AND \(extra)) behind JOIN
                    """
            }
            let pipeline: SQLQueryString = "t.pipeline_id = \(bind: filter.pipelineID.rawValue)"
            switch drill {
            // The same rows the figures count (see `FunnelRollup.contributions`).
            // A stage names its pipeline; without the pipeline's condition the stage's own index is the one to read.
            case .entered(let stage):
                logged(
                    "t.to_stage_id = \(bind: stage.rawValue) AND t.first_time = 1 AND t.kind IN (\(binds: TransitionKind.entries.map(\.rawValue)))"
                )
            case .reached(let stage):
                let position = try await PipelineStore.fetch(db, filter.pipelineID).stage(stage)?.position ?? Int.max
                logged("\(pipeline) AND t.reach_from <= \(bind: position) AND t.reach_to > \(bind: position)")
            case .won:
                logged("\(pipeline) AND \(unsafeRaw: StageLog.firstWin())")
            case .lost(let stage, let reason):
                var extra: SQLQueryString = "\(pipeline) AND t.kind = 'lost'"
                if let stage { extra = extra + " AND t.to_stage_id = \(bind: stage.rawValue)" }
                if let reason { extra = extra + " AND t.loss_reason_id = \(bind: reason.rawValue)" }
                logged(extra)
            case .open(let stage):
                conditions.append("d.status = 'open'")
                if let stage { conditions.append("d.stage_id = \(bind: stage.rawValue)") }
            }
            let join: SQLQueryString = behind.map { $0 + " deals d ON d.id = behind.deal_id" } ?? "deals d"
            let rows = try await db.raw(
                """
                SELECT d.* FROM \(join)\(query.joins) WHERE \(conditions.joined(separator: " AND ")) ORDER BY d.id DESC LIMIT \(literal: limit)
                """
            ).all()
            return try rows.map(RecordStore<DealFields>.decode)
        }
    }
}
