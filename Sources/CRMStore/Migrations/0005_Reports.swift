extension Migrations {
    static let reports = Migration(number: 5, name: "reports", statements: { t in
        [
            // Period scans of the stage log read only this index, never the table.
            "CREATE INDEX stage_transitions_report ON stage_transitions (pipeline_id, at, kind, deal_id, to_stage_id, from_stage_id, status, amount_minor, currency)",
            "DROP INDEX stage_transitions_pipeline",
            // Forecast: open deals by expected close, closed deals by when they closed.
            "CREATE INDEX deals_expected_close ON deals (pipeline_id, status, expected_close) WHERE deleted_at IS NULL",
            "CREATE INDEX deals_closed ON deals (pipeline_id, status, closed_at) WHERE deleted_at IS NULL",
            """
            CREATE TABLE sales_plans (
                id \(t.id),
                pipeline_id BIGINT NOT NULL REFERENCES pipelines(id),
                scope_kind TEXT NOT NULL,
                scope_id BIGINT,
                unit TEXT NOT NULL,
                period_start TEXT NOT NULL,
                stage_id BIGINT REFERENCES stages(id),
                target INTEGER NOT NULL,
                updated_by BIGINT REFERENCES users(id),
                updated_at BIGINT NOT NULL
            )
            """,
            "CREATE INDEX sales_plans_period ON sales_plans (pipeline_id, unit, period_start, scope_kind, scope_id)",
            // Overrides are never changed, only superseded: the table is their audit trail.
            """
            CREATE TABLE forecast_overrides (
                id \(t.id),
                pipeline_id BIGINT NOT NULL REFERENCES pipelines(id),
                unit TEXT NOT NULL,
                period_start TEXT NOT NULL,
                owner_id BIGINT NOT NULL REFERENCES users(id),
                commit_minor BIGINT NOT NULL,
                best_case_minor BIGINT NOT NULL,
                currency TEXT NOT NULL,
                comment TEXT NOT NULL,
                created_by BIGINT REFERENCES users(id),
                created_at BIGINT NOT NULL
            )
            """,
            "CREATE INDEX forecast_overrides_period ON forecast_overrides (pipeline_id, unit, period_start, owner_id, id)",
        ] + appendOnly(table: "forecast_overrides", engine: t.engine)
    })
}

/// This migration's own copy of the append-only triggers, frozen with it: the database refuses updates and deletes
/// (and, on PostgreSQL, truncation) of the table, whatever code, script or SQL console tries.
private func appendOnly(table: String, engine: Engine) -> [String] {
    switch engine {
    case .sqlite:
        return ["UPDATE", "DELETE"].map { operation in
            """
            CREATE TRIGGER \(table)_no_\(operation.lowercased()) BEFORE \(operation) ON \(table)
            BEGIN SELECT RAISE(ABORT, '\(table) is append-only'); END
            """
        }
    case .postgres:
        return [
            """
            CREATE FUNCTION \(table)_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN RAISE EXCEPTION '\(table) is append-only'; END $$
            """,
            "CREATE TRIGGER \(table)_no_change BEFORE UPDATE OR DELETE ON \(table) FOR EACH ROW EXECUTE FUNCTION \(table)_append_only()",
            "CREATE TRIGGER \(table)_no_truncate BEFORE TRUNCATE ON \(table) FOR EACH STATEMENT EXECUTE FUNCTION \(table)_append_only()",
        ]
    }
}
