public import CRMCore
import Foundation
import SQLKit

/// Reads and writes one type of CRM record, always through the permission layer.
///
/// Every method takes an `AccessContext`; the context's `Visibility` is compiled into each statement's WHERE
/// clause (see `AccessPredicate`), so lists, counts, single reads and writes can only ever touch rows the context
/// may reach. A record the context may not see is reported as not found, never as forbidden, so its existence
/// does not leak.
public struct RecordStore<Fields: StoredFields>: Sendable {
    public typealias Item = Record<Fields>
    let database: Database

    init(database: Database) { self.database = database }

    private var table: String { Fields.table }
    private static var metaColumns: [String] { ["id", "version", "owner_id", "team_id", "created_at", "updated_at", "deleted_at"] }

    // MARK: Reading

    public func list(_ context: AccessContext, _ query: ListQuery) async throws -> Page<Item> {
        let limit = min(max(query.limit, 1), ListQuery.maxLimit)
        var conditions = Self.conditions(context, query, engine: database.engine)
        let sort = Self.sortValue(query.sort)
        if let cursor = query.cursor {
            let op: SQLQueryString = query.sort.descending ? "<" : ">"
            let key: any Encodable & Sendable =
                switch sort.kind {
                case .text: cursor.key
                case .integer: Int64(cursor.key) ?? 0
                case .real: Double(cursor.key) ?? 0
                }
            conditions.append("(\(sort.sql) \(op) \(bind: key) OR (\(sort.sql) = \(bind: key) AND id \(op) \(bind: cursor.id)))")
        }
        let direction: SQLQueryString = query.sort.descending ? "DESC" : "ASC"
        let sql: SQLQueryString = """
            SELECT *, \(sort.sql) AS sort_value FROM \(ident: table) WHERE \(conditions.joined(separator: " AND "))
            ORDER BY \(sort.sql) \(direction), id \(direction) LIMIT \(literal: limit + 1)
            """
        let rows = try await database.read { db in try await db.raw(sql).all() }
        var items = try rows.map(Self.decode)
        var next: Cursor?
        if items.count > limit {
            items.removeLast()
            let last = rows[limit - 1]
            let key =
                switch sort.kind {
                case .text: try last.value("sort_value", as: String.self)
                case .integer: String(try last.value("sort_value", as: Int64.self))
                case .real: String(try last.value("sort_value", as: Double.self))
                }
            next = Cursor(sort: query.sort, key: key, id: items[limit - 1].meta.id)
        }
        return Page(items: items, nextCursor: next)
    }

    public func count(_ context: AccessContext, _ query: ListQuery) async throws -> Int {
        let sql: SQLQueryString =
            "SELECT COUNT(*) AS n FROM \(ident: table) WHERE \(Self.conditions(context, query, engine: database.engine).joined(separator: " AND "))"
        return try await database.read { db in try await db.raw(sql).first()?.value("n", as: Int.self) ?? 0 }
    }

    public func get(_ context: AccessContext, _ id: Int64, includeDeleted: Bool = false) async throws -> Item {
        try await database.read { db in try await Self.fetch(db, context, id, includeDeleted: includeDeleted, lock: false) }
    }

    /// The visible records among `ids`, in one query (for names on boards and lists).
    public func many(_ context: AccessContext, _ ids: [Int64]) async throws -> [Int64: Item] {
        let unique = Array(Set(ids)).sorted()
        guard !unique.isEmpty else { return [:] }
        let sql: SQLQueryString = "SELECT * FROM \(ident: table) WHERE id IN (\(binds: unique)) AND \(AccessPredicate.sql(context.visibility))"
        let rows = try await database.read { db in try await db.raw(sql).all() }
        return Dictionary(uniqueKeysWithValues: try rows.map(Self.decode).map { ($0.meta.id, $0) })
    }

    /// A page of the record's audit trail, newest first (`before` is the previous page's `next`); only for records
    /// the context may see.
    public func history(
        _ context: AccessContext,
        _ id: Int64,
        limit: Int = HistoryPage.defaultLimit,
        before: Int64? = nil
    ) async throws -> HistoryPage {
        try await database.read { db in
            _ = try await Self.fetch(db, context, id, includeDeleted: true, lock: false)
            // A record's history includes the history of the records merged into it.
            let merged = try await db.raw(
                """
                SELECT merged_id FROM record_merges WHERE record_type = \(bind: Fields.recordType.rawValue) AND survivor_id = \(bind: id) AND undone_at IS NULL
                """
            ).all().map { try $0.value("merged_id", as: Int64.self) }
            return try await AuditLog.page(
                db,
                type: Fields.recordType,
                ids: [id] + merged,
                limit: min(max(limit, 1), ListQuery.maxLimit),
                before: before
            )
        }
    }

    // MARK: Writing

    /// Who a new or changed record belongs to. `nil` keeps the current value (or, on create, the caller and their
    /// first team).
    public struct Assignment: Sendable {
        public var owner: UserID?
        public var team: TeamID??
        /// Whether, without an owner, the record type's routing rules pick one (a lead from the API or a web form).
        public var routed: Bool

        public init(owner: UserID? = nil, team: TeamID?? = nil, routed: Bool = false) {
            self.owner = owner
            self.team = team
            self.routed = routed
        }
    }

    /// - Parameter refusingDuplicates: refuse with `possibleDuplicates` when visible records are probably the
    ///   same customer (see `duplicates(_:of:excluding:)`); forms, the API and imports ask first, and create
    ///   anyway only when the user insists.
    public func create(
        _ context: AccessContext,
        _ fields: Fields,
        assignment: Assignment = .init(),
        idempotency: IdempotencyKey? = nil,
        refusingDuplicates: Bool = false
    ) async throws -> (record: Item, replayed: Bool) {
        let fields = try Self.validated(fields)
        let engine = database.engine
        return try await database.write { db in
            if let idempotency, let previous = try await IdempotencyKeys.find(db, idempotency, scope: Fields.table) {
                return (try await Self.fetch(db, context, previous, includeDeleted: true, lock: false), true)
            }
            try await Self.checkReferences(db, context, fields)
            // Asked only of a record that is otherwise valid, so the user fixes errors before weighing look-alikes.
            if refusingDuplicates {
                let similar = try await Self.duplicates(db, context, of: fields, excluding: nil, engine: engine)
                guard similar.isEmpty else { throw StoreError.possibleDuplicates(Fields.recordType, similar.map(\.meta.id)) }
            }
            let id = try await Self.insert(db, context, fields, assignment: assignment)
            if let idempotency {
                try await IdempotencyKeys.record(db, idempotency, scope: Fields.table, recordID: id)
            }
            // A record routed to someone else is still the creator's to see once, in this answer.
            return (try await Self.fetch(db, .system(reason: "created"), id, includeDeleted: false, lock: false), false)
        }
    }

    /// Writes a new, validated record whose references the caller checked, inside the caller's transaction: the
    /// type's own checks, its owner (by the type's routing rules when `assignment.routed` and no owner is named),
    /// indexes, audit and the processes the change starts.
    static func insert(_ db: any SQLDatabase, _ context: AccessContext, _ fields: Fields, assignment: Assignment) async throws -> Int64 {
        try await FieldStore.check(db, Fields.recordType, [fields.custom])
        let fields = try await Fields.willWrite(db, context, old: nil, new: fields)
        var assignment = assignment
        var trusted = false
        if assignment.routed, assignment.owner == nil, let routed = try await Fields.route(db, [fields]).first ?? nil {
            // The admins' rules chose the owner, so a rep's create may hand the record on.
            assignment = Assignment(owner: routed.owner, team: .some(routed.team))
            trusted = true
        }
        let (owner, team) = try await resolveAssignment(db, trusted ? .system(reason: "routing rules") : context, assignment, current: nil)
        let id = try await insertRow(db, fields, owner: owner, team: team, createdBy: context.userID, at: .now)
        try await Fields.didWrite(db, context, id: id, old: nil, new: fields)
        try await NotificationStore.assigned(db, context, type: Fields.recordType, id: id, to: owner)
        let changes = FieldChange.diff(old: [:], new: fields.auditValues)
        try await AuditLog.append(db, context, type: Fields.recordType, id: id, action: .create, changes: changes)
        try await ProcessStore.recordChanged(db, Fields.recordType, id: id, created: true, changes: changes, by: context.userID, at: .now)
        return id
    }

    /// Replaces the record's fields if its stored version is still `expectedVersion`; a stale version is refused
    /// with `versionMismatch`, so no concurrent edit is silently lost.
    public func update(
        _ context: AccessContext,
        _ id: Int64,
        expectedVersion: Int64,
        _ fields: Fields,
        assignment: Assignment = .init()
    ) async throws -> Item {
        let fields = try Self.validated(fields)
        return try await database.write { db in
            let current = try await Self.fetch(db, context, id, includeDeleted: false, lock: true)
            guard current.meta.version == expectedVersion else { throw StoreError.versionMismatch(current: current.meta.version) }
            return try await Self.rewrite(db, context, current, fields, assignment: assignment, action: .update)
        }
    }

    /// Writes new fields over a locked, current record inside the caller's transaction: checks, indexes and
    /// the audit entry (under `action`) as every change of a record's fields needs them.
    static func rewrite(
        _ db: any SQLDatabase,
        _ context: AccessContext,
        _ current: Item,
        _ fields: Fields,
        assignment: Assignment,
        action: AuditAction
    ) async throws -> Item {
        let id = current.meta.id
        // What the record already pointed at stays allowed: a change of another field does not fail because a
        // linked company went out of the editor's sight or a chosen user has since left.
        try await checkReferences(db, context, fields, keeping: current.fields)
        try await FieldStore.check(db, Fields.recordType, [fields.custom], keeping: [current.fields.custom])
        let fields = try await Fields.willWrite(db, context, old: current.fields, new: fields)
        let (owner, team) = try await resolveAssignment(db, context, assignment, current: current.meta)
        // A save that changes nothing writes nothing: the version and the time of the last change stay, so a form
        // someone else has open does not go stale over it.
        if action == .update, fields == current.fields, owner == current.meta.ownerID, team == current.meta.teamID { return current }
        let assignments = zip(["sort_key", "search_text"] + Fields.columns, [fields.sortKey, fields.searchText] + (try fields.columnValues()))
            .map { column, value -> SQLQueryString in "\(ident: column) = \(bind: value)" }
        let write = {
            try await db.raw(
                """
                UPDATE \(ident: Fields.table) SET \(assignments.joined(separator: ", ")), owner_id = \(bind: owner.rawValue),
                team_id = \(bind: team?.rawValue), version = version + 1, updated_at = \(bind: Timestamp.now.rawValue)
                WHERE id = \(bind: id) AND version = \(bind: current.meta.version)
                """
            ).run()
        }
        if owner != current.meta.ownerID || team != current.meta.teamID || fields.groupingValues != current.fields.groupingValues {
            try await Fields.regrouping(db, ids: [id], write)
        } else {
            try await write()
        }
        try await writeIndexes(db, id, fields)
        try await Fields.didWrite(db, context, id: id, old: current.fields, new: fields)
        if owner != current.meta.ownerID { try await NotificationStore.assigned(db, context, type: Fields.recordType, id: id, to: owner) }
        var changes = FieldChange.diff(old: current.fields.auditValues, new: fields.auditValues)
        changes += FieldChange.diff(
            old: ["owner_id": current.meta.ownerID.description, "team_id": current.meta.teamID?.description ?? ""],
            new: ["owner_id": owner.description, "team_id": team?.description ?? ""]
        )
        if !changes.isEmpty || action != .update {
            try await AuditLog.append(db, context, type: Fields.recordType, id: id, action: action, changes: changes)
        }
        if action == .update, !changes.isEmpty {
            try await ProcessStore.recordChanged(db, Fields.recordType, id: id, created: false, changes: changes, by: context.userID, at: .now)
        }
        return try await fetch(db, context, id, includeDeleted: false, lock: false)
    }

    /// Moves the record to the bin; `restore` brings it back. Nothing is erased, so history stays whole.
    public func delete(_ context: AccessContext, _ id: Int64, expectedVersion: Int64?) async throws {
        try await database.write { db in
            let current = try await Self.fetch(db, context, id, includeDeleted: false, lock: true)
            if let expectedVersion, current.meta.version != expectedVersion {
                throw StoreError.versionMismatch(current: current.meta.version)
            }
            try await Fields.regrouping(db, ids: [id]) {
                try await db.raw(
                    """
                    UPDATE \(ident: table) SET deleted_at = \(bind: Timestamp.now.rawValue), version = version + 1 WHERE id = \(bind: id)
                    """
                ).run()
            }
            try await AuditLog.append(db, context, type: Fields.recordType, id: id, action: .delete, changes: [])
        }
    }

    public func restore(_ context: AccessContext, _ id: Int64) async throws -> Item {
        try await database.write { db in
            let current = try await Self.fetch(db, context, id, includeDeleted: true, lock: true)
            guard current.meta.deletedAt != nil else { return current }
            try await Fields.regrouping(db, ids: [id]) {
                try await db.raw(
                    """
                    UPDATE \(ident: table) SET deleted_at = NULL, version = version + 1, updated_at = \(bind: Timestamp.now.rawValue) WHERE id = \(bind: id)
                    """
                ).run()
            }
            try await AuditLog.append(db, context, type: Fields.recordType, id: id, action: .restore, changes: [])
            return try await Self.fetch(db, context, id, includeDeleted: false, lock: false)
        }
    }

    // MARK: Pieces

    /// Inserts the row of a new record; `at` is its creation time (now, or an imported record's own).
    static func insertRow(
        _ db: any SQLDatabase,
        _ fields: Fields,
        owner: UserID,
        team: TeamID?,
        createdBy: UserID?,
        at: Timestamp,
        updatedAt: Timestamp? = nil
    ) async throws -> Int64 {
        let columns = metaColumns.dropFirst(2).dropLast() + ["created_by", "sort_key", "search_text"] + Fields.columns
        let values: [any Encodable & Sendable] =
            [owner.rawValue, team?.rawValue, at.rawValue, (updatedAt ?? at).rawValue, createdBy?.rawValue, fields.sortKey, fields.searchText]
            + (try fields.columnValues())
        let row = try await db.raw(
            """
            INSERT INTO \(ident: Fields.table) (\(idents: Array(columns), joinedBy: ", ")) VALUES (\(binds: values)) RETURNING id
            """
        ).first()
        guard let id = try row?.value("id", as: Int64.self) else { throw StoreError.configuration("insert returned no id") }
        try await writeIndexes(db, id, fields, isNew: true)
        return id
    }

    /// Inserts many rows with few statements, for bulk paths (imports, generated datasets), each with its index
    /// rows and its audit entry as `context`'s create: ids are reserved up front, so each statement carries
    /// thousands of rows and no row needs a round trip for its id. `written` hears of each part of `rows` written.
    static func insertRows(
        _ db: any SQLDatabase,
        _ context: AccessContext,
        _ rows: [(fields: Fields, owner: UserID, team: TeamID?, at: Timestamp, updatedAt: Timestamp)],
        written: (Range<Int>) async throws -> Void = { _ in }
    ) async throws -> [Int64] {
        guard !rows.isEmpty else { return [] }
        let ids = try await reserveIDs(db, count: rows.count)
        let records = zip(ids, rows).map { (id: $0, fields: $1.fields) }
        let columns = ["id"] + metaColumns.dropFirst(2).dropLast() + ["created_by", "sort_key", "search_text"] + Fields.columns
        try await BulkRows.inParts(
            db,
            count: rows.count,
            encode: { part in
                let table = try await BulkRows.encoding(db, table: Fields.table, columns: Array(columns), part) { index in
                    let row = rows[index]
                    return [
                        [
                            ids[index], row.owner.rawValue, row.team?.rawValue, row.at.rawValue, row.updatedAt.rawValue, nil as Int64?,
                            row.fields.sortKey, row.fields.searchText,
                        ]
                            + (try row.fields.columnValues())
                    ]
                }
                let audit = try await AuditLog.creations(db, context, type: Fields.recordType, ids: ids, part) { rows[$0].fields.auditValues }
                return [table] + (try await indexRows(db, of: records, part)) + [audit]
            },
            written: written
        )
        return ids
    }

    /// Ids no other row has or had: from the table's sequence, which then moves past them.
    private static func reserveIDs(_ db: any SQLDatabase, count: Int) async throws -> [Int64] {
        if db.dialect.name == "postgresql" {
            let rows = try await db.raw(
                "SELECT nextval(pg_get_serial_sequence(\(bind: Fields.table), 'id')) AS id FROM generate_series(1, \(bind: count))"
            ).all()
            return try rows.map { try $0.value("id", as: Int64.self) }.sorted()
        }
        // SQLite's AUTOINCREMENT remembers the highest id ever used in sqlite_sequence; explicit ids above it advance it.
        // The caller holds the single write transaction, so no one else can take these ids meanwhile.
        let row = try await db.raw(
            """
            SELECT MAX(COALESCE((SELECT seq FROM sqlite_sequence WHERE name = \(bind: Fields.table)), 0), COALESCE((SELECT MAX(id) FROM \(ident: Fields.table)), 0)) AS top
            """
        ).first()
        let top = try row?.value("top", as: Int64.self) ?? 0
        return (1...Int64(count)).map { top + $0 }
    }

    /// `fields` checked and completed by their own rules, their errors as the store's.
    static func validated(_ fields: Fields) throws -> Fields {
        do { return try fields.validated() } catch { throw StoreError.invalid(error) }
    }

    static func fetch(_ db: any SQLDatabase, _ context: AccessContext, _ id: Int64, includeDeleted: Bool, lock: Bool) async throws -> Item {
        var conditions: [SQLQueryString] = ["id = \(bind: id)", AccessPredicate.sql(context.visibility)]
        if !includeDeleted { conditions.append("deleted_at IS NULL") }
        if lock { try await FieldStore.holdDefinitions(db, Fields.recordType) }
        // Row locks matter only on PostgreSQL; SQLite's single writer already serialises write transactions.
        let forUpdate: SQLQueryString = lock && db.dialect.name == "postgresql" ? " FOR UPDATE" : ""
        guard let row = try await db.raw("SELECT * FROM \(ident: Fields.table) WHERE \(conditions.joined(separator: " AND "))\(forUpdate)").first()
        else {
            throw StoreError.notFound(Fields.recordType)
        }
        return try decode(row)
    }

    static func decode(_ row: any SQLRow) throws -> Item {
        let meta = RecordMeta(
            id: try row.value("id"),
            version: try row.value("version"),
            ownerID: UserID(try row.value("owner_id", as: Int64.self)),
            teamID: try row.value("team_id", as: Int64?.self).map { TeamID($0) },
            createdAt: Timestamp(rawValue: try row.value("created_at")),
            updatedAt: Timestamp(rawValue: try row.value("updated_at")),
            deletedAt: try row.value("deleted_at", as: Int64?.self).map(Timestamp.init(rawValue:))
        )
        return Item(meta: meta, fields: try Fields(row: row))
    }

    static func conditions(_ context: AccessContext, _ query: ListQuery, engine: Engine) -> [SQLQueryString] {
        var result: [SQLQueryString] = [AccessPredicate.sql(context.visibility)]
        switch query.deleted {
        case .exclude: result.append("deleted_at IS NULL")
        case .only: result.append("deleted_at IS NOT NULL")
        case .include: break
        }
        if let owner = query.ownerID { result.append("owner_id = \(bind: owner.rawValue)") }
        if let team = query.teamID { result.append("team_id = \(bind: team.rawValue)") }
        if let tag = query.tag {
            result.append(
                """
                EXISTS (SELECT 1 FROM record_tags rt WHERE rt.record_type = \(bind: Fields.recordType.rawValue)
                AND rt.tag = \(bind: TextFolding.fold(tag)) AND rt.record_id = \(ident: Fields.table).id)
                """
            )
        }
        if let search = query.search { result += searchConditions([search], engine: engine) }
        result += query.custom.map(condition)
        return result + Fields.filters(query)
    }

    /// The conditions of searches that must all match (a search box's text is one; a name's words, each its own
    /// search, are several): each exact match, and on SQLite one look-up in the full-text table that narrows them
    /// all at once, which intersects their trigrams there rather than listing every match of each search first.
    static func searchConditions(_ texts: [String], engine: Engine) -> [SQLQueryString] {
        let searches = texts.compactMap(SearchMatch.init)
        var result = searches.map { $0.sql(column: "search_text") }
        // PostgreSQL's trigram index serves the LIKE itself; SQLite's lives in a separate full-text table.
        let narrowed = searches.compactMap { $0.indexable(column: "search_text") }
        if engine == .sqlite, !narrowed.isEmpty {
            result.append("id IN (SELECT rowid FROM \(ident: Fields.table + "_search") WHERE \(narrowed.joined(separator: " AND ")))")
        }
        return result
    }

    private enum SortKind { case text, integer, real }

    /// What a list sorts by: a column, or a custom field's indexed value (records without one sort first).
    private static func sortValue(_ sort: Sort) -> (sql: SQLQueryString, kind: SortKind) {
        if let custom = sort.custom {
            let value: SQLQueryString = """
                (SELECT MIN(cv.\(unsafeRaw: custom.numeric ? "number_value" : "text_value")) FROM custom_values cv WHERE cv.record_type = \(bind: Fields.recordType.rawValue)
                AND cv.field_key = \(bind: custom.key) AND cv.record_id = \(ident: Fields.table).id)
                """
            return custom.numeric ? ("COALESCE(\(value), -1.0e300)", .real) : ("COALESCE(\(value), '')", .text)
        }
        return switch sort.field {
        case .name: ("sort_key", .text)
        case .createdAt: ("created_at", .integer)
        case .updatedAt: ("updated_at", .integer)
        case .score: ("score", .integer)
        }
    }

    /// The condition of a filter on a custom field, answered from the index of values.
    private static func condition(_ filter: CustomFilter) -> SQLQueryString {
        func numeric(_ value: CustomValue) -> Double? {
            switch value {
            case .number, .money, .date, .dateTime: value.indexed.number
            default: nil
            }
        }
        let test: SQLQueryString =
            switch filter.match {
            case .equals(let value): numeric(value).map { "number_value = \(bind: $0)" } ?? "text_value IN (\(binds: value.indexed.texts))"
            case .atLeast(let value): "number_value >= \(bind: numeric(value) ?? 0)"
            case .atMost(let value): "number_value <= \(bind: numeric(value) ?? 0)"
            }
        return """
            id IN (SELECT record_id FROM custom_values WHERE record_type = \(bind: Fields.recordType.rawValue) AND field_key = \(bind: filter.key) AND \(test))
            """
    }

    static func writeIndexes(_ db: any SQLDatabase, _ id: Int64, _ fields: Fields, isNew: Bool = false) async throws {
        if !isNew {
            let type = Fields.recordType.rawValue
            try await db.raw("DELETE FROM contact_points WHERE record_type = \(bind: type) AND record_id = \(bind: id)").run()
            try await db.raw("DELETE FROM record_tags WHERE record_type = \(bind: type) AND record_id = \(bind: id)").run()
            try await db.raw("DELETE FROM custom_values WHERE record_type = \(bind: type) AND record_id = \(bind: id)").run()
        }
        for var rows in try await indexRows(db, of: [(id, fields)], 0..<1) { try await rows.flush(db) }
    }

    /// The phone, e-mail, tag and custom value rows of `records[range]`, a statement per table, so bulk paths
    /// stay bulk.
    static func indexRows(_ db: any SQLDatabase, of records: [(id: Int64, fields: Fields)], _ range: Range<Int>) async throws -> [BulkRows] {
        let type = Fields.recordType.rawValue
        let points = try await BulkRows.encoding(db, table: "contact_points", columns: ["record_type", "record_id", "kind", "value"], range) {
            index in
            let (id, fields) = records[index]
            let phones = Set(fields.phones.map(\.number.e164)).map { [type, id, "phone", $0] as [any Encodable & Sendable] }
            return phones + Set(fields.emails.map(\.address.value)).map { [type, id, "email", $0] }
        }
        let tags = try await BulkRows.encoding(db, table: "record_tags", columns: ["record_type", "record_id", "tag"], range) { index in
            let (id, fields) = records[index]
            return Set(fields.tags.map(TextFolding.fold)).map { [type, id, $0] }
        }
        guard FieldDefinition.customizable.contains(Fields.recordType) else { return [points, tags] }
        return [points, tags, try await FieldStore.indexRows(db, Fields.recordType, records[range].map { ($0.id, $0.fields.custom) })]
    }

    static func checkReferences(_ db: any SQLDatabase, _ context: AccessContext, _ fields: Fields, keeping old: Fields? = nil) async throws {
        let kept = Set((old?.references ?? []).map { "\($0.type.rawValue):\($0.id)" })
        for reference in fields.references where !kept.contains("\(reference.type.rawValue):\(reference.id)") {
            let visible =
                try await db.raw(
                    """
                    SELECT 1 AS one FROM \(ident: reference.table) WHERE id = \(bind: reference.id) AND deleted_at IS NULL AND \(AccessPredicate.sql(context.visibility))
                    """
                ).first() != nil
            guard visible else {
                throw StoreError.invalid(
                    ValidationErrors([
                        ValidationError(
                            field: "\(reference.type.rawValue)_id",
                            code: "unknown_reference",
                            message: "no \(reference.type.rawValue) \(reference.id) that you can see"
                        )
                    ])
                )
            }
        }
    }

    /// Owner and team for a record, checked against what the context may assign.
    static func resolveAssignment(
        _ db: any SQLDatabase,
        _ context: AccessContext,
        _ assignment: Assignment,
        current: RecordMeta?
    ) async throws -> (UserID, TeamID?) {
        guard let owner = assignment.owner ?? current?.ownerID ?? context.userID else {
            throw StoreError.invalid(ValidationErrors([ValidationError(field: "owner_id", code: "required", message: "an owner is required")]))
        }
        let team: TeamID?
        if let requested = assignment.team {
            team = requested
        } else if let current {
            team = current.teamID
        } else {
            team = context.memberTeams.union(context.headedTeams).min()
        }
        // Records are handed only to active users; one kept by an owner who has left can still be edited.
        if owner != current?.ownerID {
            let ownerRow = try await db.raw("SELECT is_active FROM users WHERE id = \(bind: owner.rawValue)").first()
            guard let ownerRow, try ownerRow.value("is_active", as: Bool.self) else {
                throw StoreError.invalid(
                    ValidationErrors([ValidationError(field: "owner_id", code: "unknown_user", message: "no active user \(owner)")])
                )
            }
        }
        if let team, try await db.raw("SELECT 1 AS one FROM teams WHERE id = \(bind: team.rawValue)").first() == nil {
            throw StoreError.invalid(ValidationErrors([ValidationError(field: "team_id", code: "unknown_team", message: "no team \(team)")]))
        }
        guard case .restricted = context.visibility, let me = context.userID else { return (owner, team) }
        let changed = current == nil || owner != current?.ownerID || team != current?.teamID
        guard changed else { return (owner, team) }
        if let team, !context.mayAssign(team: team) {
            throw StoreError.forbidden("you cannot put records in team \(team)")
        }
        if owner != me {
            // A manager may hand a record to a member of a team they head; everyone else keeps what they create.
            let heads = context.headedTeams.map(\.rawValue)
            var allowed = false
            if !heads.isEmpty {
                allowed =
                    try await db.raw(
                        """
                        SELECT 1 AS one FROM team_members WHERE user_id = \(bind: owner.rawValue) AND team_id IN (\(binds: heads))
                        """
                    ).first() != nil
            }
            guard allowed else { throw StoreError.forbidden("you cannot give records to user \(owner)") }
        }
        return (owner, team)
    }
}
