/// Makes a table append-only in the database itself, so no code path (ours, a script, a careless admin with
/// a SQL console) can rewrite history: updates, deletes and (on PostgreSQL) truncation raise an error.
enum AppendOnly {
    static func statements(table: String, engine: Engine) -> [String] {
        switch engine {
        case .sqlite:
            return ["UPDATE", "DELETE"].map { operation in
                """
                CREATE TRIGGER \(table)_no_\(operation.lowercased()) BEFORE \(operation) ON \(table)
                BEGIN SELECT RAISE(ABORT, '\(table) is append-only'); END
                """
            }
        case .postgres:
            return [
                """
                CREATE FUNCTION \(table)_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN RAISE EXCEPTION '\(table) is append-only'; END $$
                """,
                "CREATE TRIGGER \(table)_no_change BEFORE UPDATE OR DELETE ON \(table) FOR EACH ROW EXECUTE FUNCTION \(table)_append_only()",
                "CREATE TRIGGER \(table)_no_truncate BEFORE TRUNCATE ON \(table) FOR EACH STATEMENT EXECUTE FUNCTION \(table)_append_only()",
            ]
        }
    }
}
