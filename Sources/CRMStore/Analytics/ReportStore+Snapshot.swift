public import CRMCore
public import Foundation
import SQLKit

/// Open deals per stage at one moment: their number, amount and weighted amount.
public struct FunnelSnapshot: Codable, Sendable, Equatable {
    public struct Row: Codable, Sendable, Equatable {
        public let stage: Stage
        public var deals: Int
        public var amount: MoneyTotals
        /// Amount × the stage's probability, as the log recorded it.
        public var weighted: MoneyTotals
    }

    public let at: Timestamp?
    public let rows: [Row]

    public var deals: Int { rows.reduce(0) { $0 + $1.deals } }

    public var amount: MoneyTotals { rows.reduce(into: MoneyTotals()) { $0.add($1.amount) } }

    public var weighted: MoneyTotals { rows.reduce(into: MoneyTotals()) { $0.add($1.weighted) } }
}

extension ReportStore {
    /// Later than any log row: what "after a moment" runs to, a whole number of weeks so it ends no bucket early.
    static let endOfTime: Int64 = 7 * 86_400_000 * 1_000_000_000

    /// The funnel now, or as it stood at `at` by the log: each deal in the stage, with the amount and probability
    /// of its last log row before that moment. The filter's period is not used.
    public func snapshot(_ context: AccessContext, _ filter: ReportFilter, at: Timestamp?, timeZone: TimeZone) async throws -> FunnelSnapshot {
        let query = ReportQuery(context, filter, timeZone: timeZone)
        return try await database.read { db in
            let pipeline = try await PipelineStore.fetch(db, filter.pipelineID)
            let rows: [any SQLRow]
            if let at, query.summable {
                // The open pipeline of all time, less what every row after the moment changed in it.
                let after = FunnelRollup.cover([(at.rawValue + 1)..<Self.endOfTime])
                let parts = query.summedRows([(FunnelRollup.totals, [0..<1])], log: []) + query.summedRows(after.buckets, log: after.log, sign: -1)
                rows = try await db.raw(
                    """
                    SELECT stage_id AS stage, currency, CAST(SUM(open_deals) AS BIGINT) AS n, CAST(SUM(open_amount) AS BIGINT) AS total,
                           CAST(SUM(open_weighted) AS BIGINT) AS weighted
                    FROM (\(parts.joined(separator: " UNION ALL "))) x
                    WHERE \(query.summedConditions.joined(separator: " AND "))
                    GROUP BY stage_id, currency
                    """
                ).all()
            } else if let at {
                rows = try await db.raw(
                    """
                    SELECT t.to_stage_id AS stage, t.currency AS currency, COUNT(*) AS n, CAST(SUM(t.amount_minor) AS BIGINT) AS total,
                           CAST(SUM(t.amount_minor * t.probability) AS BIGINT) AS weighted
                    FROM (SELECT deal_id, MAX(id) AS id FROM stage_transitions WHERE pipeline_id = \(bind: filter.pipelineID.rawValue) AND at <= \(bind: at.rawValue) GROUP BY deal_id) latest
                    JOIN stage_transitions t ON t.id = latest.id JOIN deals d ON d.id = t.deal_id\(query.joins)
                    WHERE t.status = 'open' AND \(query.dealConditions.joined(separator: " AND "))
                    GROUP BY t.to_stage_id, t.currency
                    """
                ).all()
            } else {
                rows = try await db.raw(
                    """
                    SELECT d.stage_id AS stage, d.currency AS currency, COUNT(*) AS n, CAST(SUM(d.amount_minor) AS BIGINT) AS total,
                           CAST(SUM(d.amount_minor * s.probability) AS BIGINT) AS weighted
                    FROM deals d JOIN stages s ON s.id = d.stage_id\(query.joins)
                    WHERE d.status = 'open' AND \(query.dealConditions.joined(separator: " AND "))
                    GROUP BY d.stage_id, d.currency
                    """
                ).all()
            }
            var byStage = Dictionary(
                uniqueKeysWithValues: pipeline.stages.map {
                    ($0.id, FunnelSnapshot.Row(stage: $0, deals: 0, amount: MoneyTotals(), weighted: MoneyTotals()))
                }
            )
            for row in rows {
                let stage = StageID(try row.value("stage", as: Int64.self))
                guard byStage[stage] != nil else { continue }
                let currency = try row.value("currency", as: String.self)
                byStage[stage]!.deals += try row.value("n", as: Int.self)
                byStage[stage]!.amount.add(try row.value("total"), currency: currency)
                byStage[stage]!.weighted.add(try row.value("weighted", as: Int64.self) / 100, currency: currency)
            }
            return FunnelSnapshot(at: at, rows: pipeline.stages.sorted { $0.position < $1.position }.compactMap { byStage[$0.id] })
        }
    }
}
