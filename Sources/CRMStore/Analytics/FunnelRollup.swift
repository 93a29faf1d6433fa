import CRMCore
import SQLKit

/// The funnel's sums (`funnel_weeks`, `funnel_days`, `funnel_hours`): per pipeline, UTC week, day or hour, stage,
/// owner, team, source, currency and loss reason, what the stage log's rows add up to — entries, reaches, wins,
/// losses and stays. Kept in step with the log in the transaction that appends to it, and re-keyed when a deal's
/// owner, team or source changes or the deal goes to the bin, so a sum is always exactly what the log says about
/// the deals as they are now.
///
/// `contributions` is the one definition of what a row adds: the sums are filled from it, and reports read it
/// straight from the log for what no whole hour covers (see `ReportQuery.spans`).
enum FunnelRollup {
    /// A size of bucket and the table that sums by it. Weeks keep a quarter to a few thousand rows; hours let a
    /// reader whose midnight is not UTC's add up their day's edges without reading the log.
    struct Level: Sendable {
        let table: String
        let milliseconds: Int64
    }

    static let levels = [
        Level(table: "funnel_weeks", milliseconds: 7 * 86_400_000),
        Level(table: "funnel_days", milliseconds: 86_400_000),
        Level(table: "funnel_hours", milliseconds: 3_600_000),
    ]

    /// The measures, in the order of the tables' columns.
    static let measures = ["entered", "entered_amount", "reached", "won", "won_amount", "won_cycle_ms", "lost", "lost_amount", "stays", "stay_ms"]
    static let keys = ["pipeline_id", "bucket", "stage_id", "owner_id", "team_id", "source", "currency", "reason_id"]

    /// Cuts a time range into whole buckets, largest first, and the pieces no whole hour covers.
    static func cut(_ range: Range<Int64>, _ levels: ArraySlice<Level> = levels[...]) -> (buckets: [(level: Level, range: Range<Int64>)], log: [Range<Int64>]) {
        guard !range.isEmpty else { return ([], []) }
        guard let level = levels.first else { return ([], [range]) }
        let size = level.milliseconds
        let first = (range.lowerBound + size - 1) / size
        let end = range.upperBound / size
        guard first < end else { return cut(range, levels.dropFirst()) }
        let before = cut(range.lowerBound..<(first * size), levels.dropFirst())
        let after = cut((end * size)..<range.upperBound, levels.dropFirst())
        return ([(level, first..<end)] + before.buckets + after.buckets, before.log + after.log)
    }

    /// One row per thing a log row adds, with the deal's current keys, the time `at` and every measure; deals in
    /// the bin add nothing. `joins` and `conditions` may name `t` (the log), `d` (deals) and `c` (companies).
    static func contributions(where conditions: [SQLQueryString], joins: SQLQueryString = "") -> SQLQueryString {
        let keys: SQLQueryString = """
            t.pipeline_id AS pipeline_id, t.at AS at, d.owner_id AS owner_id, COALESCE(d.team_id, 0) AS team_id, d.source AS source, t.currency AS currency
            """
        let from: SQLQueryString = "stage_transitions t JOIN deals d ON d.id = t.deal_id\(joins)"
        let filter = (conditions + ["d.deleted_at IS NULL"]).joined(separator: " AND ")
        let entry: SQLQueryString = "t.kind IN ('created', 'moved', 'reopened') AND t.first_time = 1"
        let win: SQLQueryString = "t.kind = 'won' AND t.first_time = 1"
        return """
            SELECT \(keys), t.to_stage_id AS stage_id, CASE WHEN t.kind = 'lost' THEN COALESCE(t.loss_reason_id, 0) ELSE 0 END AS reason_id,
                   CASE WHEN \(entry) THEN 1 ELSE 0 END AS entered, CASE WHEN \(entry) THEN t.amount_minor ELSE 0 END AS entered_amount, 0 AS reached,
                   CASE WHEN \(win) THEN 1 ELSE 0 END AS won, CASE WHEN \(win) THEN t.amount_minor ELSE 0 END AS won_amount,
                   CASE WHEN \(win) THEN t.at - d.created_at ELSE 0 END AS won_cycle_ms,
                   CASE WHEN t.kind = 'lost' THEN 1 ELSE 0 END AS lost, CASE WHEN t.kind = 'lost' THEN t.amount_minor ELSE 0 END AS lost_amount,
                   0 AS stays, 0 AS stay_ms
            FROM \(from) WHERE \(filter) AND (t.first_time = 1 OR t.kind = 'lost')
            UNION ALL
            SELECT \(keys), s.id AS stage_id, 0 AS reason_id, 0 AS entered, 0 AS entered_amount, 1 AS reached, 0 AS won, 0 AS won_amount,
                   0 AS won_cycle_ms, 0 AS lost, 0 AS lost_amount, 0 AS stays, 0 AS stay_ms
            FROM \(from) JOIN stages s ON s.pipeline_id = t.pipeline_id AND s.position >= t.reach_from AND s.position < t.reach_to
            WHERE \(filter) AND t.reach_to > t.reach_from
            UNION ALL
            SELECT \(keys), t.from_stage_id AS stage_id, 0 AS reason_id, 0 AS entered, 0 AS entered_amount, 0 AS reached, 0 AS won, 0 AS won_amount,
                   0 AS won_cycle_ms, 0 AS lost, 0 AS lost_amount, 1 AS stays, t.stay_ms AS stay_ms
            FROM \(from) WHERE \(filter) AND t.stay_ms IS NOT NULL AND t.from_stage_id IS NOT NULL
            """
    }

    /// Adds (or with `sign` -1 takes away) what the chosen log rows contribute, at every level.
    static func apply(_ db: any SQLDatabase, where conditions: [SQLQueryString], sign: Int) async throws {
        let keyList = keys.joined(separator: ", ")
        let sums = measures.map { "\(sign) * SUM(\($0))" }.joined(separator: ", ")
        for level in levels {
            let grouped = keys.map { $0 == "bucket" ? "at / \(level.milliseconds)" : $0 }.joined(separator: ", ")
            let updates = measures.map { "\($0) = \(level.table).\($0) + excluded.\($0)" }.joined(separator: ", ")
            // `WHERE 1 = 1` keeps SQLite from reading the upsert's ON as a join's.
            try await db.raw("""
                INSERT INTO \(ident: level.table) (\(unsafeRaw: keyList), \(unsafeRaw: measures.joined(separator: ", ")))
                SELECT \(unsafeRaw: grouped), \(unsafeRaw: sums) FROM (\(contributions(where: conditions))) x WHERE 1 = 1
                GROUP BY \(unsafeRaw: grouped)
                ON CONFLICT (\(unsafeRaw: keyList)) DO UPDATE SET \(unsafeRaw: updates)
                """).run()
        }
    }

    /// Adds freshly appended log rows.
    static func add(_ db: any SQLDatabase, logIDs: [Int64]) async throws {
        for chunk in logIDs.chunked(500) {
            try await apply(db, where: ["t.id IN (\(binds: Array(chunk)))"], sign: 1)
        }
    }

    /// Runs `change` to the deals' owner, team, source or bin state with their sums moved along: taken away under
    /// the keys they had, added back under the keys they have afterwards (nothing, for deals now in the bin).
    static func rekeying<T>(_ db: any SQLDatabase, deals ids: [Int64], _ change: () async throws -> T) async throws -> T {
        for chunk in ids.chunked(500) { try await apply(db, where: ["t.deal_id IN (\(binds: Array(chunk)))"], sign: -1) }
        let result = try await change()
        for chunk in ids.chunked(500) { try await apply(db, where: ["t.deal_id IN (\(binds: Array(chunk)))"], sign: 1) }
        return result
    }
}
