extension Migrations {
    static let files = Migration(number: 25, name: "files", statements: { t in
        let bytes = t.engine == .sqlite ? "BLOB" : "BYTEA"
        return [
            // File contents by SHA-256, stored once however many files point at them. `state` is the upload's and
            // the sweeper's handshake: pending while bytes go to storage, stored once they are there, deleting
            // while the sweeper removes them. `touched_at` dates the last change of state.
            """
            CREATE TABLE blobs (
                hash TEXT PRIMARY KEY,
                size BIGINT NOT NULL,
                state TEXT NOT NULL CHECK (state IN ('pending', 'stored', 'deleting')),
                touched_at BIGINT NOT NULL
            )
            """,
            "CREATE INDEX blobs_state ON blobs (state, touched_at)",
            // The bytes themselves when files are kept in the database.
            """
            CREATE TABLE blob_chunks (
                hash TEXT NOT NULL,
                seq INTEGER NOT NULL,
                bytes \(bytes) NOT NULL,
                PRIMARY KEY (hash, seq)
            )
            """,
            // A file attached to a record. Removing one sets deleted_at (the bin); the sweeper erases it after the
            // retention period, and its blob with its last reference.
            """
            CREATE TABLE files (
                id \(t.id),
                record_type TEXT NOT NULL,
                record_id BIGINT NOT NULL,
                name TEXT NOT NULL,
                media_type TEXT NOT NULL,
                size BIGINT NOT NULL,
                hash TEXT NOT NULL REFERENCES blobs(hash),
                content_text TEXT,
                search_text TEXT NOT NULL,
                uploaded_by BIGINT REFERENCES users(id),
                created_at BIGINT NOT NULL,
                deleted_at BIGINT,
                deleted_by BIGINT REFERENCES users(id)
            )
            """,
            "CREATE INDEX files_record ON files (record_type, record_id, created_at)",
            "CREATE INDEX files_hash ON files (hash)",
            "CREATE INDEX files_deleted ON files (deleted_at) WHERE deleted_at IS NOT NULL",
        ]
    })
}
