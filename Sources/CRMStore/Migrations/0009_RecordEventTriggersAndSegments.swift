extension Migrations {
    static let recordEventTriggersAndSegments = Migration(number: 9, name: "record_event_triggers_and_segments", statements: { t in
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
    })
}
