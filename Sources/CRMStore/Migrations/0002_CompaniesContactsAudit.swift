extension Migrations {
    static let companiesContactsAudit = Migration(number: 2, name: "companies_contacts_audit", statements: { t in
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
    })
}
