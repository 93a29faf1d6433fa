public import CRMCore
public import Foundation
import SQLKit

/// Funnel analytics and planning, every figure computed by the database from the stage log (and, for "now",
/// from the deals it keeps in step), always through the permission layer. The arithmetic on top lives in
/// `CRMCore/Analytics`.
public struct ReportStore: Sendable {
    let database: Database

    /// One group's sums for one stage, currency and loss reason.
    struct Sums {
        let key: ReportGroupKey
        let stage: StageID
        let currency: String
        let reason: LossReasonID?
        let entered: Int, enteredAmount: Int64, reached: Int
        let won: Int, wonAmount: Int64, wonCycleMilliseconds: Int64
        let lost: Int, lostAmount: Int64
        let stays: Int, stayMilliseconds: Int64

        /// A deal's sums moved to other keys (a new owner, the bin) leave zeros behind.
        var isEmpty: Bool { entered == 0 && reached == 0 && won == 0 && lost == 0 && stays == 0 }
    }

    /// What the stage log adds up to over the period, per group, stage, currency and loss reason: whole weeks, days
    /// and hours from the sums, the rest straight from the log, all through the permission layer.
    static func sums(_ db: any SQLDatabase, _ query: ReportQuery, grouping: ReportGrouping) async throws -> [Sums] {
        let spans = query.spans(grouping)
        let parts = query.summedRows(spans.buckets, log: spans.log)
        guard !parts.isEmpty else { return [] }
        let totals = FunnelRollup.measures.map { "CAST(SUM(\($0)) AS BIGINT) AS \($0)" }.joined(separator: ", ")
        let rows = try await db.raw(
            """
            SELECT \(query.groupExpression(grouping)) AS grp, stage_id, currency, reason_id, \(unsafeRaw: totals)
            FROM (\(parts.joined(separator: " UNION ALL "))) x
            WHERE \(query.summedConditions.joined(separator: " AND "))
            GROUP BY grp, stage_id, currency, reason_id
            """
        ).all()
        return try rows.map { row in
            let reason = try row.value("reason_id", as: Int64.self)
            return Sums(
                key: try ReportGroupKey.read(row, grouping, query),
                stage: StageID(try row.value("stage_id", as: Int64.self)),
                currency: try row.value("currency"),
                reason: reason == 0 ? nil : LossReasonID(reason),
                entered: try row.value("entered"),
                enteredAmount: try row.value("entered_amount"),
                reached: try row.value("reached"),
                won: try row.value("won"),
                wonAmount: try row.value("won_amount"),
                wonCycleMilliseconds: try row.value("won_cycle_ms"),
                lost: try row.value("lost"),
                lostAmount: try row.value("lost_amount"),
                stays: try row.value("stays"),
                stayMilliseconds: try row.value("stay_ms")
            )
        }.filter { !$0.isEmpty }
    }

    /// Entries into stages, stages reached, wins and losses in the period, per group (see `CountingMode`).
    public func funnel(
        _ context: AccessContext,
        _ filter: ReportFilter,
        timeZone: TimeZone,
        grouping: ReportGrouping = .none
    ) async throws -> [ReportGroupKey: FunnelTally] {
        let query = ReportQuery(context, filter, timeZone: timeZone)
        return try await database.read { db in
            var tallies: [ReportGroupKey: FunnelTally] = [:]
            for sums in try await Self.sums(db, query, grouping: grouping) {
                var tally = tallies[sums.key, default: FunnelTally()]
                if sums.entered != 0 {
                    tally.entered[sums.stage, default: 0] += sums.entered
                    tally.enteredAmount[sums.stage, default: MoneyTotals()].add(sums.enteredAmount, currency: sums.currency)
                }
                if sums.reached != 0 { tally.reached[sums.stage, default: 0] += sums.reached }
                if sums.won != 0 {
                    tally.won += sums.won
                    tally.wonAmount.add(sums.wonAmount, currency: sums.currency)
                }
                if sums.lost != 0 {
                    tally.lost += sums.lost
                    tally.lostAmount.add(sums.lostAmount, currency: sums.currency)
                }
                tallies[sums.key] = tally
            }
            return tallies
        }
    }

    /// Deals lost in the period by the stage they were lost at, the reason and the owner.
    public func losses(_ context: AccessContext, _ filter: ReportFilter, timeZone: TimeZone) async throws -> [LossReport.Cell] {
        let query = ReportQuery(context, filter, timeZone: timeZone)
        return try await database.read { db in
            var cells: [String: (stage: StageID, reason: LossReasonID?, owner: UserID, deals: Int, amount: MoneyTotals)] = [:]
            for sums in try await Self.sums(db, query, grouping: .owner) where sums.lost != 0 {
                guard case .owner(let owner) = sums.key else { continue }
                let key = "\(sums.stage.rawValue)/\(sums.reason?.rawValue ?? 0)/\(owner.rawValue)"
                cells[key, default: (sums.stage, sums.reason, owner, 0, MoneyTotals())].deals += sums.lost
                cells[key]!.amount.add(sums.lostAmount, currency: sums.currency)
            }
            return cells.keys.sorted().map { key in
                let cell = cells[key]!
                return LossReport.Cell(stageID: cell.stage, reasonID: cell.reason, ownerID: cell.owner, deals: cell.deals, amount: cell.amount)
            }
        }
    }
}
