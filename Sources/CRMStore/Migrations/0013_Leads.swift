extension Migrations {
    static let leads = Migration(number: 13, name: "leads", statements: { t in
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
    })
}
