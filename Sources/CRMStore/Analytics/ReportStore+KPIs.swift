public import CRMCore
public import Foundation
import SQLKit

extension ReportStore {
    /// The inputs of velocity and the headline KPIs for a period.
    public func kpis(_ context: AccessContext, _ filter: ReportFilter, timeZone: TimeZone, now: Timestamp = .now) async throws -> FunnelKPIs.Inputs {
        let query = ReportQuery(context, filter, timeZone: timeZone)
        return try await database.read { db in
            var inputs = FunnelKPIs.Inputs()
            // A stay ends when a row moves the deal on, wins or loses it; it began at the latest entry before.
            for sums in try await Self.sums(db, query, grouping: .none) {
                if sums.stays != 0 {
                    let before = inputs.stageTime[sums.stage]
                    inputs.stageTime[sums.stage] = FunnelKPIs.StageTime(
                        milliseconds: (before?.milliseconds ?? 0) + sums.stayMilliseconds,
                        stays: (before?.stays ?? 0) + sums.stays
                    )
                }
                if sums.won != 0 {
                    inputs.won += sums.won
                    inputs.wonAmount.add(sums.wonAmount, currency: sums.currency)
                    inputs.wonCycleMilliseconds += sums.wonCycleMilliseconds
                }
                inputs.lost += sums.lost
            }
            let open = try await db.raw(
                """
                SELECT d.stage_id AS stage, d.currency AS currency, COUNT(*) AS n, CAST(SUM(d.amount_minor) AS BIGINT) AS total,
                       SUM(CASE WHEN s.rotting_days IS NOT NULL AND d.stage_entered_at < \(bind: now.rawValue) - s.rotting_days * 86400000 THEN 1 ELSE 0 END) AS stale
                FROM deals d JOIN stages s ON s.id = d.stage_id\(query.joins)
                WHERE \(query.dealConditions.joined(separator: " AND ")) AND d.status = 'open'
                GROUP BY d.stage_id, d.currency
                """
            ).all()
            for row in open {
                inputs.openDeals += try row.value("n", as: Int.self)
                inputs.openAmount.add(try row.value("total"), currency: try row.value("currency"))
                let stale = try row.value("stale", as: Int.self)
                if stale > 0 { inputs.staleByStage[StageID(try row.value("stage", as: Int64.self)), default: 0] += stale }
            }
            let changes = try await db.raw(
                """
                SELECT t.deal_id AS deal, t.expected_close AS new_date, (
                    SELECT p.expected_close FROM stage_transitions p WHERE p.deal_id = t.deal_id AND p.id < t.id ORDER BY p.id DESC LIMIT 1
                ) AS old_date
                FROM stage_transitions t JOIN deals d ON d.id = t.deal_id\(query.joins)
                WHERE \((query.logConditions([query.from..<query.to]) + query.dealConditions).joined(separator: " AND ")) AND t.kind = 'close_date_changed'
                """
            ).all()
            inputs.closeDateChanges = try changes.map { row in
                FunnelKPIs.CloseDateChange(
                    dealID: DealID(try row.value("deal", as: Int64.self)),
                    from: try row.value("old_date", as: String?.self).flatMap { try? CalendarDate(parsing: $0) },
                    to: try row.value("new_date", as: String?.self).flatMap { try? CalendarDate(parsing: $0) }
                )
            }
            return inputs
        }
    }
}
