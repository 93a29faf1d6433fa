extension Migrations {
    static let twoFactorSignIn = Migration(number: 24, name: "two_factor_sign_in", statements: { t in
        [
            // A user's TOTP secret (RFC 6238): set up but unconfirmed while enabled_at is null. The last time step a
            // code was accepted for, so a code seen over someone's shoulder cannot be used again.
            "ALTER TABLE users ADD COLUMN totp_secret TEXT",
            "ALTER TABLE users ADD COLUMN totp_enabled_at BIGINT",
            "ALTER TABLE users ADD COLUMN totp_last_step BIGINT NOT NULL DEFAULT 0",
            // A session signed in with a password alone, waiting for the code.
            "ALTER TABLE sessions ADD COLUMN second_factor_due \(t.bool) NOT NULL DEFAULT \(t.false)",
            """
            CREATE TABLE recovery_codes (
                user_id BIGINT NOT NULL REFERENCES users(id),
                code_hash TEXT NOT NULL,
                used_at BIGINT,
                PRIMARY KEY (user_id, code_hash)
            )
            """,
            // Roles whose members must sign in with a second factor.
            "CREATE TABLE two_factor_roles (role TEXT PRIMARY KEY)",
        ]
    })
}
