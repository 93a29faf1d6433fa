extension Migrations {
    static let calendarFeeds = Migration(number: 27, name: "calendar_feeds", statements: { t in
        [
            // A user's secret iCalendar feed: only its digest is kept, like an API token's. One per user; a new one
            // replaces the old, which then answers 404.
            """
            CREATE TABLE calendar_feeds (
                user_id BIGINT PRIMARY KEY REFERENCES users(id),
                secret_digest TEXT NOT NULL UNIQUE,
                created_at BIGINT NOT NULL
            )
            """
        ]
    })
}
