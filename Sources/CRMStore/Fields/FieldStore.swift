public import CRMCore
import Foundation
import SQLKit

/// The fields of each record type: the standard ones (from `FieldCatalog`) and those admins add at run time.
/// Every write of a record checks its custom values here, in its transaction, whichever path it came by.
public struct FieldStore: Sendable {
    let database: Database

    /// Standard fields, then the custom ones in their order (switched-off ones only when asked).
    public func list(_ type: RecordType, includeInactive: Bool = false) async throws -> [FieldDefinition] {
        let custom = try await database.read { db in try await Self.custom(db, type, includeInactive: includeInactive) }
        return FieldCatalog.standard(type) + custom
    }

    /// The active custom fields of a type, for forms, filters and the API to read values by.
    public func custom(_ type: RecordType) async throws -> [FieldDefinition] {
        try await database.read { db in try await Self.custom(db, type, includeInactive: false) }
    }

    /// The active custom fields of every type, in one read (the served API document describes them all).
    public func customByType() async throws -> [RecordType: [FieldDefinition]] {
        let fields = try await database.read { db in
            try await db.raw("SELECT * FROM field_definitions WHERE is_active = \(bind: true) ORDER BY position, id").all().map(Self.decode)
        }
        return Dictionary(grouping: fields, by: \.recordType)
    }

    /// A custom field by id, active or not.
    public func field(_ id: Int64) async throws -> FieldDefinition {
        try await database.read { db in try await Self.fetch(db, id, lock: false) }
    }

    public func create(_ context: AccessContext, _ field: FieldDefinition, at now: Timestamp = .now) async throws -> FieldDefinition {
        try Self.requireAdmin(context)
        let field = try Self.valid(field)
        guard !FieldCatalog.standard(field.recordType).contains(where: { $0.key == field.key }) else {
            throw StoreError.invalid(
                .init([ValidationError(field: "key", code: "taken", message: "'\(field.key)' is a standard field of \(field.recordType.rawValue)")])
            )
        }
        return try await database.write { db in
            if try await db.raw(
                "SELECT 1 AS one FROM field_definitions WHERE record_type = \(bind: field.recordType.rawValue) AND field_key = \(bind: field.key)"
            ).first() != nil {
                throw StoreError.conflict(code: "taken", message: "\(field.recordType.rawValue) already has a field '\(field.key)'")
            }
            let position =
                try await db.raw(
                    "SELECT COALESCE(MAX(position), 0) + 1 AS next FROM field_definitions WHERE record_type = \(bind: field.recordType.rawValue)"
                ).first()?.value("next", as: Int.self) ?? 1
            let row = try await db.raw(
                """
                INSERT INTO field_definitions (record_type, field_key, label, kind, options, is_required, in_list, is_active, position, created_at, translations)
                VALUES (\(bind: field.recordType.rawValue), \(bind: field.key), \(bind: field.label), \(bind: field.kind.rawValue), \(bind: try PlainJSON.encode(field.options)),
                        \(bind: field.isRequired), \(bind: field.inList), \(bind: true), \(bind: position), \(bind: now.rawValue), \(bind: try PlainJSON.encode(field.translations)))
                RETURNING *
                """
            ).first()
            guard let row else { throw StoreError.configuration("insert returned no row") }
            return try Self.decode(row)
        }
    }

    /// Changes a field's label, options, whether it is required, listed or active. Its key and kind stay: values
    /// stored under them would change meaning.
    public func update(_ context: AccessContext, _ id: Int64, _ change: FieldDefinition) async throws -> FieldDefinition {
        try Self.requireAdmin(context)
        return try await database.write { db in
            var field = try await Self.fetch(db, id, lock: true)
            let removed = Set(field.options).subtracting(change.options)
            if field.kind == .choice || field.kind == .choices, !removed.isEmpty {
                try await Self.refuseRemovingHeld(db, field, removed)
            }
            field.label = change.label
            field.options = change.options
            field.isRequired = change.isRequired
            field.inList = change.inList
            field.isActive = change.isActive
            field.translations = change.translations
            field = try Self.valid(field)
            try await db.raw(
                """
                UPDATE field_definitions SET label = \(bind: field.label), options = \(bind: try PlainJSON.encode(field.options)), is_required = \(bind: field.isRequired),
                    in_list = \(bind: field.inList), is_active = \(bind: field.isActive), translations = \(bind: try PlainJSON.encode(field.translations))
                WHERE id = \(bind: id)
                """
            ).run()
            return field
        }
    }

    /// Calls a choice field's option `from` by `to` everywhere: in the field, and in every record holding it, binned
    /// ones too (restored, they must still fit their field), each record's change audited and its version moved on so
    /// a form opened before the rename cannot write the old name back. Answers the field and how many records changed.
    public func renameOption(_ context: AccessContext, _ id: Int64, from: String, to: String) async throws -> (field: FieldDefinition, records: Int) {
        try Self.requireAdmin(context)
        return try await database.write { db in
            let field = try await Self.fetch(db, id, lock: true)
            let renamed: FieldDefinition
            do throws(ValidationErrors) { renamed = try field.renamingOption(from, to: to) } catch { throw StoreError.invalid(error) }
            guard let index = field.options.firstIndex(of: from), renamed.options[index] != from else { return (field, 0) }
            let to = renamed.options[index]
            // The option's names in other languages follow it.
            try await db.raw(
                """
                UPDATE field_definitions SET options = \(bind: try PlainJSON.encode(renamed.options)),
                    translations = \(bind: try PlainJSON.encode(renamed.translations)) WHERE id = \(bind: id)
                """
            ).run()
            let type = field.recordType.rawValue
            let table = Self.table(of: field.recordType)
            let holders = try await db.raw(
                """
                SELECT id, custom FROM \(ident: table) WHERE id IN (
                    SELECT record_id FROM custom_values WHERE record_type = \(bind: type) AND field_key = \(bind: field.key) AND text_value = \(bind: TextFolding.fold(from)))
                """
            ).all()
            var audit = AuditLog.Batch(context)
            var changed: [SQLQueryString] = []
            for holder in holders {
                let record = try holder.value("id", as: Int64.self)
                var values = try PlainJSON.decode(CustomValues.self, from: try holder.value("custom"))
                guard let old = values[field.key], let new = old.renamingOption(from, to: to) else { continue }
                values[field.key] = new
                changed.append("(\(bind: record), \(bind: try PlainJSON.encode(values)))")
                audit.add(
                    type: field.recordType,
                    id: record,
                    action: .update,
                    changes: [FieldChange(field: "custom.\(field.key)", old: old.text, new: new.text)]
                )
            }
            // A statement per 500 records; both engines name a VALUES list's columns column1, column2, ….
            for chunk in changed.chunked(500) {
                try await db.raw(
                    """
                    UPDATE \(ident: table) SET custom = v.column2, version = version + 1, updated_at = \(bind: Timestamp.now.rawValue)
                    FROM (VALUES \(Array(chunk).joined(separator: ", "))) AS v WHERE \(ident: table).id = v.column1
                    """
                ).run()
            }
            try await audit.flush(db)
            // The index holds options folded; a respelling ("gold" → "Gold") leaves it as it is.
            try await db.raw(
                """
                UPDATE custom_values SET text_value = \(bind: TextFolding.fold(to))
                WHERE record_type = \(bind: type) AND field_key = \(bind: field.key) AND text_value = \(bind: TextFolding.fold(from))
                """
            ).run()
            try await Self.renameInSegments(db, field, from: from, to: to)
            return (renamed, changed.count)
        }
    }

    /// Saved segments filter by an option's name (`cf.tier=Srebrny`); they follow the rename rather than stop
    /// opening (the old name is no longer an option the list accepts).
    private static func renameInSegments(_ db: any SQLDatabase, _ field: FieldDefinition, from: String, to: String) async throws {
        let name = "cf.\(field.key)"
        for row in try await db.raw("SELECT id, filters FROM segments WHERE record_type = \(bind: field.recordType.rawValue)").all() {
            var filters = try PlainJSON.decode([String: String].self, from: try row.value("filters"))
            // Only option names are read here: the calling code and time zone play no part.
            guard let text = filters[name],
                let value = try? field.value(parsing: text, defaultCountryCode: PhoneNumber.fallbackCountryCode, timeZone: .gmt),
                let renamed = value.renamingOption(from, to: to)
            else { continue }
            filters[name] = renamed.text
            try await db.raw(
                "UPDATE segments SET filters = \(bind: try PlainJSON.encode(filters)) WHERE id = \(bind: try row.value("id", as: Int64.self))"
            ).run()
        }
    }

    // MARK: Pieces

    /// Refuses to take away options live records still hold, saying how many hold each: the records would
    /// otherwise carry values their field no longer allows until someone edits them.
    static func refuseRemovingHeld(_ db: any SQLDatabase, _ field: FieldDefinition, _ removed: Set<String>) async throws {
        let table = table(of: field.recordType)
        let options = Dictionary(removed.map { (TextFolding.fold($0), $0) }, uniquingKeysWith: { first, _ in first })
        let counts = try await db.raw(
            """
            SELECT v.text_value, COUNT(*) AS n FROM custom_values v JOIN \(ident: table) t ON t.id = v.record_id
            WHERE v.record_type = \(bind: field.recordType.rawValue) AND v.field_key = \(bind: field.key)
              AND v.text_value IN (\(binds: options.keys.sorted())) AND t.deleted_at IS NULL
            GROUP BY v.text_value
            """
        ).all().map { (try $0.decode(column: "text_value", as: String.self), try $0.decode(column: "n", as: Int.self)) }
        let held = counts.compactMap { folded, count in options[folded].map { (option: $0, count: count) } }
            .sorted { $0.option < $1.option }.map { "'\($0.option)' (\($0.count))" }
        guard held.isEmpty else {
            throw StoreError.conflict(
                code: "option_in_use",
                message: "records still hold \(held.joined(separator: ", ")); give them another value first, or switch the field off"
            )
        }
    }

    static func custom(_ db: any SQLDatabase, _ type: RecordType, includeInactive: Bool, forWriting: Bool = false) async throws -> [FieldDefinition] {
        let active: SQLQueryString = includeInactive ? "" : " AND is_active = \(bind: true)"
        let share: SQLQueryString = forWriting && db.dialect.name == "postgresql" ? " FOR KEY SHARE" : ""
        return try await db.raw("SELECT * FROM field_definitions WHERE record_type = \(bind: type.rawValue)\(active) ORDER BY position, id\(share)")
            .all().map(decode)
    }

    /// Holds the type's field definitions as they are until the caller's transaction ends, on PostgreSQL, where
    /// writers run side by side: a record written while an admin renames or removes an option is then either
    /// checked against the options after the change, or written before the change looks for holders of the
    /// option. Record writes take this before locking a record, and admins' changes lock the field before its
    /// holders, so the two never wait for each other in a circle. (SQLite runs one writer at a time.)
    static func holdDefinitions(_ db: any SQLDatabase, _ type: RecordType) async throws {
        guard db.dialect.name == "postgresql", FieldDefinition.customizable.contains(type) else { return }
        // Every locked record write passes here (stage moves too), so it locks the rows without reading them.
        _ = try await db.raw("SELECT id FROM field_definitions WHERE record_type = \(bind: type.rawValue) FOR KEY SHARE").all()
    }

    /// A field; `lock`ed, for an admin's change, which then waits for record writes checked against it to end.
    private static func fetch(_ db: any SQLDatabase, _ id: Int64, lock: Bool) async throws -> FieldDefinition {
        let lock: SQLQueryString = lock && db.dialect.name == "postgresql" ? " FOR UPDATE" : ""
        guard let row = try await db.raw("SELECT * FROM field_definitions WHERE id = \(bind: id)\(lock)").first() else {
            throw StoreError.notFound(nil)
        }
        return try decode(row)
    }

    /// Refuses custom values the type's active fields do not allow (see `FieldCatalog.check`), and users that are
    /// not active users, unless the record already held them (`keeping`, by record): a person who left stays named
    /// where they were chosen, and the record can still be edited.
    static func check(_ db: any SQLDatabase, _ type: RecordType, _ values: [CustomValues], keeping old: [CustomValues] = []) async throws {
        guard FieldDefinition.customizable.contains(type) else { return }
        let fields = try await custom(db, type, includeInactive: false, forWriting: true)
        guard !fields.isEmpty || values.contains(where: { !$0.isEmpty }) else { return }
        var errors: [ValidationError] = []
        var users = Set<Int64>()
        for (index, record) in values.enumerated() {
            let prefix = values.count > 1 ? "rows[\(index)]." : ""
            errors += FieldCatalog.check(record, against: fields).map { $0.at(prefix + ($0.field ?? "")) }
            var kept = Set<Int64>()
            if index < old.count { for case .user(let id) in old[index].values { kept.insert(id.rawValue) } }
            for case .user(let id) in record.values where !kept.contains(id.rawValue) { users.insert(id.rawValue) }
        }
        if !users.isEmpty {
            let active = Set(
                try await db.raw("SELECT id FROM users WHERE id IN (\(binds: users.sorted())) AND is_active = \(bind: true)").all().map {
                    try $0.value("id", as: Int64.self)
                }
            )
            for missing in users.subtracting(active).sorted() {
                errors.append(ValidationError(field: "custom", code: "unknown_user", message: "no active user \(missing)"))
            }
        }
        guard errors.isEmpty else { throw StoreError.invalid(ValidationErrors(errors)) }
    }

    /// The index rows of new records' custom values, one statement's worth.
    static func indexRows(_ db: any SQLDatabase, _ type: RecordType, _ records: [(id: Int64, values: CustomValues)]) async throws -> BulkRows {
        let type = type.rawValue
        return try await BulkRows.encoding(
            db,
            table: "custom_values",
            columns: ["record_type", "record_id", "field_key", "text_value", "number_value"],
            records.indices
        ) { index in
            let (id, values) = records[index]
            return values.flatMap { key, value in
                let indexed = value.indexed
                return indexed.texts.map { [type, id, key, $0, indexed.number] as [any Encodable & Sendable] }
            }
        }
    }

    /// The table of a type admins may add fields to.
    static func table(of type: RecordType) -> String {
        switch type {
        case .company: CompanyFields.table
        case .contact: ContactFields.table
        case .lead: LeadFields.table
        default: DealFields.table
        }
    }

    static func requireAdmin(_ context: AccessContext) throws {
        try context.require(.manageFields)
    }

    private static func valid(_ field: FieldDefinition) throws -> FieldDefinition {
        do throws(ValidationErrors) { return try field.validated() } catch { throw StoreError.invalid(error) }
    }

    static func decode(_ row: any SQLRow) throws -> FieldDefinition {
        FieldDefinition(
            id: try row.value("id"),
            recordType: RecordType(rawValue: try row.value("record_type")) ?? .company,
            key: try row.value("field_key"),
            label: try row.value("label"),
            kind: FieldKind(rawValue: try row.value("kind")) ?? .text,
            options: try PlainJSON.decode([String].self, from: try row.value("options")),
            isRequired: try row.value("is_required"),
            inList: try row.value("in_list"),
            isActive: try row.value("is_active"),
            translations: try PlainJSON.decode(FieldTranslations.self, from: try row.value("translations"))
        )
    }
}

extension RecordStore {
    /// The active custom fields of this record type (none for types that take none).
    public func customFields() async throws -> [FieldDefinition] {
        guard FieldDefinition.customizable.contains(Fields.recordType) else { return [] }
        return try await database.read { db in try await FieldStore.custom(db, Fields.recordType, includeInactive: false) }
    }
}
