extension Migrations {
    static let byteOrderKeys = Migration(number: 20, name: "byte_order_keys", statements: { t in
        // Sort keys are folded and written so that byte order is name order (numbers by value), as SQLite
        // compares them. A PostgreSQL database created with a language's order (a server's usual default)
        // skips spaces and hyphens and put "Kowalczyk" before "Kowal Zenon", also in paging and the search
        // box's index walk. The C collation compares bytes; only the indexes on these columns are rebuilt.
        guard t.engine == .postgres else { return [] }
        return ["companies", "contacts", "deals", "activities", "leads"].map { "ALTER TABLE \($0) ALTER COLUMN sort_key TYPE TEXT COLLATE \"C\"" }
            + ["ALTER TABLE custom_values ALTER COLUMN text_value TYPE TEXT COLLATE \"C\""]
    })
}
