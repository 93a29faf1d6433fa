public import CRMCore
public import Foundation
import SQLKit

extension ReportStore {
    /// The deals behind a figure, newest first, under the same filter and permission layer as the figure.
    public func deals(_ context: AccessContext, _ filter: ReportFilter, drill: ReportDrill, timeZone: TimeZone, limit: Int = 500) async throws -> [Deal] {
        let query = ReportQuery(context, filter, timeZone: timeZone)
        let limit = min(max(limit, 1), 5_000)
        return try await database.read { db in
            var conditions = query.dealConditions
            func logged(_ kinds: [TransitionKind], _ extra: SQLQueryString = "1 = 1") -> SQLQueryString {
                """
                d.id IN (SELECT t.deal_id FROM stage_transitions t WHERE t.pipeline_id = \(bind: filter.pipelineID.rawValue)
                         AND t.at >= \(bind: query.from) AND t.at < \(bind: query.to) AND t.kind IN (\(binds: kinds.map(\.rawValue))) AND \(extra))
                """
            }
            switch drill {
            // The same rows the figures count (see `FunnelRollup.contributions`).
            case .entered(let stage):
                conditions.append(logged(TransitionKind.entries, "t.first_time = 1 AND t.to_stage_id = \(bind: stage.rawValue)"))
            case .reached(let stage):
                let position = try await PipelineStore.fetch(db, filter.pipelineID).stage(stage)?.position ?? Int.max
                conditions.append(logged(TransitionKind.entries + [.won], "t.reach_from <= \(bind: position) AND t.reach_to > \(bind: position)"))
            case .won:
                conditions.append(logged([.won], "t.first_time = 1"))
            case .lost(let stage, let reason):
                var extra: SQLQueryString = "1 = 1"
                if let stage { extra = extra + " AND t.to_stage_id = \(bind: stage.rawValue)" }
                if let reason { extra = extra + " AND t.loss_reason_id = \(bind: reason.rawValue)" }
                conditions.append(logged([.lost], extra))
            case .open(let stage):
                conditions.append("d.status = 'open'")
                if let stage { conditions.append("d.stage_id = \(bind: stage.rawValue)") }
            }
            let rows = try await db.raw("""
                SELECT d.* FROM deals d\(query.joins) WHERE \(conditions.joined(separator: " AND ")) ORDER BY d.id DESC LIMIT \(literal: limit)
                """).all()
            return try rows.map(RecordStore<DealFields>.decode)
        }
    }
}
