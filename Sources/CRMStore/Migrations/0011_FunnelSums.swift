extension Migrations {
    static let funnelSums = Migration(number: 11, name: "funnel_sums", statements: { t in
        let entryKinds = "'created', 'moved', 'reopened'"
        let keys = "pipeline_id, bucket, stage_id, owner_id, team_id, source, currency, reason_id"
        // What each log row adds to the funnel, marked once (see `DealProgress`): the first entry into a stage
        // or first win, the stage levels (position + 1) first reached, and the length of the stay a row ends.
        let marks = [
            "ALTER TABLE stage_transitions ADD COLUMN first_time SMALLINT NOT NULL DEFAULT 0",
            "ALTER TABLE stage_transitions ADD COLUMN reach_from INTEGER NOT NULL DEFAULT 0",
            "ALTER TABLE stage_transitions ADD COLUMN reach_to INTEGER NOT NULL DEFAULT 0",
            "ALTER TABLE stage_transitions ADD COLUMN stay_ms BIGINT",
        ]
        // The log refuses updates; marking the rows already there is the one sanctioned exception.
        let unlock = t.engine == .sqlite
            ? "DROP TRIGGER stage_transitions_no_update"
            : "ALTER TABLE stage_transitions DISABLE TRIGGER stage_transitions_no_change"
        let relock = t.engine == .sqlite
            ? "CREATE TRIGGER stage_transitions_no_update BEFORE UPDATE ON stage_transitions BEGIN SELECT RAISE(ABORT, 'stage_transitions is append-only'); END"
            : "ALTER TABLE stage_transitions ENABLE TRIGGER stage_transitions_no_change"
        let backfill = """
            UPDATE stage_transitions SET first_time = m.first_time, reach_from = m.reach_from, reach_to = m.reach_to, stay_ms = m.stay_ms
            FROM (
                SELECT id,
                       CASE WHEN entry = 1 AND ROW_NUMBER() OVER (PARTITION BY deal_id, entry, to_stage_id ORDER BY id) = 1 THEN 1
                            WHEN kind = 'won' AND ROW_NUMBER() OVER (PARTITION BY deal_id, kind ORDER BY id) = 1 THEN 1 ELSE 0 END AS first_time,
                       COALESCE(MAX(level) OVER (PARTITION BY deal_id ORDER BY id ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS reach_from,
                       MAX(level) OVER (PARTITION BY deal_id ORDER BY id ROWS UNBOUNDED PRECEDING) AS reach_to,
                       CASE WHEN kind IN ('moved', 'won', 'lost')
                            THEN at - MAX(CASE WHEN entry = 1 THEN at END) OVER (PARTITION BY deal_id ORDER BY id ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)
                       END AS stay_ms
                FROM (
                    SELECT t.id, t.deal_id, t.kind, t.at, t.to_stage_id,
                           CASE WHEN t.status = 'open' AND t.kind IN (\(entryKinds)) THEN 1 ELSE 0 END AS entry,
                           CASE WHEN t.status = 'open' AND t.kind IN (\(entryKinds)) THEN COALESCE(s.position, 0) + 1
                                WHEN t.kind = 'won' THEN COALESCE((SELECT MAX(p.position) FROM stages p WHERE p.pipeline_id = t.pipeline_id), 0) + 1
                                ELSE 0 END AS level
                    FROM stage_transitions t LEFT JOIN stages s ON s.id = t.to_stage_id
                ) base
            ) m
            WHERE stage_transitions.id = m.id
            """
        // Sums per UTC week, day and hour (`FunnelRollup.levels`), and of all time.
        let levels = ["funnel_weeks", "funnel_days", "funnel_hours", "funnel_totals"]
        let measureList = [
            "entered", "entered_amount", "reached", "won", "won_amount", "won_cycle_ms", "lost", "lost_amount", "stays", "stay_ms",
            "open_deals", "open_amount", "open_weighted",
        ]
        let measures = measureList.joined(separator: ", ")
        let tables = levels.map { table in
            """
            CREATE TABLE \(table) (
                pipeline_id BIGINT NOT NULL, bucket BIGINT NOT NULL, stage_id BIGINT NOT NULL, owner_id BIGINT NOT NULL,
                team_id BIGINT NOT NULL, source TEXT NOT NULL, currency TEXT NOT NULL, reason_id BIGINT NOT NULL,
                \(measureList.map { "\($0) BIGINT NOT NULL" }.joined(separator: ", ")),
                PRIMARY KEY (\(keys))
            )
            """
        }
        // The same contributions as `FunnelRollup.contributions`, frozen as of this migration.
        func select(_ stage: String, currency: String = "t.currency", reason: String = "0", _ values: [String: String]) -> String {
            let columns = measureList.map { "\(values[$0] ?? "0") AS \($0)" }.joined(separator: ", ")
            return """
                SELECT t.pipeline_id AS pipeline_id, t.at AS at, d.owner_id AS owner_id, COALESCE(d.team_id, 0) AS team_id, d.source AS source,
                       \(currency) AS currency, \(stage) AS stage_id, \(reason) AS reason_id, \(columns)
                """
        }
        let from = "stage_transitions t JOIN deals d ON d.id = t.deal_id"
        let entry = "t.kind IN (\(entryKinds)) AND t.first_time = 1"
        let win = "t.kind = 'won' AND t.first_time = 1"
        let contributions = """
            \(select("t.to_stage_id", reason: "CASE WHEN t.kind = 'lost' THEN COALESCE(t.loss_reason_id, 0) ELSE 0 END", [
                "entered": "CASE WHEN \(entry) THEN 1 ELSE 0 END", "entered_amount": "CASE WHEN \(entry) THEN t.amount_minor ELSE 0 END",
                "won": "CASE WHEN \(win) THEN 1 ELSE 0 END", "won_amount": "CASE WHEN \(win) THEN t.amount_minor ELSE 0 END",
                "won_cycle_ms": "CASE WHEN \(win) THEN t.at - d.created_at ELSE 0 END",
                "lost": "CASE WHEN t.kind = 'lost' THEN 1 ELSE 0 END", "lost_amount": "CASE WHEN t.kind = 'lost' THEN t.amount_minor ELSE 0 END",
            ])) FROM \(from) WHERE d.deleted_at IS NULL AND (t.first_time = 1 OR t.kind = 'lost')
            UNION ALL
            \(select("s.id", ["reached": "1"])) FROM \(from) JOIN stages s ON s.pipeline_id = t.pipeline_id AND s.position >= t.reach_from AND s.position < t.reach_to
            WHERE d.deleted_at IS NULL AND t.reach_to > t.reach_from
            UNION ALL
            \(select("t.from_stage_id", ["stays": "1", "stay_ms": "t.stay_ms"])) FROM \(from) WHERE d.deleted_at IS NULL AND t.stay_ms IS NOT NULL AND t.from_stage_id IS NOT NULL
            UNION ALL
            \(select("t.to_stage_id", ["open_deals": "1", "open_amount": "t.amount_minor", "open_weighted": "t.amount_minor * t.probability"])) FROM \(from)
            WHERE d.deleted_at IS NULL AND t.status = 'open'
            UNION ALL
            \(select("p.to_stage_id", currency: "p.currency", ["open_deals": "-1", "open_amount": "-p.amount_minor", "open_weighted": "-p.amount_minor * p.probability"])) FROM \(from)
            JOIN stage_transitions p ON p.id = (SELECT MAX(q.id) FROM stage_transitions q WHERE q.deal_id = t.deal_id AND q.id < t.id)
            WHERE d.deleted_at IS NULL AND p.status = 'open'
            """
        let sums = measureList.map { "SUM(\($0))" }.joined(separator: ", ")
        let groups = "stage_id, owner_id, team_id, source, currency, reason_id"
        // Hours from the log; each coarser level from the one below, since its buckets are whole hours or days.
        let fills = [
            """
            INSERT INTO funnel_hours (\(keys), \(measures))
            SELECT pipeline_id, at / 3600000, \(groups), \(sums) FROM (\(contributions)) x GROUP BY pipeline_id, at / 3600000, \(groups)
            """,
            "INSERT INTO funnel_days (\(keys), \(measures)) SELECT pipeline_id, bucket / 24, \(groups), \(sums) FROM funnel_hours GROUP BY pipeline_id, bucket / 24, \(groups)",
            "INSERT INTO funnel_weeks (\(keys), \(measures)) SELECT pipeline_id, bucket / 7, \(groups), \(sums) FROM funnel_days GROUP BY pipeline_id, bucket / 7, \(groups)",
            "INSERT INTO funnel_totals (\(keys), \(measures)) SELECT pipeline_id, 0, \(groups), \(sums) FROM funnel_weeks GROUP BY pipeline_id, \(groups)",
        ]
        // Slippage reads the period's close-date changes alone, not every row of the period.
        let slippage = "CREATE INDEX stage_transitions_kind ON stage_transitions (pipeline_id, kind, at)"
        return marks + [unlock, backfill, relock] + tables + fills + [slippage]
    })
}
