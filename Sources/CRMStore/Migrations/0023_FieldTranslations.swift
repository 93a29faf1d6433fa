extension Migrations {
    static let fieldTranslations = Migration(number: 23, name: "field_translations", statements: { _ in
        // A custom field's label and options in each reader's language.
        ["ALTER TABLE field_definitions ADD COLUMN translations TEXT NOT NULL DEFAULT '{}'"]
    })
}
