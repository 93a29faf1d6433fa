extension Migrations {
    static let identity = Migration(number: 1, name: "identity", statements: { t in
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
    })
}
