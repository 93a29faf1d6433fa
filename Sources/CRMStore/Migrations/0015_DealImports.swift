extension Migrations {
    static let dealImports = Migration(number: 15, name: "deal_imports", statements: { _ in
        [
            // A deals file's pipeline, stage values, zone and defaults, kept with the import and a saved mapping.
            "ALTER TABLE imports ADD COLUMN options TEXT",
            "ALTER TABLE import_mappings ADD COLUMN options TEXT",
            // Records an import made of another type than its own (the companies a deals file named), for undo.
            "ALTER TABLE import_records ADD COLUMN record_type TEXT",
        ]
    })
}
