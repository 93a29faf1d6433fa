extension Migrations {
    static let processes = Migration(number: 6, name: "processes", statements: { t in
        [
            // A definition is never changed: uploading the process again adds a version, and running
            // instances keep the version they started with.
            """
            CREATE TABLE process_definitions (
                id \(t.id),
                process_key TEXT NOT NULL,
                name TEXT NOT NULL,
                version INTEGER NOT NULL,
                bpmn TEXT NOT NULL,
                created_by BIGINT REFERENCES users(id),
                created_at BIGINT NOT NULL,
                UNIQUE (process_key, version)
            )
            """,
            // The engine's whole state of an instance, written in the same transaction as each step.
            """
            CREATE TABLE process_instances (
                id \(t.id),
                definition_id BIGINT NOT NULL REFERENCES process_definitions(id),
                status TEXT NOT NULL,
                state TEXT NOT NULL,
                next_timer_at BIGINT,
                incident TEXT,
                steps INTEGER NOT NULL,
                record_type TEXT,
                record_id BIGINT,
                campaign_id BIGINT,
                started_by BIGINT REFERENCES users(id),
                started_at BIGINT NOT NULL,
                updated_at BIGINT NOT NULL
            )
            """,
            "CREATE INDEX process_instances_timers ON process_instances (next_timer_at) WHERE status = 'running'",
            "CREATE INDEX process_instances_definition ON process_instances (definition_id, status)",
            // Open user tasks, kept in step with each instance's state, for inboxes and queues.
            """
            CREATE TABLE process_tasks (
                instance_id BIGINT NOT NULL REFERENCES process_instances(id),
                token_id INTEGER NOT NULL,
                node_id TEXT NOT NULL,
                name TEXT NOT NULL,
                assignee TEXT,
                candidate_groups TEXT NOT NULL,
                due_at BIGINT,
                created_at BIGINT NOT NULL,
                PRIMARY KEY (instance_id, token_id)
            )
            """,
            "CREATE INDEX process_tasks_assignee ON process_tasks (assignee)",
            // What service tasks and thrown messages asked of the CRM. A service action is claimed by one node,
            // run with its key as idempotency key, retried with back-off, and done once.
            """
            CREATE TABLE process_effects (
                id \(t.id),
                instance_id BIGINT NOT NULL REFERENCES process_instances(id),
                effect_key TEXT NOT NULL UNIQUE,
                kind TEXT NOT NULL,
                node_id TEXT NOT NULL,
                token_id INTEGER,
                action TEXT,
                parameters TEXT NOT NULL,
                status TEXT NOT NULL,
                attempts INTEGER NOT NULL,
                next_attempt_at BIGINT,
                claimed_until BIGINT,
                last_error TEXT,
                created_at BIGINT NOT NULL,
                done_at BIGINT
            )
            """,
            "CREATE INDEX process_effects_pending ON process_effects (next_attempt_at) WHERE status = 'pending'",
            "CREATE INDEX process_effects_instance ON process_effects (instance_id, status)",
            "CREATE INDEX process_instances_campaign ON process_instances (campaign_id) WHERE campaign_id IS NOT NULL",
            // Which process starts when a deal enters a stage.
            """
            CREATE TABLE process_triggers (
                id \(t.id),
                process_key TEXT NOT NULL,
                event TEXT NOT NULL,
                stage_id BIGINT REFERENCES stages(id),
                created_by BIGINT REFERENCES users(id),
                created_at BIGINT NOT NULL
            )
            """,
            "CREATE INDEX process_triggers_stage ON process_triggers (event, stage_id)",
            // One process per customer of a segment (secondary sales), watched as a whole.
            """
            CREATE TABLE process_campaigns (
                id \(t.id),
                process_key TEXT NOT NULL,
                name TEXT NOT NULL,
                segment TEXT NOT NULL,
                created_by BIGINT REFERENCES users(id),
                created_at BIGINT NOT NULL
            )
            """,
            // Starts asked for by triggers and campaigns, written in the transaction that caused them and
            // carried out once each by a worker, so a move or a campaign never loses or doubles a start.
            """
            CREATE TABLE process_start_requests (
                id \(t.id),
                process_key TEXT NOT NULL,
                record_type TEXT NOT NULL,
                record_id BIGINT NOT NULL,
                campaign_id BIGINT REFERENCES process_campaigns(id),
                requested_by BIGINT REFERENCES users(id),
                effect_key TEXT UNIQUE,
                status TEXT NOT NULL,
                instance_id BIGINT REFERENCES process_instances(id),
                error TEXT,
                created_at BIGINT NOT NULL
            )
            """,
            "CREATE INDEX process_start_requests_pending ON process_start_requests (id) WHERE status = 'pending'",
            // Processes whose start event is a timer: when each next starts, and how many starts are left.
            """
            CREATE TABLE process_schedules (
                id \(t.id),
                process_key TEXT NOT NULL,
                every_text TEXT NOT NULL,
                next_at BIGINT NOT NULL,
                remaining INTEGER,
                created_at BIGINT NOT NULL
            )
            """,
            "CREATE INDEX process_schedules_next ON process_schedules (next_at)",
        ]
    })
}
