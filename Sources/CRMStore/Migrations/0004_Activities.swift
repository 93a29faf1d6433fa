extension Migrations {
    static let activities = Migration(number: 4, name: "activities", statements: { t in
        [
            """
            CREATE TABLE activities (
                id \(t.id),
                version BIGINT NOT NULL DEFAULT 1,
                owner_id BIGINT NOT NULL REFERENCES users(id),
                team_id BIGINT REFERENCES teams(id),
                created_by BIGINT REFERENCES users(id),
                created_at BIGINT NOT NULL,
                updated_at BIGINT NOT NULL,
                deleted_at BIGINT,
                sort_key TEXT NOT NULL,
                search_text TEXT NOT NULL,
                kind TEXT NOT NULL,
                subject TEXT NOT NULL,
                notes TEXT NOT NULL DEFAULT '',
                deal_id BIGINT REFERENCES deals(id),
                company_id BIGINT REFERENCES companies(id),
                contact_id BIGINT REFERENCES contacts(id),
                due_at BIGINT,
                priority TEXT NOT NULL DEFAULT 'normal',
                is_done \(t.bool) NOT NULL DEFAULT \(t.false),
                done_at BIGINT,
                direction TEXT,
                duration_minutes INTEGER,
                outcome TEXT NOT NULL DEFAULT '',
                starts_at BIGINT,
                ends_at BIGINT,
                place TEXT NOT NULL DEFAULT '',
                attendees TEXT NOT NULL DEFAULT '[]',
                tags TEXT NOT NULL DEFAULT '[]'
            )
            """,
            "CREATE INDEX activities_sort ON activities (sort_key, id)",
            "CREATE INDEX activities_created ON activities (created_at, id)",
            "CREATE INDEX activities_updated ON activities (updated_at, id)",
            "CREATE INDEX activities_deal ON activities (deal_id, created_at)",
            "CREATE INDEX activities_company ON activities (company_id, created_at)",
            "CREATE INDEX activities_contact ON activities (contact_id, created_at)",
            "CREATE INDEX activities_team ON activities (team_id)",
            // My day: a user's open tasks by due time, and their meetings by start.
            "CREATE INDEX activities_my_tasks ON activities (owner_id, kind, is_done, due_at) WHERE deleted_at IS NULL",
            "CREATE INDEX activities_my_meetings ON activities (owner_id, kind, starts_at) WHERE deleted_at IS NULL",
        ]
    })
}
