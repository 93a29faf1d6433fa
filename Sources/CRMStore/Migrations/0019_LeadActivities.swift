extension Migrations {
    static let leadActivities = Migration(number: 19, name: "lead_activities", statements: { _ in
        [
            // Calls, e-mails and tasks with a lead before it becomes a customer, on its page and kept after conversion.
            "ALTER TABLE activities ADD COLUMN lead_id BIGINT REFERENCES leads(id)",
            "CREATE INDEX activities_lead ON activities (lead_id, created_at)",
        ]
    })
}
