import CRMCore
import CRMStore
import CRMWeb
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import SQLKit

/// The funnel reports at scale: each report's store query for an admin and a rep, the JSON API and HTML page
/// through the router, and the same aggregates written by hand in the `sqlite3` CLI, for the last full month
/// and quarter of the dataset; plus a check that the funnel's entries equal a plain SQL count.
struct ReportBenchmark {
    let store: Store
    let dataset: Dataset
    let runs: Int
    /// The SQLite file, for the `sqlite3` CLI floor; nil on PostgreSQL.
    let dataPath: String?

    func run(into report: inout Report) async throws {
        let admin = try await store.users.accessContext(for: dataset.admin)
        let rep = try await store.users.accessContext(for: dataset.rep)
        let utc = TimeZone(identifier: "UTC")!
        let today = CalendarDate(Timestamp.now, in: utc)
        let month = ReportPeriod.containing(today, unit: .month).previous
        let quarter = ReportPeriod.containing(today, unit: .quarter).previous
        let pipeline = dataset.pipeline.id
        let monthFilter = ReportFilter(pipelineID: pipeline, period: month)
        let quarterFilter = ReportFilter(pipelineID: pipeline, period: quarter)
        let (from, to) = month.bounds(in: utc)
        let (quarterFrom, quarterTo) = quarter.bounds(in: utc)
        report.note("Report periods: month \(month.from)–\(month.to) (exclusive), quarter \(quarter.from)–\(quarter.to).")
        let reports = store.reports

        var product: [String: Timing] = [:]
        func measure(_ key: String, _ name: String, _ body: () async throws -> Void) async throws {
            let timing = try await Timing.measure(name, runs: runs, body)
            product[key] = timing
            report.timings.append(timing)
        }
        try await measure("funnel", "report: historical funnel, month, admin") { _ = try await reports.funnel(admin, monthFilter, timeZone: utc) }
        try await measure("funnel-quarter", "report: historical funnel, quarter, admin") {
            _ = try await reports.funnel(admin, quarterFilter, timeZone: utc)
        }
        try await measure("funnel-reps", "report: funnel by rep (rep vs company), month, admin") {
            _ = try await reports.funnel(admin, monthFilter, timeZone: utc, grouping: .owner)
        }
        try await measure("funnel-rep", "report: historical funnel, month, rep (own deals)") {
            _ = try await reports.funnel(rep, monthFilter, timeZone: utc)
        }
        try await measure("losses", "report: losses, month, admin") { _ = try await reports.losses(admin, monthFilter, timeZone: utc) }
        try await measure("kpis", "report: velocity and KPIs, month, admin") { _ = try await reports.kpis(admin, monthFilter, timeZone: utc) }
        try await measure("snapshot", "report: funnel snapshot now, admin") {
            _ = try await reports.snapshot(admin, monthFilter, at: nil, timeZone: utc)
        }
        try await measure("snapshot-past", "report: funnel snapshot as the month began, admin") {
            _ = try await reports.snapshot(admin, monthFilter, at: Timestamp(rawValue: from.rawValue - 1), timeZone: utc)
        }
        try await measure("forecast", "report: forecast, quarter, admin") {
            _ = try await reports.forecastTallies(admin, quarterFilter, timeZone: utc)
        }
        try await measure("forecast-past", "report: forecast as it stood at the quarter's start, admin") {
            _ = try await reports.forecastTallies(admin, quarterFilter, timeZone: utc, asOf: quarterFrom)
        }
        try await measure("drill", "report: the deals behind a figure (first 500), month, admin") {
            _ = try await reports.deals(admin, monthFilter, drill: .entered(dataset.pipeline.stages[0].id), timeZone: utc)
        }

        var logger = Logger(label: "bench")
        logger.logLevel = .error
        let dependencies = try await Dependencies(store: store, logger: logger)
        let session = try await store.sessions.create(for: dataset.admin, address: "127.0.0.1", userAgent: "bench")
        let token = try await store.tokens.create(.system(reason: "benchmark"), user: dataset.admin.id, name: "bench").secret
        let app = Application(router: buildRouter(dependencies), logger: logger)
        let query = "pipeline_id=\(pipeline)&unit=month&start=\(month.from)"
        let routed = try await app.test(.router) { client -> [Timing] in
            var bearer = HTTPFields()
            bearer[.authorization] = "Bearer \(token)"
            var cookie = HTTPFields()
            cookie[.cookie] = "clientele_session=\(session.token)"
            var timings: [Timing] = []
            for (name, uri, headers) in [
                ("report: funnel JSON API through the router, month, admin", "/api/v1/reports/funnel?\(query)", bearer),
                ("report: funnel HTML page through the router, month, admin", "/reports/funnel?\(query)", cookie),
                ("report: manager dashboard HTML page (five reports), month, admin", "/reports?\(query)", cookie),
            ] {
                timings.append(
                    try await Timing.measure(name, runs: runs) {
                        let response = try await client.execute(uri: uri, method: .get, headers: headers)
                        guard response.status == .ok else { throw BenchError("\(uri) answered \(response.status)") }
                    }
                )
            }
            return timings
        }
        report.timings += routed

        let p = pipeline.rawValue
        let tPeriod = "t.pipeline_id = \(p) AND t.at >= \(from.rawValue) AND t.at < \(to.rawValue)"
        // The sums' rows a UTC period reads, as the store picks them: whole weeks (from Thursday, day 0 of the
        // epoch), then whole days at either end.
        func rollup(_ columns: String, _ start: Int64, _ end: Int64) -> String {
            let (firstDay, endDay) = (start / 86_400_000, end / 86_400_000)
            let (firstWeek, endWeek) = ((firstDay + 6) / 7, endDay / 7)
            return """
                SELECT \(columns) FROM funnel_weeks WHERE pipeline_id = \(p) AND bucket >= \(firstWeek) AND bucket < \(endWeek)
                UNION ALL SELECT \(columns) FROM funnel_days WHERE pipeline_id = \(p)
                    AND ((bucket >= \(firstDay) AND bucket < \(firstWeek * 7)) OR (bucket >= \(endWeek * 7) AND bucket < \(endDay)))
                """
        }
        let columns =
            "owner_id, stage_id, reason_id, currency, entered, entered_amount, reached, won, won_amount, won_cycle_ms, lost, lost_amount, stays, stay_ms"
        let monthRows = rollup(columns, from.rawValue, to.rawValue)
        let sums = "SUM(entered), SUM(entered_amount), SUM(reached), SUM(won), SUM(won_amount), SUM(lost), SUM(lost_amount)"
        let floors: [(key: String, name: String, sql: String)] = [
            // The same aggregates the product runs: sums of the daily rows, kept in step with the log.
            ("funnel", "historical funnel by hand", "SELECT stage_id, currency, \(sums) FROM (\(monthRows)) GROUP BY 1, 2;"),
            (
                "funnel-quarter", "historical funnel by hand, quarter",
                """
                SELECT stage_id, currency, \(sums) FROM (\(rollup(columns, quarterFrom.rawValue, quarterTo.rawValue))) GROUP BY 1, 2;
                """
            ),
            ("funnel-reps", "funnel by rep by hand", "SELECT owner_id, stage_id, currency, \(sums) FROM (\(monthRows)) GROUP BY 1, 2, 3;"),
            (
                "losses", "losses by hand",
                """
                SELECT stage_id, reason_id, owner_id, currency, SUM(lost), SUM(lost_amount) FROM (\(monthRows)) WHERE lost <> 0 GROUP BY 1, 2, 3, 4;
                """
            ),
            (
                "kpis", "velocity and KPIs by hand",
                """
                SELECT stage_id, currency, SUM(stays), SUM(stay_ms), SUM(won), SUM(won_amount), SUM(won_cycle_ms), SUM(lost) FROM (\(monthRows)) GROUP BY 1, 2;
                SELECT stage_id, COUNT(*), SUM(amount_minor) FROM deals WHERE pipeline_id = \(p) AND status = 'open' AND deleted_at IS NULL GROUP BY 1;
                SELECT t.deal_id, t.expected_close, (SELECT q.expected_close FROM stage_transitions q WHERE q.deal_id = t.deal_id AND q.id < t.id ORDER BY q.id DESC LIMIT 1) FROM stage_transitions t WHERE \(tPeriod) AND t.kind = 'close_date_changed';
                """
            ),
            // The funnel's figures read from the log alone, with each row's marks but no sums: what the sums save.
            (
                "", "historical funnel from the log alone (no sums) by hand",
                """
                SELECT t.to_stage_id, COUNT(*), SUM(t.amount_minor) FROM stage_transitions t JOIN deals d ON d.id = t.deal_id WHERE \(tPeriod) AND d.deleted_at IS NULL AND t.first_time = 1 GROUP BY 1;
                SELECT s.id, COUNT(*) FROM stage_transitions t JOIN deals d ON d.id = t.deal_id JOIN stages s ON s.pipeline_id = t.pipeline_id AND s.position >= t.reach_from AND s.position < t.reach_to WHERE \(tPeriod) AND d.deleted_at IS NULL GROUP BY 1;
                SELECT COUNT(*), SUM(t.amount_minor) FROM stage_transitions t JOIN deals d ON d.id = t.deal_id WHERE \(tPeriod) AND d.deleted_at IS NULL AND t.kind = 'lost';
                """
            ),
            (
                "snapshot", "snapshot now by hand",
                """
                SELECT stage_id, COUNT(*), SUM(amount_minor) FROM deals WHERE pipeline_id = \(p) AND status = 'open' AND deleted_at IS NULL GROUP BY stage_id;
                """
            ),
            (
                "snapshot-past", "snapshot at a past date by hand",
                """
                SELECT stage_id, currency, SUM(open_deals), SUM(open_amount), SUM(open_weighted) FROM (
                    SELECT stage_id, currency, open_deals, open_amount, open_weighted FROM funnel_totals WHERE pipeline_id = \(p)
                    UNION ALL SELECT stage_id, currency, -open_deals, -open_amount, -open_weighted FROM (\(rollup("stage_id, currency, open_deals, open_amount, open_weighted", from.rawValue, 1 << 60)))
                ) GROUP BY 1, 2;
                """
            ),
            (
                "", "snapshot at a past date replayed from the log (no sums) by hand",
                """
                SELECT t.to_stage_id, COUNT(*), SUM(t.amount_minor) FROM stage_transitions t JOIN (SELECT deal_id, MAX(id) AS id FROM stage_transitions WHERE pipeline_id = \(p) AND at < \(from.rawValue) GROUP BY deal_id) l ON l.id = t.id WHERE t.status = 'open' GROUP BY 1;
                """
            ),
            (
                "forecast", "forecast by hand",
                """
                SELECT owner_id, team_id, SUM(amount_minor) FROM deals WHERE pipeline_id = \(p) AND status = 'won' AND deleted_at IS NULL AND closed_at >= \(quarterFrom.rawValue) AND closed_at < \(quarterTo.rawValue) GROUP BY 1, 2;
                SELECT d.owner_id, d.team_id, COALESCE(d.forecast_category, s.forecast_category), SUM(d.amount_minor), SUM(d.amount_minor * s.probability) FROM deals d JOIN stages s ON s.id = d.stage_id WHERE d.pipeline_id = \(p) AND d.status = 'open' AND d.deleted_at IS NULL AND d.expected_close >= '\(quarter.from)' AND d.expected_close < '\(quarter.to)' GROUP BY 1, 2, 3;
                """
            ),
        ]
        for floor in floors {
            guard let timing = try SQLiteCLI.timing("\(floor.name), sqlite3 CLI (floor)", path: dataPath, sql: floor.sql, runs: runs) else {
                continue
            }
            report.timings.append(timing)
            if let mine = product[floor.key] { report.compare(floor.name.replacingOccurrences(of: " by hand", with: ""), mine, with: timing) }
        }
        try await check(admin, monthFilter, from: from.rawValue, to: to.rawValue, into: &report)
    }

    /// The funnel's figures must equal counts written straight from the documented rule over the raw log, without
    /// the rows' marks or the sums: a deal counts in a stage when its first entry into it falls in the month,
    /// as won when its first win does, and as lost for each loss in the month.
    private func check(_ admin: AccessContext, _ filter: ReportFilter, from: Int64, to: Int64, into report: inout Report) async throws {
        let tally = try await store.reports.funnel(admin, filter, timeZone: TimeZone(identifier: "UTC")!)[.all] ?? FunnelTally()
        let p = filter.pipelineID.rawValue
        let (entered, outcomes) = try await store.database.read { db in
            let entries = try await db.raw(
                """
                SELECT stage, COUNT(*) AS n FROM (
                    SELECT t.to_stage_id AS stage, MIN(t.at) AS first FROM stage_transitions t JOIN deals d ON d.id = t.deal_id
                    WHERE t.pipeline_id = \(bind: p) AND t.status = 'open' AND t.kind IN ('created', 'moved', 'reopened') AND d.deleted_at IS NULL
                    GROUP BY t.deal_id, t.to_stage_id
                ) f WHERE first >= \(bind: from) AND first < \(bind: to) GROUP BY stage
                """
            ).all()
            let outcomes = try await db.raw(
                """
                SELECT (SELECT COUNT(*) FROM (
                           SELECT MIN(t.at) AS first FROM stage_transitions t JOIN deals d ON d.id = t.deal_id
                           WHERE t.pipeline_id = \(bind: p) AND t.kind = 'won' AND d.deleted_at IS NULL GROUP BY t.deal_id
                       ) w WHERE first >= \(bind: from) AND first < \(bind: to)) AS won,
                       (SELECT COUNT(*) FROM stage_transitions t JOIN deals d ON d.id = t.deal_id
                        WHERE t.pipeline_id = \(bind: p) AND t.kind = 'lost' AND d.deleted_at IS NULL AND t.at >= \(bind: from) AND t.at < \(bind: to)) AS lost
                """
            ).first()
            return (entries, outcomes)
        }
        var expected: [StageID: Int] = [:]
        for row in entered { expected[StageID(try row.decode(column: "stage", as: Int64.self))] = try row.decode(column: "n", as: Int.self) }
        let won = try outcomes?.decode(column: "won", as: Int.self) ?? -1
        let lost = try outcomes?.decode(column: "lost", as: Int.self) ?? -1
        let equal = expected == tally.entered && won == tally.won && lost == tally.lost
        report.checks.append(
            "Funnel entries per stage, wins and losses equal counts from the raw log by the documented rule: \(equal ? "yes" : "NO") (\(tally.entered.values.reduce(0, +)) first entries, \(tally.won) won, \(tally.lost) lost in the month)"
        )
        if !equal {
            throw BenchError(
                "the funnel's figures differ from the raw log: \(tally.entered) \(tally.won) \(tally.lost) vs \(expected) \(won) \(lost)"
            )
        }
    }
}
