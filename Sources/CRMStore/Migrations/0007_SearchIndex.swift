extension Migrations {
    static let searchIndex = Migration(number: 7, name: "search_index", statements: { t in
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
    })
}
