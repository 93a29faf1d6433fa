extension Migrations {
    static let commentsAndNotifications = Migration(number: 26, name: "comments_and_notifications", statements: { t in
        [
            // Colleagues' remarks on a record; mentions are tokens in the body and rows below.
            """
            CREATE TABLE comments (
                id \(t.id),
                record_type TEXT NOT NULL,
                record_id BIGINT NOT NULL,
                author_id BIGINT NOT NULL REFERENCES users(id),
                body TEXT NOT NULL,
                created_at BIGINT NOT NULL,
                deleted_at BIGINT
            )
            """,
            "CREATE INDEX comments_record ON comments (record_type, record_id, created_at)",
            """
            CREATE TABLE comment_mentions (
                comment_id BIGINT NOT NULL REFERENCES comments(id),
                user_id BIGINT REFERENCES users(id),
                team_id BIGINT REFERENCES teams(id)
            )
            """,
            "CREATE INDEX comment_mentions_comment ON comment_mentions (comment_id)",
            // What a user should know about, under the bell until read. Who may still see the record, and its title,
            // are read when the list is.
            """
            CREATE TABLE notifications (
                id \(t.id),
                user_id BIGINT NOT NULL REFERENCES users(id),
                kind TEXT NOT NULL,
                record_type TEXT NOT NULL,
                record_id BIGINT NOT NULL,
                actor_id BIGINT REFERENCES users(id),
                comment_id BIGINT REFERENCES comments(id),
                excerpt TEXT NOT NULL DEFAULT '',
                created_at BIGINT NOT NULL,
                read_at BIGINT
            )
            """,
            "CREATE INDEX notifications_user ON notifications (user_id, id)",
            "CREATE INDEX notifications_unread ON notifications (user_id) WHERE read_at IS NULL",
        ]
    })
}
