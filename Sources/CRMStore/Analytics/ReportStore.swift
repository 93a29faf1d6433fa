public import CRMCore
public import Foundation
import SQLKit

/// Funnel analytics and planning, every figure computed by the database from the stage log (and, for "now",
/// from the deals it keeps in step), always through the permission layer. The arithmetic on top lives in
/// `CRMCore/Analytics`.
public struct ReportStore: Sendable {
    let database: Database

    /// Entries into stages, the furthest stage reached, wins and losses in the period, per group.
    public func funnel(_ context: AccessContext, _ filter: ReportFilter, timeZone: TimeZone, grouping: ReportGrouping = .none) async throws -> [ReportGroupKey: FunnelTally] {
        let query = ReportQuery(context, filter, timeZone: timeZone)
        return try await database.read { db in
            let group = query.groupExpression(grouping)
            var tallies: [ReportGroupKey: FunnelTally] = [:]
            // A deal re-entering a stage counts once: rows are first folded per deal and stage.
            let entries = try await db.raw("""
                SELECT stage, grp, currency, COUNT(*) AS n, CAST(SUM(amount) AS BIGINT) AS total FROM (
                    SELECT t.deal_id, t.to_stage_id AS stage, \(group) AS grp, t.currency AS currency, MAX(t.amount_minor) AS amount
                    FROM stage_transitions t JOIN deals d ON d.id = t.deal_id\(query.joins)
                    WHERE \(query.logConditions(kinds: TransitionKind.entries).joined(separator: " AND ")) AND t.status = 'open'
                    GROUP BY t.deal_id, t.to_stage_id, grp, t.currency
                ) e GROUP BY stage, grp, currency
                """).all()
            for row in entries {
                let key = try ReportGroupKey.read(row, grouping, query)
                let stage = StageID(try row.value("stage", as: Int64.self))
                tallies[key, default: FunnelTally()].entered[stage, default: 0] += try row.value("n", as: Int.self)
                tallies[key]!.enteredAmount[stage, default: MoneyTotals()].add(try row.value("total", as: Int64.self), currency: try row.value("currency"))
            }
            // Winning outranks every stage, so a deal won in the period is never counted as stopping short.
            let furthest = try await db.raw("""
                SELECT reach, grp, COUNT(*) AS n FROM (
                    SELECT t.deal_id, \(group) AS grp, MAX(CASE WHEN t.kind = 'won' THEN 1000000000 ELSE s.position END) AS reach
                    FROM stage_transitions t JOIN deals d ON d.id = t.deal_id JOIN stages s ON s.id = t.to_stage_id\(query.joins)
                    WHERE \(query.logConditions(kinds: TransitionKind.entries + [.won]).joined(separator: " AND "))
                    GROUP BY t.deal_id, grp
                ) f WHERE reach < 1000000000 GROUP BY reach, grp
                """).all()
            let stages = try await PipelineStore.fetch(db, filter.pipelineID).stages
            for row in furthest {
                let key = try ReportGroupKey.read(row, grouping, query)
                let position = try row.value("reach", as: Int.self)
                guard let stage = stages.first(where: { $0.position == position }) else { continue }
                tallies[key, default: FunnelTally()].furthest[stage.id, default: 0] += try row.value("n", as: Int.self)
            }
            let outcomes = try await db.raw("""
                SELECT kind, grp, currency, COUNT(*) AS n, CAST(SUM(amount) AS BIGINT) AS total FROM (
                    SELECT t.deal_id, t.kind AS kind, \(group) AS grp, t.currency AS currency, MAX(t.amount_minor) AS amount
                    FROM stage_transitions t JOIN deals d ON d.id = t.deal_id\(query.joins)
                    WHERE \(query.logConditions(kinds: [.won, .lost]).joined(separator: " AND "))
                    GROUP BY t.deal_id, t.kind, grp, t.currency
                ) o GROUP BY kind, grp, currency
                """).all()
            for row in outcomes {
                let key = try ReportGroupKey.read(row, grouping, query)
                let n = try row.value("n", as: Int.self)
                let total = try row.value("total", as: Int64.self)
                let currency = try row.value("currency", as: String.self)
                if try row.value("kind", as: String.self) == TransitionKind.won.rawValue {
                    tallies[key, default: FunnelTally()].won += n
                    tallies[key]!.wonAmount.add(total, currency: currency)
                } else {
                    tallies[key, default: FunnelTally()].lost += n
                    tallies[key]!.lostAmount.add(total, currency: currency)
                }
            }
            return tallies
        }
    }

    /// Deals lost in the period by the stage they were lost at, the reason and the owner.
    public func losses(_ context: AccessContext, _ filter: ReportFilter, timeZone: TimeZone) async throws -> [LossReport.Cell] {
        let query = ReportQuery(context, filter, timeZone: timeZone)
        return try await database.read { db in
            var cells: [String: (stage: StageID, reason: LossReasonID?, owner: UserID, deals: Int, amount: MoneyTotals)] = [:]
            let rows = try await db.raw("""
                SELECT t.to_stage_id AS stage, t.loss_reason_id AS reason, d.owner_id AS owner, t.currency AS currency, COUNT(*) AS n, CAST(SUM(t.amount_minor) AS BIGINT) AS total
                FROM stage_transitions t JOIN deals d ON d.id = t.deal_id\(query.joins)
                WHERE \(query.logConditions(kinds: [.lost]).joined(separator: " AND "))
                GROUP BY t.to_stage_id, t.loss_reason_id, d.owner_id, t.currency
                """).all()
            for row in rows {
                let stage = StageID(try row.value("stage", as: Int64.self))
                let reason = try row.value("reason", as: Int64?.self).map { LossReasonID($0) }
                let owner = UserID(try row.value("owner", as: Int64.self))
                let key = "\(stage.rawValue)/\(reason?.rawValue ?? 0)/\(owner.rawValue)"
                cells[key, default: (stage, reason, owner, 0, MoneyTotals())].deals += try row.value("n", as: Int.self)
                cells[key]!.amount.add(try row.value("total", as: Int64.self), currency: try row.value("currency"))
            }
            return cells.keys.sorted().map { key in
                let cell = cells[key]!
                return LossReport.Cell(stageID: cell.stage, reasonID: cell.reason, ownerID: cell.owner, deals: cell.deals, amount: cell.amount)
            }
        }
    }
}

extension TransitionKind {
    /// Rows that put an open deal into a stage.
    static let entries: [TransitionKind] = [.created, .moved, .reopened]
}
