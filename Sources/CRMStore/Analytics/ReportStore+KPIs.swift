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
            let stays = try await db.raw("""
                SELECT t.from_stage_id AS stage, COUNT(*) AS n, CAST(SUM(t.at - (
                    SELECT MAX(p.at) FROM stage_transitions p WHERE p.deal_id = t.deal_id AND p.id < t.id AND p.kind IN ('created', 'moved', 'reopened')
                )) AS BIGINT) AS spent
                FROM stage_transitions t JOIN deals d ON d.id = t.deal_id\(query.joins)
                WHERE \(query.logConditions(kinds: [.moved, .won, .lost]).joined(separator: " AND "))
                GROUP BY t.from_stage_id
                """).all()
            for row in stays {
                guard let stage = try row.value("stage", as: Int64?.self) else { continue }
                inputs.stageTime[StageID(stage)] = FunnelKPIs.StageTime(milliseconds: try row.value("spent", as: Int64?.self) ?? 0, stays: try row.value("n"))
            }
            let outcomes = try await db.raw("""
                SELECT t.kind AS kind, t.currency AS currency, COUNT(*) AS n, CAST(SUM(t.amount_minor) AS BIGINT) AS total, CAST(SUM(t.at - d.created_at) AS BIGINT) AS cycle
                FROM stage_transitions t JOIN deals d ON d.id = t.deal_id\(query.joins)
                WHERE \(query.logConditions(kinds: [.won, .lost]).joined(separator: " AND "))
                GROUP BY t.kind, t.currency
                """).all()
            for row in outcomes {
                let n = try row.value("n", as: Int.self)
                if try row.value("kind", as: String.self) == TransitionKind.won.rawValue {
                    inputs.won += n
                    inputs.wonAmount.add(try row.value("total"), currency: try row.value("currency"))
                    inputs.wonCycleMilliseconds += try row.value("cycle", as: Int64.self)
                } else {
                    inputs.lost += n
                }
            }
            let open = try await db.raw("""
                SELECT d.stage_id AS stage, d.currency AS currency, COUNT(*) AS n, CAST(SUM(d.amount_minor) AS BIGINT) AS total,
                       SUM(CASE WHEN s.rotting_days IS NOT NULL AND d.stage_entered_at < \(bind: now.rawValue) - s.rotting_days * 86400000 THEN 1 ELSE 0 END) AS stale
                FROM deals d JOIN stages s ON s.id = d.stage_id\(query.joins)
                WHERE \(query.dealConditions.joined(separator: " AND ")) AND d.status = 'open'
                GROUP BY d.stage_id, d.currency
                """).all()
            for row in open {
                inputs.openDeals += try row.value("n", as: Int.self)
                inputs.openAmount.add(try row.value("total"), currency: try row.value("currency"))
                let stale = try row.value("stale", as: Int.self)
                if stale > 0 { inputs.staleByStage[StageID(try row.value("stage", as: Int64.self)), default: 0] += stale }
            }
            let changes = try await db.raw("""
                SELECT t.deal_id AS deal, t.expected_close AS new_date, (
                    SELECT p.expected_close FROM stage_transitions p WHERE p.deal_id = t.deal_id AND p.id < t.id ORDER BY p.id DESC LIMIT 1
                ) AS old_date
                FROM stage_transitions t JOIN deals d ON d.id = t.deal_id\(query.joins)
                WHERE \(query.logConditions(kinds: [.closeDateChanged]).joined(separator: " AND "))
                """).all()
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
