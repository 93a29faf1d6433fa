extension Migrations {
    static let webFormConsent = Migration(number: 22, name: "web_form_consent", statements: { _ in
        [
            // A form may ask its visitors to agree to something; the lead keeps the words they agreed to and when.
            "ALTER TABLE lead_forms ADD COLUMN consent_text TEXT NOT NULL DEFAULT ''",
            "ALTER TABLE leads ADD COLUMN consent_text TEXT",
            "ALTER TABLE leads ADD COLUMN consent_at BIGINT",
        ]
    })
}
