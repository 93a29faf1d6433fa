extension Migrations {
    static let forecastSums = Migration(number: 12, name: "forecast_sums", statements: { _ in
        let keys = "pipeline_id, bucket, owner_id, team_id, category, currency, close_month"
        let tables = ["forecast_weeks", "forecast_days", "forecast_hours", "forecast_totals"].map { table in
            """
            CREATE TABLE \(table) (
                pipeline_id BIGINT NOT NULL, bucket BIGINT NOT NULL, owner_id BIGINT NOT NULL, team_id BIGINT NOT NULL,
                category TEXT NOT NULL, currency TEXT NOT NULL, close_month TEXT NOT NULL,
                open_deals BIGINT NOT NULL, open_amount BIGINT NOT NULL, open_weighted BIGINT NOT NULL,
                PRIMARY KEY (\(keys))
            )
            """
        }
        // The same contributions as `FunnelRollup.Forecast.contributions`, frozen as of this migration.
        func select(_ row: String, _ sign: String) -> String {
            """
            SELECT t.pipeline_id AS pipeline_id, t.at AS at, d.owner_id AS owner_id, COALESCE(d.team_id, 0) AS team_id,
                   COALESCE(d.forecast_category, s.forecast_category) AS category, \(row).currency AS currency,
                   COALESCE(SUBSTR(\(row).expected_close, 1, 7), '') AS close_month, \(sign)1 AS open_deals,
                   \(sign)\(row).amount_minor AS open_amount, \(sign)\(row).amount_minor * \(row).probability AS open_weighted
            """
        }
        let contributions = """
            \(select("t", "")) FROM stage_transitions t JOIN deals d ON d.id = t.deal_id JOIN stages s ON s.id = t.to_stage_id
            WHERE d.deleted_at IS NULL AND t.status = 'open'
            UNION ALL
            \(select("p", "-")) FROM stage_transitions t JOIN deals d ON d.id = t.deal_id
            JOIN stage_transitions p ON p.id = (SELECT MAX(q.id) FROM stage_transitions q WHERE q.deal_id = t.deal_id AND q.id < t.id)
            JOIN stages s ON s.id = p.to_stage_id
            WHERE d.deleted_at IS NULL AND p.status = 'open'
            """
        let groups = "owner_id, team_id, category, currency, close_month"
        let sums = "SUM(open_deals), SUM(open_amount), SUM(open_weighted)"
        let measures = "open_deals, open_amount, open_weighted"
        // The open and won deals a forecast, the velocity report's stale count and the board read, from the index alone.
        let covering = [
            "CREATE INDEX deals_board_open ON deals (pipeline_id, status, stage_id, currency, amount_minor, owner_id, team_id, stage_entered_at) WHERE deleted_at IS NULL",
            "DROP INDEX deals_board_sums",
            """
            CREATE INDEX deals_forecast_open ON deals (pipeline_id, status, expected_close, owner_id, team_id, stage_id, forecast_category, currency, amount_minor)
            WHERE deleted_at IS NULL
            """,
            "DROP INDEX deals_expected_close",
            "CREATE INDEX deals_forecast_won ON deals (pipeline_id, status, closed_at, owner_id, team_id, currency, amount_minor) WHERE deleted_at IS NULL",
            "DROP INDEX deals_closed",
            // The deals behind a funnel figure: a stage's first entries straight from an index; the rest from the
            // period's rows, with their marks in the index so no row is read. The stage leads, so no query by
            // pipeline is tempted to scan it.
            "CREATE INDEX stage_transitions_firsts ON stage_transitions (to_stage_id, first_time, at, kind, deal_id)",
            """
            CREATE INDEX stage_transitions_period ON stage_transitions
                (pipeline_id, at, kind, deal_id, to_stage_id, from_stage_id, status, amount_minor, currency, first_time, reach_from, reach_to)
            """,
            "DROP INDEX stage_transitions_report",
        ]
        return covering + tables + [
            """
            INSERT INTO forecast_hours (\(keys), \(measures))
            SELECT pipeline_id, at / 3600000, \(groups), \(sums) FROM (\(contributions)) x GROUP BY pipeline_id, at / 3600000, \(groups)
            """,
            "INSERT INTO forecast_days (\(keys), \(measures)) SELECT pipeline_id, bucket / 24, \(groups), \(sums) FROM forecast_hours GROUP BY pipeline_id, bucket / 24, \(groups)",
            "INSERT INTO forecast_weeks (\(keys), \(measures)) SELECT pipeline_id, bucket / 7, \(groups), \(sums) FROM forecast_days GROUP BY pipeline_id, bucket / 7, \(groups)",
            "INSERT INTO forecast_totals (\(keys), \(measures)) SELECT pipeline_id, 0, \(groups), \(sums) FROM forecast_weeks GROUP BY pipeline_id, \(groups)",
        ]
    })
}
