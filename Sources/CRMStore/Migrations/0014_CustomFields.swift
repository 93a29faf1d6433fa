extension Migrations {
    static let customFields = Migration(number: 14, name: "custom_fields", statements: { t in
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
    })
}
