extension Migrations {
    static let recordMerges = Migration(number: 8, name: "record_merges", statements: { t in
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
    })
}
