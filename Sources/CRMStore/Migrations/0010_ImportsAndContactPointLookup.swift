extension Migrations {
    static let importsAndContactPointLookup = Migration(number: 10, name: "imports_and_contact_point_lookup", statements: { t in
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
    })
}
