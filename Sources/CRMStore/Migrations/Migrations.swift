/// Every migration, in order. Append only.
enum Migrations {
    static let all: [Migration] = [
        Migration(number: 1, name: "identity", statements: { t in
            [
                """
                CREATE TABLE users (
                    id \(t.id),
                    email TEXT NOT NULL UNIQUE,
                    name TEXT NOT NULL,
                    role TEXT NOT NULL,
                    locale TEXT NOT NULL,
                    time_zone TEXT NOT NULL,
                    is_active \(t.bool) NOT NULL DEFAULT \(t.true),
                    password_hash TEXT NOT NULL,
                    created_at BIGINT NOT NULL,
                    updated_at BIGINT NOT NULL
                )
                """,
                """
                CREATE TABLE teams (
                    id \(t.id),
                    name TEXT NOT NULL UNIQUE,
                    manager_id BIGINT REFERENCES users(id),
                    shares_records \(t.bool) NOT NULL DEFAULT \(t.false),
                    created_at BIGINT NOT NULL
                )
                """,
                """
                CREATE TABLE team_members (
                    team_id BIGINT NOT NULL REFERENCES teams(id) ON DELETE CASCADE,
                    user_id BIGINT NOT NULL REFERENCES users(id),
                    PRIMARY KEY (team_id, user_id)
                )
                """,
                "CREATE INDEX team_members_user ON team_members (user_id)",
                """
                CREATE TABLE sessions (
                    token_hash TEXT PRIMARY KEY,
                    user_id BIGINT NOT NULL REFERENCES users(id),
                    csrf_token TEXT NOT NULL,
                    created_at BIGINT NOT NULL,
                    last_seen_at BIGINT NOT NULL,
                    expires_at BIGINT NOT NULL,
                    address TEXT NOT NULL,
                    user_agent TEXT NOT NULL
                )
                """,
                "CREATE INDEX sessions_user ON sessions (user_id)",
                "CREATE INDEX sessions_expiry ON sessions (expires_at)",
                """
                CREATE TABLE api_tokens (
                    id \(t.id),
                    user_id BIGINT NOT NULL REFERENCES users(id),
                    name TEXT NOT NULL,
                    token_hash TEXT NOT NULL UNIQUE,
                    prefix TEXT NOT NULL,
                    created_at BIGINT NOT NULL,
                    last_used_at BIGINT,
                    revoked_at BIGINT
                )
                """,
                "CREATE INDEX api_tokens_user ON api_tokens (user_id)",
                """
                CREATE TABLE login_failures (
                    id \(t.id),
                    account TEXT NOT NULL,
                    address TEXT NOT NULL,
                    at BIGINT NOT NULL
                )
                """,
                "CREATE INDEX login_failures_account ON login_failures (account, at)",
                "CREATE INDEX login_failures_address ON login_failures (address, at)",
            ]
        }),
        Migration(number: 2, name: "companies_contacts_audit", statements: { t in
            [
                """
                CREATE TABLE companies (
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
                    name TEXT NOT NULL,
                    legal_name TEXT NOT NULL DEFAULT '',
                    tax_id TEXT NOT NULL DEFAULT '',
                    industry TEXT NOT NULL DEFAULT '',
                    size TEXT,
                    website TEXT NOT NULL DEFAULT '',
                    priority TEXT,
                    addresses TEXT NOT NULL DEFAULT '[]',
                    phones TEXT NOT NULL DEFAULT '[]',
                    emails TEXT NOT NULL DEFAULT '[]',
                    tags TEXT NOT NULL DEFAULT '[]'
                )
                """,
                "CREATE INDEX companies_sort ON companies (sort_key, id)",
                "CREATE INDEX companies_created ON companies (created_at, id)",
                "CREATE INDEX companies_updated ON companies (updated_at, id)",
                "CREATE INDEX companies_owner ON companies (owner_id)",
                "CREATE INDEX companies_team ON companies (team_id)",
                "CREATE INDEX companies_tax_id ON companies (tax_id) WHERE tax_id <> ''",
                """
                CREATE TABLE contacts (
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
                    first_name TEXT NOT NULL DEFAULT '',
                    middle_name TEXT NOT NULL DEFAULT '',
                    last_name TEXT NOT NULL DEFAULT '',
                    name_order TEXT NOT NULL DEFAULT 'given_first',
                    job_title TEXT NOT NULL DEFAULT '',
                    company_id BIGINT REFERENCES companies(id),
                    phones TEXT NOT NULL DEFAULT '[]',
                    emails TEXT NOT NULL DEFAULT '[]',
                    tags TEXT NOT NULL DEFAULT '[]'
                )
                """,
                "CREATE INDEX contacts_sort ON contacts (sort_key, id)",
                "CREATE INDEX contacts_created ON contacts (created_at, id)",
                "CREATE INDEX contacts_updated ON contacts (updated_at, id)",
                "CREATE INDEX contacts_owner ON contacts (owner_id)",
                "CREATE INDEX contacts_team ON contacts (team_id)",
                "CREATE INDEX contacts_company ON contacts (company_id)",
                // Normalised phones and e-mails of every record, for duplicate checks and caller recognition.
                """
                CREATE TABLE contact_points (
                    record_type TEXT NOT NULL,
                    record_id BIGINT NOT NULL,
                    kind TEXT NOT NULL,
                    value TEXT NOT NULL
                )
                """,
                "CREATE INDEX contact_points_value ON contact_points (kind, value)",
                "CREATE INDEX contact_points_record ON contact_points (record_type, record_id)",
                """
                CREATE TABLE record_tags (
                    record_type TEXT NOT NULL,
                    record_id BIGINT NOT NULL,
                    tag TEXT NOT NULL,
                    PRIMARY KEY (record_type, tag, record_id)
                )
                """,
                "CREATE INDEX record_tags_record ON record_tags (record_type, record_id)",
                """
                CREATE TABLE audit_log (
                    id \(t.id),
                    record_type TEXT NOT NULL,
                    record_id BIGINT NOT NULL,
                    action TEXT NOT NULL,
                    actor_id BIGINT REFERENCES users(id),
                    system_reason TEXT,
                    at BIGINT NOT NULL,
                    changes TEXT NOT NULL
                )
                """,
                "CREATE INDEX audit_log_record ON audit_log (record_type, record_id, id)",
                """
                CREATE TABLE idempotency_keys (
                    user_id BIGINT NOT NULL REFERENCES users(id),
                    key TEXT NOT NULL,
                    scope TEXT NOT NULL,
                    request_hash TEXT NOT NULL,
                    record_id BIGINT NOT NULL,
                    created_at BIGINT NOT NULL,
                    PRIMARY KEY (user_id, key)
                )
                """,
            ]
        }),
        Migration(number: 3, name: "funnel", statements: { t in
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
            ] + AppendOnly.statements(table: "stage_transitions", engine: t.engine)
        }),
        Migration(number: 4, name: "activities", statements: { t in
            [
                """
                CREATE TABLE activities (
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
                    kind TEXT NOT NULL,
                    subject TEXT NOT NULL,
                    notes TEXT NOT NULL DEFAULT '',
                    deal_id BIGINT REFERENCES deals(id),
                    company_id BIGINT REFERENCES companies(id),
                    contact_id BIGINT REFERENCES contacts(id),
                    due_at BIGINT,
                    priority TEXT NOT NULL DEFAULT 'normal',
                    is_done \(t.bool) NOT NULL DEFAULT \(t.false),
                    done_at BIGINT,
                    direction TEXT,
                    duration_minutes INTEGER,
                    outcome TEXT NOT NULL DEFAULT '',
                    starts_at BIGINT,
                    ends_at BIGINT,
                    place TEXT NOT NULL DEFAULT '',
                    attendees TEXT NOT NULL DEFAULT '[]',
                    tags TEXT NOT NULL DEFAULT '[]'
                )
                """,
                "CREATE INDEX activities_sort ON activities (sort_key, id)",
                "CREATE INDEX activities_created ON activities (created_at, id)",
                "CREATE INDEX activities_updated ON activities (updated_at, id)",
                "CREATE INDEX activities_deal ON activities (deal_id, created_at)",
                "CREATE INDEX activities_company ON activities (company_id, created_at)",
                "CREATE INDEX activities_contact ON activities (contact_id, created_at)",
                "CREATE INDEX activities_team ON activities (team_id)",
                // My day: a user's open tasks by due time, and their meetings by start.
                "CREATE INDEX activities_my_tasks ON activities (owner_id, kind, is_done, due_at) WHERE deleted_at IS NULL",
                "CREATE INDEX activities_my_meetings ON activities (owner_id, kind, starts_at) WHERE deleted_at IS NULL",
            ]
        }),
        Migration(number: 5, name: "reports", statements: { t in
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
            ] + AppendOnly.statements(table: "forecast_overrides", engine: t.engine)
        }),
        Migration(number: 6, name: "processes", statements: { t in
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
        }),
        Migration(number: 7, name: "search_index", statements: { t in
            // Phone numbers join the searchable text, so one indexed column answers names and numbers alike.
            let phones = t.engine == .sqlite ? "' ' || group_concat(value, ' ')" : "' ' || string_agg(value, ' ')"
            var statements = [("companies", "company"), ("contacts", "contact")].map { table, type in
                """
                UPDATE \(table) SET search_text = search_text || COALESCE((SELECT \(phones) FROM contact_points cp
                    WHERE cp.record_type = '\(type)' AND cp.kind = 'phone' AND cp.record_id = \(table).id), '')
                """
            }
            let tables = ["companies", "contacts", "deals", "activities"]
            guard t.engine == .sqlite else {
                // Trigram indexes let PostgreSQL answer `search_text LIKE '%word%'` without reading every row. The
                // extension is database-wide: it goes to the public schema (not to whichever schema this database's
                // tables live in, which may be dropped) unless it is installed already, wherever that is.
                let indexes = tables.map { "EXECUTE format('CREATE INDEX \($0)_search ON \($0) USING gin (search_text %I.gin_trgm_ops)', home);" }
                return statements + [
                    """
                    DO $$
                    DECLARE home text;
                    BEGIN
                        SELECT n.nspname INTO home FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'pg_trgm';
                        IF home IS NULL AND EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = 'public') THEN
                            CREATE EXTENSION pg_trgm WITH SCHEMA public;
                        ELSIF home IS NULL THEN
                            CREATE EXTENSION pg_trgm;
                        END IF;
                        SELECT n.nspname INTO home FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'pg_trgm';
                        \(indexes.joined(separator: "\n    "))
                    END
                    $$
                    """,
                ]
            }
            // SQLite: a trigram full-text index over each table's search_text, kept current by triggers, so
            // no write path (forms, API, import, merge) can forget it.
            for table in tables {
                let index = "\(table)_search"
                statements += [
                    "CREATE VIRTUAL TABLE \(index) USING fts5(search_text, content='\(table)', content_rowid='id', tokenize='trigram')",
                    """
                    CREATE TRIGGER \(index)_insert AFTER INSERT ON \(table) BEGIN
                        INSERT INTO \(index) (rowid, search_text) VALUES (new.id, new.search_text);
                    END
                    """,
                    """
                    CREATE TRIGGER \(index)_delete AFTER DELETE ON \(table) BEGIN
                        INSERT INTO \(index) (\(index), rowid, search_text) VALUES ('delete', old.id, old.search_text);
                    END
                    """,
                    """
                    CREATE TRIGGER \(index)_update AFTER UPDATE OF search_text ON \(table) BEGIN
                        INSERT INTO \(index) (\(index), rowid, search_text) VALUES ('delete', old.id, old.search_text);
                        INSERT INTO \(index) (rowid, search_text) VALUES (new.id, new.search_text);
                    END
                    """,
                    "INSERT INTO \(index) (\(index)) VALUES ('rebuild')",
                ]
            }
            return statements
        }),
        Migration(number: 8, name: "record_merges", statements: { t in
            [
                // A merge of two customer records, kept so it can be undone for 30 days: the survivor's fields
                // before it, and every related row it moved, by table.
                """
                CREATE TABLE record_merges (
                    id \(t.id),
                    record_type TEXT NOT NULL,
                    survivor_id BIGINT NOT NULL,
                    merged_id BIGINT NOT NULL,
                    survivor_before TEXT NOT NULL,
                    survivor_version BIGINT NOT NULL,
                    moved TEXT NOT NULL,
                    actor_id BIGINT REFERENCES users(id),
                    merged_at BIGINT NOT NULL,
                    undo_until BIGINT NOT NULL,
                    undone_at BIGINT
                )
                """,
                "CREATE INDEX record_merges_survivor ON record_merges (record_type, survivor_id)",
            ]
        }),
        Migration(number: 9, name: "record_event_triggers_and_segments", statements: { t in
            [
                // Processes started when a deal, company or contact is created or one of its fields changes.
                "ALTER TABLE process_triggers ADD COLUMN record_type TEXT",
                "ALTER TABLE process_triggers ADD COLUMN field TEXT",
                "ALTER TABLE process_triggers ADD COLUMN value TEXT",
                "CREATE INDEX process_triggers_record ON process_triggers (record_type, event)",
                // The kind of record a process works on, when it is for one.
                "ALTER TABLE process_definitions ADD COLUMN record_type TEXT",
                // A campaign's segment may be contacts or deals as well as companies.
                "ALTER TABLE process_campaigns ADD COLUMN record_type TEXT NOT NULL DEFAULT 'company'",
                // Saved list filters, for list views and campaigns.
                """
                CREATE TABLE segments (
                    id \(t.id),
                    name TEXT NOT NULL,
                    record_type TEXT NOT NULL,
                    filters TEXT NOT NULL,
                    created_by BIGINT REFERENCES users(id),
                    created_at BIGINT NOT NULL,
                    UNIQUE (record_type, name)
                )
                """,
            ]
        }),
        Migration(number: 10, name: "imports_and_contact_point_lookup", statements: { t in
            [
                // Look-alike checks ask "which records of this type have this e-mail or phone"; without statistics
                // SQLite chose the per-record index for that and read every contact point of the type.
                "CREATE INDEX contact_points_lookup ON contact_points (kind, value, record_type, record_id)",
                "DROP INDEX contact_points_value",
                // A customer card lists a company's first deals and contacts by name: straight from an index,
                // instead of reading all of a big customer's deals (thousands, cold on disk) to sort them.
                "CREATE INDEX deals_company_sort ON deals (company_id, sort_key, id)",
                "DROP INDEX deals_company",
                "CREATE INDEX contacts_company_sort ON contacts (company_id, sort_key, id)",
                "DROP INDEX contacts_company",
                // An uploaded CSV file, its mapping and what importing it did; the text is dropped once imported.
                """
                CREATE TABLE imports (
                    id \(t.id),
                    record_type TEXT NOT NULL,
                    file_name TEXT NOT NULL,
                    encoding TEXT NOT NULL,
                    content TEXT,
                    mapping TEXT NOT NULL,
                    status TEXT NOT NULL,
                    row_count INTEGER NOT NULL,
                    report TEXT,
                    created_by BIGINT REFERENCES users(id),
                    created_at BIGINT NOT NULL,
                    done_at BIGINT,
                    undone_at BIGINT
                )
                """,
                "CREATE INDEX imports_creator ON imports (created_by, id)",
                // The records an import made, with the key each had in its file, for links from later files and undo.
                """
                CREATE TABLE import_records (
                    import_id BIGINT NOT NULL REFERENCES imports(id),
                    record_id BIGINT NOT NULL,
                    source_key TEXT
                )
                """,
                "CREATE INDEX import_records_import ON import_records (import_id)",
                "CREATE INDEX import_records_key ON import_records (source_key)",
                """
                CREATE TABLE import_mappings (
                    id \(t.id),
                    name TEXT NOT NULL,
                    record_type TEXT NOT NULL,
                    columns TEXT NOT NULL,
                    created_by BIGINT REFERENCES users(id),
                    created_at BIGINT NOT NULL,
                    UNIQUE (record_type, name)
                )
                """,
            ]
        }),
        Migration(number: 11, name: "funnel_sums", statements: { t in
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
        }),
        Migration(number: 12, name: "forecast_sums", statements: { _ in
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
        }),
        Migration(number: 13, name: "leads", statements: { t in
            var statements = [
                """
                CREATE TABLE leads (
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
                    first_name TEXT NOT NULL DEFAULT '',
                    last_name TEXT NOT NULL DEFAULT '',
                    company_name TEXT NOT NULL DEFAULT '',
                    job_title TEXT NOT NULL DEFAULT '',
                    phones TEXT NOT NULL DEFAULT '[]',
                    emails TEXT NOT NULL DEFAULT '[]',
                    industry TEXT NOT NULL DEFAULT '',
                    company_size TEXT,
                    country TEXT NOT NULL DEFAULT '',
                    region TEXT NOT NULL DEFAULT '',
                    source TEXT NOT NULL DEFAULT '',
                    campaign TEXT NOT NULL DEFAULT '',
                    status TEXT NOT NULL DEFAULT 'new',
                    behaviours TEXT NOT NULL DEFAULT '[]',
                    notes TEXT NOT NULL DEFAULT '',
                    tags TEXT NOT NULL DEFAULT '[]',
                    score INTEGER NOT NULL DEFAULT 0,
                    score_reasons TEXT NOT NULL DEFAULT '[]',
                    converted_contact_id BIGINT REFERENCES contacts(id),
                    converted_company_id BIGINT REFERENCES companies(id),
                    converted_deal_id BIGINT REFERENCES deals(id),
                    converted_at BIGINT
                )
                """,
                "CREATE INDEX leads_sort ON leads (sort_key, id)",
                "CREATE INDEX leads_created ON leads (created_at, id)",
                "CREATE INDEX leads_updated ON leads (updated_at, id)",
                // A rep's open leads, counted for least-loaded routing, straight from the index.
                "CREATE INDEX leads_owner ON leads (owner_id, status) WHERE deleted_at IS NULL",
                "CREATE INDEX leads_team ON leads (team_id)",
                "CREATE INDEX leads_status ON leads (status, score)",
                "CREATE INDEX leads_score ON leads (score, id)",
                "CREATE INDEX leads_converted_contact ON leads (converted_contact_id) WHERE converted_contact_id IS NOT NULL",
                "CREATE INDEX leads_converted_company ON leads (converted_company_id) WHERE converted_company_id IS NOT NULL",
                """
                CREATE TABLE lead_scoring_rules (
                    id \(t.id),
                    position INTEGER NOT NULL,
                    attribute TEXT NOT NULL,
                    value TEXT NOT NULL,
                    points INTEGER NOT NULL
                )
                """,
                // Routing rules in the order they are tried; a round-robin rule remembers whose turn it was, in the
                // database, so every node continues the same rotation.
                """
                CREATE TABLE lead_routing_rules (
                    id \(t.id),
                    position INTEGER NOT NULL,
                    country TEXT NOT NULL DEFAULT '',
                    region TEXT NOT NULL DEFAULT '',
                    source TEXT NOT NULL DEFAULT '',
                    method TEXT NOT NULL,
                    user_id BIGINT REFERENCES users(id),
                    team_id BIGINT REFERENCES teams(id),
                    last_user_id BIGINT
                )
                """,
                """
                CREATE TABLE lead_forms (
                    id \(t.id),
                    form_key TEXT NOT NULL UNIQUE,
                    name TEXT NOT NULL,
                    source TEXT NOT NULL DEFAULT '',
                    campaign TEXT NOT NULL DEFAULT '',
                    redirect_url TEXT NOT NULL DEFAULT '',
                    owner_id BIGINT NOT NULL REFERENCES users(id),
                    is_active \(t.bool) NOT NULL DEFAULT \(t.true),
                    created_at BIGINT NOT NULL
                )
                """,
                // Every accepted or refused submission, by address, so the rate limit holds across nodes.
                """
                CREATE TABLE form_submissions (
                    id \(t.id),
                    form_id BIGINT NOT NULL REFERENCES lead_forms(id),
                    address TEXT NOT NULL,
                    at BIGINT NOT NULL,
                    lead_id BIGINT REFERENCES leads(id)
                )
                """,
                "CREATE INDEX form_submissions_address ON form_submissions (address, at)",
            ]
            guard t.engine == .sqlite else {
                statements.append("""
                    DO $$
                    DECLARE home text;
                    BEGIN
                        SELECT n.nspname INTO home FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'pg_trgm';
                        EXECUTE format('CREATE INDEX leads_search ON leads USING gin (search_text %I.gin_trgm_ops)', home);
                    END
                    $$
                    """)
                return statements
            }
            return statements + [
                "CREATE VIRTUAL TABLE leads_search USING fts5(search_text, content='leads', content_rowid='id', tokenize='trigram')",
                "CREATE TRIGGER leads_search_insert AFTER INSERT ON leads BEGIN INSERT INTO leads_search (rowid, search_text) VALUES (new.id, new.search_text); END",
                """
                CREATE TRIGGER leads_search_delete AFTER DELETE ON leads BEGIN
                    INSERT INTO leads_search (leads_search, rowid, search_text) VALUES ('delete', old.id, old.search_text);
                END
                """,
                """
                CREATE TRIGGER leads_search_update AFTER UPDATE OF search_text ON leads BEGIN
                    INSERT INTO leads_search (leads_search, rowid, search_text) VALUES ('delete', old.id, old.search_text);
                    INSERT INTO leads_search (rowid, search_text) VALUES (new.id, new.search_text);
                END
                """,
            ]
        }),
        Migration(number: 14, name: "custom_fields", statements: { t in
            let double = t.engine == .sqlite ? "REAL" : "DOUBLE PRECISION"
            return [
                // Fields admins add to a record type at run time; a field is switched off, never deleted, so the values
                // records hold keep their meaning.
                """
                CREATE TABLE field_definitions (
                    id \(t.id),
                    record_type TEXT NOT NULL,
                    field_key TEXT NOT NULL,
                    label TEXT NOT NULL,
                    kind TEXT NOT NULL,
                    options TEXT NOT NULL DEFAULT '[]',
                    is_required \(t.bool) NOT NULL DEFAULT \(t.false),
                    in_list \(t.bool) NOT NULL DEFAULT \(t.false),
                    is_active \(t.bool) NOT NULL DEFAULT \(t.true),
                    position INTEGER NOT NULL,
                    created_at BIGINT NOT NULL,
                    UNIQUE (record_type, field_key)
                )
                """,
                "ALTER TABLE companies ADD COLUMN custom TEXT NOT NULL DEFAULT '{}'",
                "ALTER TABLE contacts ADD COLUMN custom TEXT NOT NULL DEFAULT '{}'",
                "ALTER TABLE leads ADD COLUMN custom TEXT NOT NULL DEFAULT '{}'",
                "ALTER TABLE deals ADD COLUMN custom TEXT NOT NULL DEFAULT '{}'",
                // The values again, one row per value (per option of a multiple choice), so a filter or a sort on a custom
                // field reads an index instead of every record's JSON.
                """
                CREATE TABLE custom_values (
                    record_type TEXT NOT NULL,
                    record_id BIGINT NOT NULL,
                    field_key TEXT NOT NULL,
                    text_value TEXT NOT NULL,
                    number_value \(double)
                )
                """,
                "CREATE INDEX custom_values_text ON custom_values (record_type, field_key, text_value, record_id)",
                "CREATE INDEX custom_values_number ON custom_values (record_type, field_key, number_value, record_id)",
                "CREATE INDEX custom_values_record ON custom_values (record_type, record_id)",
            ]
        }),
        Migration(number: 15, name: "deal_imports", statements: { _ in
            [
                // A deals file's pipeline, stage values, zone and defaults, kept with the import and a saved mapping.
                "ALTER TABLE imports ADD COLUMN options TEXT",
                "ALTER TABLE import_mappings ADD COLUMN options TEXT",
                // Records an import made of another type than its own (the companies a deals file named), for undo.
                "ALTER TABLE import_records ADD COLUMN record_type TEXT",
            ]
        }),
        Migration(number: 16, name: "company_deals", statements: { _ in
            [
                // The customer card counts and sums a company's deals by outcome, and lists the latest changed of each.
                // A big customer's thousands of deals lie all over the table; these read them from a few index pages (the
                // first holds every column the sums and the permission layer ask for, so the table is not read at all).
                "CREATE INDEX deals_company_totals ON deals (company_id, status, currency, amount_minor, owner_id, team_id, deleted_at)",
                "CREATE INDEX deals_company_status ON deals (company_id, status, updated_at, id)",
            ]
        }),
        Migration(number: 17, name: "full_text_pending_size", statements: { t in
            // SQLite's full-text index keeps new terms in memory and writes them out as a segment when they pass
            // `hashsize` (1 MiB by default), merging segments later: an import of 5,000 contacts a statement wrote
            // several small segments per statement, and merging them cost as much as indexing. 16 MiB holds a
            // statement's terms; the memory is taken only while writing. PostgreSQL's trigram indexes have no such setting.
            guard t.engine == .sqlite else { return [] }
            return ["companies", "contacts", "deals", "activities", "leads"].map { "INSERT INTO \($0)_search (\($0)_search, rank) VALUES ('hashsize', 16777216)" }
        }),
        Migration(number: 18, name: "natural_sort_keys", statements: { _ in [] }, rewrite: NaturalSortKeys.rewrite),
        Migration(number: 19, name: "lead_activities", statements: { _ in
            [
                // Calls, e-mails and tasks with a lead before it becomes a customer, on its page and kept after conversion.
                "ALTER TABLE activities ADD COLUMN lead_id BIGINT REFERENCES leads(id)",
                "CREATE INDEX activities_lead ON activities (lead_id, created_at)",
            ]
        }),
        Migration(number: 20, name: "byte_order_keys", statements: { t in
            // Sort keys are folded and written so that byte order is name order (numbers by value), as SQLite
            // compares them. A PostgreSQL database created with a language's order (a server's usual default)
            // skips spaces and hyphens and put "Kowalczyk" before "Kowal Zenon", also in paging and the search
            // box's index walk. The C collation compares bytes; only the indexes on these columns are rebuilt.
            guard t.engine == .postgres else { return [] }
            return ["companies", "contacts", "deals", "activities", "leads"].map { "ALTER TABLE \($0) ALTER COLUMN sort_key TYPE TEXT COLLATE \"C\"" }
                + ["ALTER TABLE custom_values ALTER COLUMN text_value TYPE TEXT COLLATE \"C\""]
        }),
        Migration(number: 21, name: "loss_reason_translations", statements: { _ in
            // Loss reasons are read by reps in their own language, as stage names are.
            ["ALTER TABLE loss_reasons ADD COLUMN translations TEXT NOT NULL DEFAULT '{}'"]
        }),
        Migration(number: 22, name: "web_form_consent", statements: { _ in
            [
                // A form may ask its visitors to agree to something; the lead keeps the words they agreed to and when.
                "ALTER TABLE lead_forms ADD COLUMN consent_text TEXT NOT NULL DEFAULT ''",
                "ALTER TABLE leads ADD COLUMN consent_text TEXT",
                "ALTER TABLE leads ADD COLUMN consent_at BIGINT",
            ]
        }),
        Migration(number: 23, name: "field_translations", statements: { _ in
            // A custom field's label and options in each reader's language.
            ["ALTER TABLE field_definitions ADD COLUMN translations TEXT NOT NULL DEFAULT '{}'"]
        }),
    ]
}
