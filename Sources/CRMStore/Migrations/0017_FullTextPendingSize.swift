extension Migrations {
    static let fullTextPendingSize = Migration(number: 17, name: "full_text_pending_size", statements: { t in
        // SQLite's full-text index keeps new terms in memory and writes them out as a segment when they pass
        // `hashsize` (1 MiB by default), merging segments later: an import of 5,000 contacts a statement wrote
        // several small segments per statement, and merging them cost as much as indexing. 16 MiB holds a
        // statement's terms; the memory is taken only while writing. PostgreSQL's trigram indexes have no such setting.
        guard t.engine == .sqlite else { return [] }
        return ["companies", "contacts", "deals", "activities", "leads"].map { "INSERT INTO \($0)_search (\($0)_search, rank) VALUES ('hashsize', 16777216)" }
    })
}
