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

    /// Every row ever, per key (integer division by `Int64.max` puts every time in bucket 0): the base a past
    /// snapshot subtracts what came after from.
    static let totals = Level(table: "funnel_totals", milliseconds: Int64.max)

    /// The measures, in the order of the tables' columns. `open_*` change the open pipeline: a row adds the deal's
    /// new state (when open) and takes away the state of the row before it (when that was open), so their sum up
    /// to a moment is the open pipeline at that moment.
    static let measures = [
        "entered", "entered_amount", "reached", "won", "won_amount", "won_cycle_ms", "lost", "lost_amount", "stays", "stay_ms",
        "open_deals", "open_amount", "open_weighted",
    ]
    static let keys = ["pipeline_id", "bucket", "stage_id", "owner_id", "team_id", "source", "currency", "reason_id"]

    /// The time ranges as whole buckets of each level, largest first, and the pieces no whole hour covers.
    static func cover(_ ranges: [Range<Int64>], levels: [Level] = levels) -> (buckets: [(level: Level, ranges: [Range<Int64>])], log: [Range<Int64>])
    {
        let pieces = ranges.map { cut($0, levels[...]) }
        let buckets = pieces.flatMap(\.buckets)
        let levels = levels.map { level in (level, buckets.filter { $0.level.table == level.table }.map(\.range)) }
        return (levels.filter { !$0.1.isEmpty }, pieces.flatMap(\.log))
    }

    private static func cut(
        _ range: Range<Int64>,
        _ levels: ArraySlice<Level>
    ) -> (buckets: [(level: Level, range: Range<Int64>)], log: [Range<Int64>]) {
        guard !range.isEmpty else { return ([], []) }
        guard let level = levels.first else { return ([], [range]) }
        let size = level.milliseconds
        // Rounded toward whole buckets on both sides of 1970 too: Swift's `/` truncates toward zero, which for a
        // period before 1970 put a bucket's edge outside the range (and stopped the server on a report of 1969).
        let first = Self.floorDivide(range.lowerBound + size - 1, size)
        let end = Self.floorDivide(range.upperBound, size)
        guard first < end else { return cut(range, levels.dropFirst()) }
        let before = cut(range.lowerBound..<(first * size), levels.dropFirst())
        let after = cut((end * size)..<range.upperBound, levels.dropFirst())
        return ([(level, first..<end)] + before.buckets + after.buckets, before.log + after.log)
    }

    static func floorDivide(_ value: Int64, _ divisor: Int64) -> Int64 {
        let quotient = value / divisor
        return value % divisor < 0 ? quotient - 1 : quotient
    }

    /// The stored rows over each level's bucket ranges, and `log`'s contributions, as one list of parts for a
    /// UNION ALL: the keys but `bucket`, then the bucket's start as `at`, then the measures times `sign`.
    static func rows(
        _ buckets: [(level: Level, ranges: [Range<Int64>])],
        log: SQLQueryString?,
        pipeline: Int64,
        keys: [String],
        measures: [String],
        sign: Int = 1
    ) -> [SQLQueryString] {
        let columns = keys.filter { $0 != "bucket" }.joined(separator: ", ")
        let values = measures.map { sign == 1 ? $0 : "\(sign) * \($0) AS \($0)" }.joined(separator: ", ")
        var parts: [SQLQueryString] = buckets.map { level, ranges in
            """
            SELECT \(unsafeRaw: columns), bucket * \(literal: level.milliseconds) AS at, \(unsafeRaw: values)
            FROM \(ident: level.table) WHERE \(ReportQuery.anyOf(ranges, column: "bucket", pipeline: ("pipeline_id", pipeline)))
            """
        }
        if let log { parts.append("SELECT \(unsafeRaw: columns), at, \(unsafeRaw: values) FROM (\(log)) c") }
        return parts
    }

    /// One row per thing a log row adds, with the deal's current keys, the time `at` and every measure; deals in
    /// the bin add nothing. `joins` and `conditions` may name `t` (the log), `d` (deals) and `c` (companies).
    static func contributions(where conditions: [SQLQueryString], joins: SQLQueryString = "") -> SQLQueryString {
        func select(stage: String, currency: String = "t.currency", reason: String = "0", _ values: [String: String]) -> SQLQueryString {
            let columns = measures.map { "\(values[$0] ?? "0") AS \($0)" }.joined(separator: ", ")
            return """
                SELECT t.pipeline_id AS pipeline_id, t.at AS at, d.owner_id AS owner_id, COALESCE(d.team_id, 0) AS team_id, d.source AS source,
                       \(unsafeRaw: currency) AS currency, \(unsafeRaw: stage) AS stage_id, \(unsafeRaw: reason) AS reason_id, \(unsafeRaw: columns)
                """
        }
        let from: SQLQueryString = "stage_transitions t JOIN deals d ON d.id = t.deal_id\(joins)"
        let filter = (conditions + ["d.deleted_at IS NULL"]).joined(separator: " AND ")
        let entry = "t.kind IN (\(TransitionKind.entries.map { "'\($0.rawValue)'" }.joined(separator: ", "))) AND t.first_time = 1"
        let win = StageLog.firstWin()
        let events = select(
            stage: "t.to_stage_id",
            reason: "CASE WHEN t.kind = 'lost' THEN COALESCE(t.loss_reason_id, 0) ELSE 0 END",
            [
                "entered": "CASE WHEN \(entry) THEN 1 ELSE 0 END", "entered_amount": "CASE WHEN \(entry) THEN t.amount_minor ELSE 0 END",
                "won": "CASE WHEN \(win) THEN 1 ELSE 0 END", "won_amount": "CASE WHEN \(win) THEN t.amount_minor ELSE 0 END",
                "won_cycle_ms": "CASE WHEN \(win) THEN t.at - d.created_at ELSE 0 END",
                "lost": "CASE WHEN t.kind = 'lost' THEN 1 ELSE 0 END", "lost_amount": "CASE WHEN t.kind = 'lost' THEN t.amount_minor ELSE 0 END",
            ]
        )
        let reaches = select(stage: "s.id", ["reached": "1"])
        let stays = select(stage: "t.from_stage_id", ["stays": "1", "stay_ms": "t.stay_ms"])
        let opened = select(
            stage: "t.to_stage_id",
            ["open_deals": "1", "open_amount": "t.amount_minor", "open_weighted": "t.amount_minor * t.probability"]
        )
        let left = select(
            stage: "p.to_stage_id",
            currency: "p.currency",
            ["open_deals": "-1", "open_amount": "-p.amount_minor", "open_weighted": "-p.amount_minor * p.probability"]
        )
        return """
            \(events) FROM \(from) WHERE \(filter) AND (t.first_time = 1 OR t.kind = 'lost')
            UNION ALL
            \(reaches) FROM \(from) JOIN stages s ON s.pipeline_id = t.pipeline_id AND s.position >= t.reach_from AND s.position < t.reach_to
            WHERE \(filter) AND t.reach_to > t.reach_from
            UNION ALL
            \(stays) FROM \(from) WHERE \(filter) AND t.stay_ms IS NOT NULL AND t.from_stage_id IS NOT NULL
            UNION ALL
            \(opened) FROM \(from) WHERE \(filter) AND t.status = 'open'
            UNION ALL
            \(left) FROM \(from) JOIN stage_transitions p ON p.id = (SELECT MAX(q.id) FROM stage_transitions q WHERE q.deal_id = t.deal_id AND q.id < t.id)
            WHERE \(filter) AND p.status = 'open'
            """
    }

    /// Adds (or with `sign` -1 takes away) what the chosen log rows contribute, at every level of the funnel's
    /// sums and of the forecast's.
    static func apply(_ db: any SQLDatabase, where conditions: [SQLQueryString], sign: Int) async throws {
        for level in levels + [totals] {
            try await upsert(db, level, keys: keys, measures: measures, from: contributions(where: conditions), sign: sign)
        }
        for level in Forecast.levels + [Forecast.totals] {
            try await upsert(db, level, keys: Forecast.keys, measures: Forecast.measures, from: Forecast.contributions(where: conditions), sign: sign)
        }
    }

    /// Adds the rows of `source` (with `at` and the keys other than `bucket`) into a level's table, by bucket.
    private static func upsert(
        _ db: any SQLDatabase,
        _ level: Level,
        keys: [String],
        measures: [String],
        from source: SQLQueryString,
        sign: Int
    ) async throws {
        let keyList = keys.joined(separator: ", ")
        let grouped = keys.map { $0 == "bucket" ? "at / \(level.milliseconds)" : $0 }.joined(separator: ", ")
        let sums = measures.map { "\(sign) * SUM(\($0))" }.joined(separator: ", ")
        let updates = measures.map { "\($0) = \(level.table).\($0) + excluded.\($0)" }.joined(separator: ", ")
        // `WHERE 1 = 1` keeps SQLite from reading the upsert's ON as a join's.
        try await db.raw(
            """
            INSERT INTO \(ident: level.table) (\(unsafeRaw: keyList), \(unsafeRaw: measures.joined(separator: ", ")))
            SELECT \(unsafeRaw: grouped), \(unsafeRaw: sums) FROM (\(source)) x WHERE 1 = 1
            GROUP BY \(unsafeRaw: grouped)
            ON CONFLICT (\(unsafeRaw: keyList)) DO UPDATE SET \(unsafeRaw: updates)
            """
        ).run()
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
