extension Migrations {
    static let funnel = Migration(number: 3, name: "funnel", statements: { t in
        [
            """
            CREATE TABLE pipelines (
                id \(t.id),
                name TEXT NOT NULL UNIQUE,
                currency TEXT NOT NULL,
                is_active \(t.bool) NOT NULL DEFAULT \(t.true),
                position INTEGER NOT NULL DEFAULT 0,
                created_at BIGINT NOT NULL
            )
            """,
            """
            CREATE TABLE stages (
                id \(t.id),
                pipeline_id BIGINT NOT NULL REFERENCES pipelines(id),
                name TEXT NOT NULL,
                translations TEXT NOT NULL DEFAULT '{}',
                position INTEGER NOT NULL,
                probability INTEGER NOT NULL CHECK (probability BETWEEN 0 AND 100),
                forecast_category TEXT NOT NULL,
                rotting_days INTEGER,
                required_fields TEXT NOT NULL DEFAULT '[]',
                is_active \(t.bool) NOT NULL DEFAULT \(t.true)
            )
            """,
            "CREATE INDEX stages_pipeline ON stages (pipeline_id, position)",
            """
            CREATE TABLE loss_reasons (
                id \(t.id),
                name TEXT NOT NULL UNIQUE,
                is_active \(t.bool) NOT NULL DEFAULT \(t.true)
            )
            """,
            """
            CREATE TABLE deals (
                id \(t.id),
                version BIGINT NOT NULL DEFAULT 1,
                owner_id BIGINT NOT NULL REFERENCES users(id),
                team_id BIGINT REFERENCES teams(id),
                created_by BIGINT REFERENCES users(id),
                created_at BIGINT NOT NULL,
                updated_at BIGINT NOT NULL,
                deleted_at BIGINT,
                sort_key TEXT NOT NULL,
                search_text TEXT NOT NULL,
                title TEXT NOT NULL,
                company_id BIGINT REFERENCES companies(id),
                pipeline_id BIGINT NOT NULL REFERENCES pipelines(id),
                stage_id BIGINT NOT NULL REFERENCES stages(id),
                amount_minor BIGINT NOT NULL,
                currency TEXT NOT NULL,
                expected_close TEXT,
                source TEXT NOT NULL DEFAULT '',
                forecast_category TEXT,
                tags TEXT NOT NULL DEFAULT '[]',
                status TEXT NOT NULL,
                loss_reason_id BIGINT REFERENCES loss_reasons(id),
                loss_comment TEXT NOT NULL DEFAULT '',
                closed_at BIGINT,
                stage_entered_at BIGINT NOT NULL
            )
            """,
            "CREATE INDEX deals_sort ON deals (sort_key, id)",
            "CREATE INDEX deals_created ON deals (created_at, id)",
            "CREATE INDEX deals_updated ON deals (updated_at, id)",
            "CREATE INDEX deals_owner ON deals (owner_id)",
            "CREATE INDEX deals_team ON deals (team_id)",
            "CREATE INDEX deals_company ON deals (company_id)",
            // The board: cards of a stage in order, and per-stage counts and sums from the index alone.
            "CREATE INDEX deals_board ON deals (pipeline_id, stage_id, status, id) WHERE deleted_at IS NULL",
            "CREATE INDEX deals_board_sums ON deals (pipeline_id, status, stage_id, currency, amount_minor, owner_id, team_id) WHERE deleted_at IS NULL",
            """
            CREATE TABLE deal_contacts (
                deal_id BIGINT NOT NULL REFERENCES deals(id),
                contact_id BIGINT NOT NULL REFERENCES contacts(id),
                role TEXT NOT NULL DEFAULT '',
                PRIMARY KEY (deal_id, contact_id)
            )
            """,
            "CREATE INDEX deal_contacts_contact ON deal_contacts (contact_id)",
            // The stage log: every move, close, reopen and change of amount or close date. Append-only.
            """
            CREATE TABLE stage_transitions (
                id \(t.id),
                deal_id BIGINT NOT NULL REFERENCES deals(id),
                pipeline_id BIGINT NOT NULL REFERENCES pipelines(id),
                kind TEXT NOT NULL,
                from_stage_id BIGINT REFERENCES stages(id),
                to_stage_id BIGINT NOT NULL REFERENCES stages(id),
                status TEXT NOT NULL,
                at BIGINT NOT NULL,
                actor_id BIGINT REFERENCES users(id),
                amount_minor BIGINT NOT NULL,
                currency TEXT NOT NULL,
                probability INTEGER NOT NULL,
                expected_close TEXT,
                loss_reason_id BIGINT REFERENCES loss_reasons(id),
                comment TEXT NOT NULL DEFAULT ''
            )
            """,
            "CREATE INDEX stage_transitions_deal ON stage_transitions (deal_id, id)",
            "CREATE INDEX stage_transitions_pipeline ON stage_transitions (pipeline_id, at)",
            "CREATE INDEX stage_transitions_to_stage ON stage_transitions (to_stage_id, at)",
        ] + appendOnly(table: "stage_transitions", engine: t.engine)
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
