public import CRMCore
public import Foundation
import SQLKit

extension ReportStore {
    /// Each rep's forecast tally for the period: deals first won in it (from the stage log, as every won figure), and open deals expected to close in it by
    /// forecast category. With `asOf`, the open deals are those the log shows open at that moment, with their
    /// amounts and close dates then: the forecast as it stood, to set against what happened.
    public func forecastTallies(
        _ context: AccessContext,
        _ filter: ReportFilter,
        timeZone: TimeZone,
        asOf: Timestamp? = nil
    ) async throws -> [(owner: UserID, team: TeamID?, tally: ForecastReport.Tally)] {
        let query = ReportQuery(context, filter, timeZone: timeZone)
        let from = filter.period.from.description
        let to = filter.period.to.description
        return try await database.read { db in
            var tallies: [String: (owner: UserID, team: TeamID?, tally: ForecastReport.Tally)] = [:]
            func add(_ row: any SQLRow, _ apply: (inout ForecastReport.Tally, Int64, String) throws -> Void) throws {
                let owner = UserID(try row.value("owner", as: Int64.self))
                let team = try row.value("team", as: Int64?.self).map { TeamID($0) }
                let key = "\(owner.rawValue)/\(team?.rawValue ?? 0)"
                var entry = tallies[key] ?? (owner, team, ForecastReport.Tally())
                try apply(&entry.tally, try row.value("total"), try row.value("currency"))
                entry.tally.deals += try row.value("n", as: Int.self)
                tallies[key] = entry
            }
            let won = try await db.raw(
                """
                SELECT d.owner_id AS owner, d.team_id AS team, t.currency AS currency, COUNT(*) AS n, CAST(SUM(t.amount_minor) AS BIGINT) AS total
                FROM stage_transitions t JOIN deals d ON d.id = t.deal_id\(query.joins)
                WHERE \(query.dealConditions.joined(separator: " AND ")) AND \(unsafeRaw: StageLog.firstWin()) AND t.at >= \(bind: query.from) AND t.at < \(bind: query.to)
                GROUP BY d.owner_id, d.team_id, t.currency
                """
            ).all()
            for row in won { try add(row) { tally, total, currency in tally.closedWon.add(total, currency: currency) } }
            let open: [any SQLRow]
            if let asOf, query.summable, filter.source == nil, filter.period.from.day == 1, filter.period.to.day == 1 {
                // The open pipeline of all time, less what every row after the moment changed in it, by close month.
                let after = FunnelRollup.cover([(asOf.rawValue + 1)..<Self.endOfTime], levels: FunnelRollup.Forecast.levels)
                let forecast = FunnelRollup.Forecast.self
                let pipeline = filter.pipelineID.rawValue
                let log: SQLQueryString? =
                    after.log.isEmpty
                    ? nil : forecast.contributions(where: [ReportQuery.anyOf(after.log, column: "t.at", pipeline: ("t.pipeline_id", pipeline))])
                let parts =
                    FunnelRollup.rows([(forecast.totals, [0..<1])], log: nil, pipeline: pipeline, keys: forecast.keys, measures: forecast.measures)
                    + FunnelRollup.rows(after.buckets, log: log, pipeline: pipeline, keys: forecast.keys, measures: forecast.measures, sign: -1)
                open = try await db.raw(
                    """
                    SELECT owner_id AS owner, NULLIF(team_id, 0) AS team, category, currency, CAST(SUM(open_deals) AS BIGINT) AS n,
                           CAST(SUM(open_amount) AS BIGINT) AS total, CAST(SUM(open_weighted) AS BIGINT) AS weighted
                    FROM (\(parts.joined(separator: " UNION ALL "))) x
                    WHERE \(query.summedConditions.joined(separator: " AND ")) AND close_month >= \(bind: String(from.prefix(7))) AND close_month < \(bind: String(to.prefix(7)))
                    GROUP BY owner_id, team_id, category, currency HAVING SUM(open_deals) <> 0
                    """
                ).all()
            } else if let asOf {
                open = try await db.raw(
                    """
                    SELECT d.owner_id AS owner, d.team_id AS team, COALESCE(d.forecast_category, s.forecast_category) AS category, t.currency AS currency,
                           COUNT(*) AS n, CAST(SUM(t.amount_minor) AS BIGINT) AS total, CAST(SUM(t.amount_minor * t.probability) AS BIGINT) AS weighted
                    FROM (SELECT deal_id, MAX(id) AS id FROM stage_transitions WHERE pipeline_id = \(bind: filter.pipelineID.rawValue) AND at <= \(bind: asOf.rawValue) GROUP BY deal_id) latest
                    JOIN stage_transitions t ON t.id = latest.id JOIN deals d ON d.id = t.deal_id JOIN stages s ON s.id = t.to_stage_id\(query.joins)
                    WHERE \(query.dealConditions.joined(separator: " AND ")) AND t.status = 'open' AND t.expected_close >= \(bind: from) AND t.expected_close < \(bind: to)
                    GROUP BY d.owner_id, d.team_id, COALESCE(d.forecast_category, s.forecast_category), t.currency
                    """
                ).all()
            } else {
                open = try await db.raw(
                    """
                    SELECT d.owner_id AS owner, d.team_id AS team, COALESCE(d.forecast_category, s.forecast_category) AS category, d.currency AS currency,
                           COUNT(*) AS n, CAST(SUM(d.amount_minor) AS BIGINT) AS total, CAST(SUM(d.amount_minor * s.probability) AS BIGINT) AS weighted
                    FROM deals d JOIN stages s ON s.id = d.stage_id\(query.joins)
                    WHERE \(query.dealConditions.joined(separator: " AND ")) AND d.status = 'open' AND d.expected_close >= \(bind: from) AND d.expected_close < \(bind: to)
                    GROUP BY d.owner_id, d.team_id, COALESCE(d.forecast_category, s.forecast_category), d.currency
                    """
                ).all()
            }
            for row in open {
                let category = ForecastCategory(rawValue: try row.value("category")) ?? .pipeline
                guard category != .omitted else { continue }
                let weighted = try row.value("weighted", as: Int64.self) / 100
                try add(row) { tally, total, currency in
                    switch category {
                    case .commit: tally.commit.add(total, currency: currency)
                    case .bestCase: tally.bestCase.add(total, currency: currency)
                    case .pipeline, .omitted: tally.pipeline.add(total, currency: currency)
                    }
                    tally.weighted.add(weighted, currency: currency)
                }
            }
            return tallies.keys.sorted().map { tallies[$0]! }
        }
    }

    /// The latest override of each rep's forecast for a period, and every earlier one (the audit trail), newest first.
    public func forecastOverrides(
        _ context: AccessContext,
        pipeline: PipelineID,
        unit: PeriodUnit,
        periodStart: CalendarDate
    ) async throws -> [ForecastReport.Override] {
        try await database.read { db in
            let rows = try await db.raw(
                """
                SELECT * FROM forecast_overrides
                WHERE pipeline_id = \(bind: pipeline.rawValue) AND unit = \(bind: unit.rawValue) AND period_start = \(bind: periodStart.description)
                ORDER BY id DESC
                """
            ).all()
            let managed = try await Self.managedUsers(db, context)
            return try rows.map(Self.decodeOverride).filter { $0.ownerID == context.userID || managed?.contains($0.ownerID) ?? true }
        }
    }

    /// Records a manager's override of a rep's forecast. Only an admin or the manager of a team the rep is in may.
    public func overrideForecast(
        _ context: AccessContext,
        pipeline: PipelineID,
        unit: PeriodUnit,
        periodStart: CalendarDate,
        override proposed: ForecastReport.Override
    ) async throws {
        let override: ForecastReport.Override
        do throws(ValidationErrors) { override = try proposed.validated() } catch { throw StoreError.invalid(error) }
        guard ReportPeriod.containing(periodStart, unit: unit).from == periodStart else {
            throw StoreError.invalid(
                ValidationErrors([
                    ValidationError(field: "period_start", code: "not_period_start", message: "\(periodStart) does not start a \(unit.rawValue)")
                ])
            )
        }
        try await database.write { db in
            guard try await Self.manages(db, context, rep: override.ownerID) else {
                throw StoreError.forbidden("only an admin or the rep's manager may override their forecast")
            }
            _ = try await PipelineStore.fetch(db, pipeline)
            try await db.raw(
                """
                INSERT INTO forecast_overrides (pipeline_id, unit, period_start, owner_id, commit_minor, best_case_minor, currency, comment, created_by, created_at)
                VALUES (\(bind: pipeline.rawValue), \(bind: unit.rawValue), \(bind: periodStart.description), \(bind: override.ownerID.rawValue),
                        \(bind: override.commit.minorUnits), \(bind: override.bestCase.minorUnits), \(bind: override.commit.currency.code),
                        \(bind: override.comment.trimmingWhitespace()), \(bind: context.userID?.rawValue), \(bind: Timestamp.now.rawValue))
                """
            ).run()
        }
    }

    /// Whether the context may set plans or forecasts for this rep: an admin, or a manager of one of the rep's teams.
    static func manages(_ db: any SQLDatabase, _ context: AccessContext, rep: UserID) async throws -> Bool {
        try await managedUsers(db, context)?.contains(rep) ?? true
    }

    /// The reps whose plans and forecasts the context manages; nil means everyone (an admin or the system).
    static func managedUsers(_ db: any SQLDatabase, _ context: AccessContext) async throws -> Set<UserID>? {
        if context.may(.planCompany) { return nil }
        guard context.may(.planTeams), !context.headedTeams.isEmpty else { return [] }
        let rows = try await db.raw(
            "SELECT DISTINCT user_id FROM team_members WHERE team_id IN (\(binds: context.headedTeams.map(\.rawValue).sorted()))"
        ).all()
        return Set(try rows.map { UserID(try $0.value("user_id", as: Int64.self)) })
    }

    static func decodeOverride(_ row: any SQLRow) throws -> ForecastReport.Override {
        let currency = try Currency(code: try row.value("currency"))
        return ForecastReport.Override(
            ownerID: UserID(try row.value("owner_id", as: Int64.self)),
            commit: Money(minorUnits: try row.value("commit_minor"), currency: currency),
            bestCase: Money(minorUnits: try row.value("best_case_minor"), currency: currency),
            comment: try row.value("comment"),
            byUserID: try row.value("created_by", as: Int64?.self).map { UserID($0) },
            at: Timestamp(rawValue: try row.value("created_at"))
        )
    }
}
