import CRMCore
import Foundation
import SQLKit

/// What an import's rows point at, looked up once per distinct value (never once per row): owners, companies,
/// and the records a row may duplicate.
enum ImportReferences {
    /// Users by folded e-mail or name, each checked against what the importer may assign; a failure says why.
    static func owners(
        _ db: any SQLDatabase,
        _ context: AccessContext,
        _ names: Set<String>
    ) async throws -> [String: Result<(id: UserID, team: TeamID?), ImportProblem>] {
        guard !names.isEmpty else { return [:] }
        var byKey: [String: [(id: UserID, team: TeamID?)]] = [:]
        for row in try await db.raw(
            """
            SELECT u.id, u.name, u.email, (SELECT MIN(m.team_id) FROM team_members m WHERE m.user_id = u.id) AS team_id
            FROM users u WHERE u.is_active = \(bind: true)
            """
        ).all() {
            let user = (id: UserID(try row.value("id", as: Int64.self)), team: try row.decode(column: "team_id", as: Int64?.self).map { TeamID($0) })
            byKey[TextFolding.fold(try row.value("email", as: String.self)), default: []].append(user)
            byKey[TextFolding.fold(try row.value("name", as: String.self)), default: []].append(user)
        }
        var answers: [String: Result<(id: UserID, team: TeamID?), ImportProblem>] = [:]
        for name in names {
            let key = TextFolding.fold(name)
            guard answers[key] == nil else { continue }
            guard let users = byKey[key], !users.isEmpty else {
                answers[key] = .failure(ImportProblem("no active user has this e-mail or name"))
                continue
            }
            guard users.count == 1 else {
                answers[key] = .failure(ImportProblem("more than one user is called this; name the owner by e-mail"))
                continue
            }
            do {
                // The assignment rule is the same for every kind of record.
                let assigned = try await RecordStore<CompanyFields>.resolveAssignment(
                    db,
                    context,
                    .init(owner: users[0].id, team: .some(users[0].team)),
                    current: nil
                )
                answers[key] = .success((assigned.0, assigned.1))
            } catch StoreError.forbidden(let why) {
                answers[key] = .failure(ImportProblem(why))
            }
        }
        return answers
    }

    /// Companies the importer may see, for each value a contacts file names: the key it had in an earlier
    /// import's file, else its id, else its name (case and accents ignored; the oldest of equal names).
    static func companies(
        _ db: any SQLDatabase,
        _ context: AccessContext,
        _ values: Set<String>
    ) async throws -> [String: (id: CompanyID, name: String)] {
        guard !values.isEmpty else { return [:] }
        let visible: SQLQueryString = "\(AccessPredicate.sql(context.visibility, table: "t")) AND t.deleted_at IS NULL"
        var found: [String: (id: CompanyID, name: String)] = [:]
        for chunk in values.sorted().chunked(400) {
            for row in try await db.raw(
                """
                SELECT r.source_key, r.record_id, t.name FROM import_records r JOIN imports i ON i.id = r.import_id JOIN companies t ON t.id = r.record_id
                WHERE i.record_type = 'companies' AND i.status = 'done' AND r.source_key IN (\(binds: Array(chunk))) AND \(visible)
                ORDER BY r.record_id
                """
            ).all() {
                let key = try row.decode(column: "source_key", as: String.self)
                if found[key] == nil {
                    found[key] = (CompanyID(try row.decode(column: "record_id", as: Int64.self)), try row.decode(column: "name", as: String.self))
                }
            }
        }
        let ids = values.filter { found[$0] == nil }.compactMap { value in Int64(value).map { (value, $0) } }
        for chunk in ids.chunked(400) {
            let known = Dictionary(
                uniqueKeysWithValues: try await db.raw("SELECT t.id, t.name FROM companies t WHERE t.id IN (\(binds: chunk.map(\.1))) AND \(visible)")
                    .all()
                    .map { (try $0.decode(column: "id", as: Int64.self), try $0.decode(column: "name", as: String.self)) }
            )
            for (value, id) in chunk { if let name = known[id] { found[value] = (CompanyID(id), name) } }
        }
        let names = Dictionary(grouping: values.filter { found[$0] == nil }, by: { TextFolding.sortKey($0) })
        for chunk in names.keys.sorted().chunked(400) {
            for row in try await db.raw(
                "SELECT t.id, t.sort_key, t.name FROM companies t WHERE t.sort_key IN (\(binds: Array(chunk))) AND \(visible) ORDER BY t.id DESC"
            ).all() {
                for value in names[try row.decode(column: "sort_key", as: String.self)] ?? [] {
                    found[value] = (CompanyID(try row.decode(column: "id", as: Int64.self)), try row.decode(column: "name", as: String.self))
                }
            }
        }
        return found
    }

    /// Rows that look like a record the importer can see (same e-mail, phone or identifying number) or like
    /// an earlier row of the file (the same, or the same name).
    static func duplicates<Fields: StoredFields>(
        _ db: any SQLDatabase,
        _ context: AccessContext,
        _ rows: [RecordImport.Row<Fields>]
    ) async throws -> [ImportReport.Duplicate] {
        let visible: SQLQueryString = "\(AccessPredicate.sql(context.visibility, table: "t")) AND t.deleted_at IS NULL"
        var existing: [String: Set<Int64>] = [:]
        let emails = Set(rows.flatMap { $0.fields.emails.map(\.address.value) })
        let phones = Set(rows.flatMap { $0.fields.phones.map(\.number.e164) })
        for (kind, values) in [("email", emails), ("phone", phones)] where !values.isEmpty {
            for row in try await db.raw(
                """
                SELECT cp.value, t.id FROM contact_points cp JOIN \(ident: Fields.table) t ON t.id = cp.record_id
                WHERE cp.record_type = \(bind: Fields.recordType.rawValue) AND cp.kind = \(bind: kind) AND cp.value IN \(ValueList.sql(db, values)) AND \(visible)
                """
            ).all() {
                existing["\(kind):\(try row.decode(column: "value", as: String.self))", default: []].insert(
                    try row.decode(column: "id", as: Int64.self)
                )
            }
        }
        let identifying = Dictionary(grouping: rows.flatMap(\.fields.identifyingColumns), by: \.column).mapValues { Set($0.map(\.value)) }
        for (column, values) in identifying {
            for chunk in values.sorted().chunked(400) {
                for row in try await db.raw(
                    "SELECT t.id, t.\(ident: column) AS v FROM \(ident: Fields.table) t WHERE t.\(ident: column) IN (\(binds: Array(chunk))) AND \(visible)"
                ).all() {
                    existing["\(column):\(try row.decode(column: "v", as: String.self))", default: []].insert(
                        try row.decode(column: "id", as: Int64.self)
                    )
                }
            }
        }
        // Each row's keys (its name's key the costliest) are made on every core; then the rows are compared in order.
        let keysOf = try await Parallel.map(rows.indices) { slice in
            slice.map { index in
                let fields = rows[index].fields
                var keys = fields.emails.map { "email:\($0.address.value)" } + fields.phones.map { "phone:\($0.number.e164)" }
                keys += fields.identifyingColumns.map { "\($0.column):\($0.value)" }
                return (keys: keys, name: fields.duplicateName.map { "name:\(NameKey.of($0))" })
            }
        }.joined()
        var seen: [String: Int] = [:]
        seen.reserveCapacity(rows.count * 3)
        var duplicates: [ImportReport.Duplicate] = []
        for (row, made) in zip(rows, keysOf) {
            let records = made.keys.reduce(into: Set<Int64>()) { $0.formUnion(existing[$1] ?? []) }
            let all = made.keys + (made.name.map { [$0] } ?? [])
            let earlier = all.compactMap { seen[$0] }.min()
            if !records.isEmpty || earlier != nil {
                duplicates.append(ImportReport.Duplicate(line: row.line, recordIDs: records.sorted(), sameAsLine: earlier))
            }
            for key in all where seen[key] == nil { seen[key] = row.line }
        }
        return duplicates
    }
}

/// Why a row's reference cannot be used.
struct ImportProblem: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
