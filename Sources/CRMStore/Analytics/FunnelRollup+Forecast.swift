import SQLKit

extension FunnelRollup {
    /// The open pipeline by forecast category and expected-close month (`forecast_weeks`, `forecast_days`,
    /// `forecast_hours`, `forecast_totals`), for the forecast as it stood at a past moment: all time less what came
    /// after. Kept apart from the funnel's sums, whose rows a close month would multiply.
    enum Forecast {
        static let levels = [
            Level(table: "forecast_weeks", milliseconds: 7 * 86_400_000),
            Level(table: "forecast_days", milliseconds: 86_400_000),
            Level(table: "forecast_hours", milliseconds: 3_600_000),
        ]
        static let totals = Level(table: "forecast_totals", milliseconds: Int64.max)
        static let keys = ["pipeline_id", "bucket", "owner_id", "team_id", "category", "currency", "close_month"]
        static let measures = ["open_deals", "open_amount", "open_weighted"]

        /// What each chosen log row changes in the open pipeline: the deal's new state in, the previous row's out.
        /// The category is the deal's own when set, else its stage's; the close month is `YYYY-MM` or empty.
        static func contributions(where conditions: [SQLQueryString]) -> SQLQueryString {
            func select(_ row: String, sign: String) -> SQLQueryString {
                """
                SELECT t.pipeline_id AS pipeline_id, t.at AS at, d.owner_id AS owner_id, COALESCE(d.team_id, 0) AS team_id,
                       COALESCE(d.forecast_category, s.forecast_category) AS category, \(unsafeRaw: row).currency AS currency,
                       COALESCE(SUBSTR(\(unsafeRaw: row).expected_close, 1, 7), '') AS close_month, \(unsafeRaw: sign)1 AS open_deals,
                       \(unsafeRaw: sign)\(unsafeRaw: row).amount_minor AS open_amount, \(unsafeRaw: sign)\(unsafeRaw: row).amount_minor * \(unsafeRaw: row).probability AS open_weighted
                """
            }
            let filter = (conditions + ["d.deleted_at IS NULL"]).joined(separator: " AND ")
            return """
                \(select("t", sign: "")) FROM stage_transitions t JOIN deals d ON d.id = t.deal_id JOIN stages s ON s.id = t.to_stage_id
                WHERE \(filter) AND t.status = 'open'
                UNION ALL
                \(select("p", sign: "-")) FROM stage_transitions t JOIN deals d ON d.id = t.deal_id
                JOIN stage_transitions p ON p.id = (SELECT MAX(q.id) FROM stage_transitions q WHERE q.deal_id = t.deal_id AND q.id < t.id)
                JOIN stages s ON s.id = p.to_stage_id
                WHERE \(filter) AND p.status = 'open'
                """
        }
    }
}
