public import CRMCore
public import Foundation
import SQLKit

/// A CSV file uploaded for import, before and after it ran.
public struct ImportDraft: Sendable, Equatable {
    public enum Status: String, Sendable, Codable { case draft, done, undone }

    public let id: Int64
    public let target: RecordImport.Target
    public let fileName: String
    /// How the bytes were read (`utf-8`, `windows-1251` …) and what separated the columns.
    public let encoding: String
    public let header: [String]
    /// The first rows, to check the mapping against.
    public let sample: [[String]]
    public let rowCount: Int
    /// What the headers suggest, or the mapping the import ran with.
    public let mapping: [String: String]
    /// A deals file's pipeline, stage values and the rest, as last run.
    public let options: ImportOptions?
    public let status: Status
    public let report: ImportReport?
    public let createdBy: UserID?
    public let createdAt: Timestamp
}

/// How far a running import has come: rows read from the file, checked against the database, written.
public struct ImportProgress: Sendable, Equatable {
    public enum Phase: String, Sendable { case reading, checking, writing }

    public let phase: Phase
    public let done: Int
    public let total: Int

    public init(phase: Phase, done: Int, total: Int) {
        self.phase = phase
        self.done = done
        self.total = total
    }
}

/// What a dry run found or an import did.
public struct ImportReport: Sendable, Equatable, Codable {
    public enum Mode: String, Sendable, Codable, CaseIterable {
        /// Checks everything, writes nothing.
        case dryRun = "dry_run"
        /// Writes every row or, if any row is wrong, none.
        case all
        /// Writes the rows that are right and reports the others.
        case validOnly = "valid_only"
    }

    /// A row that looks like a record that exists (same e-mail, phone or tax id) or like an earlier row.
    public struct Duplicate: Sendable, Equatable, Codable {
        public let line: Int
        public let recordIDs: [Int64]
        public let sameAsLine: Int?
    }

    public let mode: Mode
    public let rows: Int
    public let valid: Int
    public let created: Int
    public let skippedDuplicates: Int
    public let errors: [RecordImport.RowError]
    public let duplicates: [Duplicate]
    /// Companies a deals file named that no one had: made, or in a dry run to be made. Nil for other files.
    public let companiesCreated: Int?

    /// An all-or-nothing run that found wrong rows, and so wrote nothing.
    public var refused: Bool { mode == .all && !errors.isEmpty }

    /// Whether a run in `mode` that found `errors` writes: not a dry run, and not a refused one.
    static func writes(_ mode: Mode, errors: [RecordImport.RowError]) -> Bool {
        mode == .validOnly || (mode == .all && errors.isEmpty)
    }

    /// The wrong rows as errors named by line, for those who answer a refusal as an error.
    public var rowErrors: ValidationErrors {
        ValidationErrors(errors.map { ValidationError(field: "line \($0.line)", code: "invalid_row", message: $0.message) })
    }

    public init(
        mode: Mode,
        rows: Int,
        valid: Int,
        created: Int,
        skippedDuplicates: Int,
        errors: [RecordImport.RowError],
        duplicates: [Duplicate],
        companiesCreated: Int? = nil
    ) {
        self.mode = mode
        self.rows = rows
        self.valid = valid
        self.created = created
        self.skippedDuplicates = skippedDuplicates
        self.errors = errors
        self.duplicates = duplicates
        self.companiesCreated = companiesCreated
    }
}

/// A column mapping kept under a name, to import the next file from the same system in one step.
public struct ImportMapping: Sendable, Equatable {
    public let id: Int64
    public let name: String
    public let target: RecordImport.Target
    public let columns: [String: String]
    public let options: ImportOptions?
}

/// Imports of companies and contacts from CSV files: upload, map, dry run, import all or only the valid rows,
/// and undo. Each import remembers the records it made and the keys they had in the file, so a later file
/// can point at them (contacts at their companies) and the import can be undone.
public struct ImportStore: Sendable {
    let database: Database

    /// Files up to this size are taken; bigger ones should be split.
    public static let maxFileSize = 32 << 20

    /// Reads an uploaded file (any of the encodings our users' systems write, any of `,` `;` tab) and keeps
    /// it as a draft for the uploader to map.
    public func upload(
        _ context: AccessContext,
        target: RecordImport.Target,
        fileName: String,
        data: Data,
        at now: Timestamp = .now
    ) async throws -> ImportDraft {
        if case .system = context.actor {} else if context.userID == nil { throw StoreError.forbidden("only people and system jobs import files") }
        guard !data.isEmpty else { throw Self.invalid("file", "empty_file", "the file is empty") }
        let decoded: (text: String, encoding: String)
        let table: CSVTable
        do throws(ValidationError) {
            decoded = try TextDecoding.decode(data)
            table = try CSVTable(text: decoded.text)
        } catch {
            throw StoreError.invalid(ValidationErrors([error]))
        }
        guard !table.header.allSatisfy({ $0.trimmingWhitespace().isEmpty }) else {
            throw Self.invalid("file", "no_header", "the first line names no columns")
        }
        let duplicated = Dictionary(grouping: table.header.filter { !$0.isEmpty }, by: { $0 }).filter { $0.value.count > 1 }.keys.sorted()
        guard duplicated.isEmpty else {
            throw Self.invalid("file", "duplicate_column", "the columns \(duplicated.joined(separator: ", ")) appear twice")
        }
        let name = String(fileName.trimmingWhitespace().prefix(200))
        let custom = try await database.read { db in try await FieldStore.custom(db, target.recordType, includeInactive: false) }
        let suggested = RecordImport.suggest(table.header, for: target, custom: custom)
        let id = try await database.write { db in
            let row = try await db.raw(
                """
                INSERT INTO imports (record_type, file_name, encoding, content, mapping, status, row_count, created_by, created_at)
                VALUES (\(bind: target.rawValue), \(bind: name.isEmpty ? "import.csv" : name), \(bind: decoded.encoding), \(bind: decoded.text),
                        \(bind: try PlainJSON.encode(suggested)), 'draft', \(bind: table.rows.count), \(bind: context.userID?.rawValue), \(bind: now.rawValue))
                RETURNING id
                """
            ).first()
            return try row!.decode(column: "id", as: Int64.self)
        }
        return try await draft(context, id)
    }

    /// The fields a column of a `target` file may fill: the standard ones, then `custom.<key>` of each custom field.
    public func fields(_ target: RecordImport.Target) async throws -> [(field: String, label: String?)] {
        let custom = try await database.read { db in try await FieldStore.custom(db, target.recordType, includeInactive: false) }
        return target.fields.map { ($0, nil) } + custom.map { ("custom.\($0.key)", $0.label) }
    }

    /// An import, for its uploader and admins.
    public func draft(_ context: AccessContext, _ id: Int64) async throws -> ImportDraft {
        try await database.read { db in try await Self.fetch(db, context, id) }
    }

    /// The caller's imports (admins: everyone's), newest first.
    public func history(_ context: AccessContext, limit: Int = 50) async throws -> [ImportDraft] {
        try await database.read { db in
            let mine: SQLQueryString = context.may(.superviseImports) ? "" : "WHERE created_by = \(bind: context.userID?.rawValue ?? -1)"
            // The list needs each file's header, not its text (up to 32 MiB each).
            return try await db.raw(
                """
                SELECT id, record_type, file_name, encoding, substr(content, 1, 65536) AS content, mapping, options, status, row_count, report,
                       created_by, created_at
                FROM imports \(mine) ORDER BY id DESC LIMIT \(bind: limit)
                """
            ).all().map { try Self.decode($0, sampleRows: 0) }
        }
    }

    /// The different values a draft's column holds, in the order the file first has them (at most `limit`): what a
    /// deals file's stage column says, for the user to tell what each value means.
    public func values(_ context: AccessContext, _ id: Int64, column: String, limit: Int = 100) async throws -> [String] {
        let text = try await database.read { db in
            _ = try await Self.fetch(db, context, id)
            return try await db.raw("SELECT content FROM imports WHERE id = \(bind: id)").first()?.decode(column: "content", as: String?.self) ?? nil
        }
        guard let text, let table = try? CSVTable(text: text), let index = table.header.firstIndex(of: column) else { return [] }
        var seen = Set<String>()
        var values: [String] = []
        for row in table.rows where index < row.fields.count && values.count < limit {
            let value = row.fields[index].trimmingWhitespace()
            if !value.isEmpty, seen.insert(TextFolding.fold(value)).inserted { values.append(value) }
        }
        return values
    }

    public func mappings(_ target: RecordImport.Target) async throws -> [ImportMapping] {
        try await database.read { db in
            try await db.raw("SELECT * FROM import_mappings WHERE record_type = \(bind: target.rawValue) ORDER BY name").all().map { row in
                ImportMapping(
                    id: try row.value("id"),
                    name: try row.value("name"),
                    target: target,
                    columns: try PlainJSON.decode([String: String].self, from: try row.value("columns")),
                    options: try row.decode(column: "options", as: String?.self).flatMap { try? PlainJSON.decode(ImportOptions.self, from: $0) }
                )
            }
        }
    }

    /// Runs a draft with `mapping` (column → field). A dry run writes nothing and may be repeated; `all` writes
    /// every row or none (the report then lists every row's error: `refused`); `validOnly` writes the right rows.
    /// A draft keeps the last run's mapping, options and report, so its page shows them again. Rows that look
    /// like existing records (same e-mail, phone or tax id) or like an earlier row are skipped unless
    /// `createDuplicates`. `saveMappingAs` keeps the mapping under a name for the next file.
    public func run(
        _ context: AccessContext,
        _ id: Int64,
        mapping: [String: String],
        options: ImportOptions? = nil,
        mode: ImportReport.Mode,
        createDuplicates: Bool = false,
        defaultCountryCode: String = PhoneNumber.fallbackCountryCode,
        saveMappingAs: String? = nil,
        at now: Timestamp = .now,
        progress: @escaping @Sendable (ImportProgress) async -> Void = { _ in }
    ) async throws -> ImportReport {
        let draft = try await self.draft(context, id)
        guard draft.status == .draft else {
            throw StoreError.conflict(code: "already_imported", message: "this file was imported already; upload it again to import it again")
        }
        let text = try await database.read { db in
            try await db.raw("SELECT content FROM imports WHERE id = \(bind: id)").first()?.decode(column: "content", as: String.self) ?? ""
        }
        let table: CSVTable
        do throws(ValidationError) { table = try CSVTable(text: text) } catch { throw StoreError.invalid(ValidationErrors([error])) }
        let custom = try await database.read { db in try await FieldStore.custom(db, draft.target.recordType, includeInactive: false) }
        do throws(ValidationErrors) { try RecordImport.check(mapping, header: table.header, target: draft.target, custom: custom) } catch {
            throw StoreError.invalid(error)
        }
        let mappingName = saveMappingAs?.trimmingWhitespace() ?? ""
        guard mappingName.count <= 200 else { throw Self.invalid("save_mapping_as", "too_long", "a mapping's name has at most 200 characters") }
        let database = database
        // The rows are read before the transaction (it needs no database), so a big file holds no lock meanwhile.
        let transaction = { @Sendable (apply: @escaping @Sendable (any SQLDatabase) async throws -> ImportReport) async throws -> ImportReport in
            let work = { @Sendable (db: any SQLDatabase) async throws -> ImportReport in
                if mode != .dryRun {
                    // Asked again under the write lock: the same draft run twice at once (two tabs, two nodes)
                    // imports once; the other run finds it done.
                    let lock: SQLQueryString = database.engine == .postgres ? " FOR UPDATE" : ""
                    let status = try await db.raw("SELECT status FROM imports WHERE id = \(bind: id)\(lock)").first()?.decode(
                        column: "status",
                        as: String.self
                    )
                    guard status == ImportDraft.Status.draft.rawValue else {
                        throw StoreError.conflict(
                            code: "already_imported",
                            message: "this file was imported already; upload it again to import it again"
                        )
                    }
                }
                let report = try await apply(db)
                if mode != .dryRun {
                    try await Self.keep(db, id, report, mapping: mapping, options: options, done: !report.refused, at: now)
                }
                if !mappingName.isEmpty {
                    try await db.raw("DELETE FROM import_mappings WHERE record_type = \(bind: draft.target.rawValue) AND name = \(bind: mappingName)")
                        .run()
                    try await db.raw(
                        """
                        INSERT INTO import_mappings (name, record_type, columns, options, created_by, created_at)
                        VALUES (\(bind: mappingName), \(bind: draft.target.rawValue), \(bind: try PlainJSON.encode(mapping)), \(bind: try options.map { try PlainJSON.encode($0) }),
                                \(bind: context.userID?.rawValue), \(bind: now.rawValue))
                        """
                    ).run()
                }
                return report
            }
            guard mode == .dryRun else { return try await database.write(work) }
            // A dry run writes nothing but the mapping it was asked to keep, and, once done, what it found.
            let report = try await (mappingName.isEmpty ? database.read(work) : database.write(work))
            try await database.write { db in try await Self.keep(db, id, report, mapping: mapping, options: options, done: false, at: now) }
            return report
        }
        switch draft.target {
        case .deals:
            let target = try await database.read { db in try await Self.dealTarget(db, options) }
            let read = await Self.readInParts(table, progress) {
                RecordImport.deals($0, mapping: mapping, options: options!, currency: target.pipeline.currency, custom: custom)
            }
            return try await transaction { db in
                try await Self.applyDeals(
                    db,
                    context,
                    read,
                    target: target,
                    options: options!,
                    id: id,
                    mode: mode,
                    createDuplicates: createDuplicates,
                    now: now,
                    progress: progress
                )
            }
        case .companies:
            let read = await Self.readInParts(table, progress) {
                RecordImport.companies($0, mapping: mapping, defaultCountryCode: defaultCountryCode, custom: custom)
            }
            return try await transaction { db in
                try await Self.apply(db, context, read, id: id, mode: mode, createDuplicates: createDuplicates, progress: progress) { fields, _ in
                    fields
                }
            }
        case .leads:
            // A lead's company is a name; one that names an imported or known company takes that company's name.
            let read = await Self.readInParts(table, progress) {
                RecordImport.leads($0, mapping: mapping, defaultCountryCode: defaultCountryCode, custom: custom)
            }
            return try await transaction { db in
                try await Self.apply(
                    db,
                    context,
                    read,
                    id: id,
                    mode: mode,
                    createDuplicates: createDuplicates,
                    companyIsOptional: true,
                    progress: progress
                ) { fields, company in
                    var named = fields
                    named.companyName = company.name
                    return named
                }
            }
        case .contacts:
            let read = await Self.readInParts(table, progress) {
                RecordImport.contacts($0, mapping: mapping, defaultCountryCode: defaultCountryCode, custom: custom)
            }
            // A contacts file names the companies its people work at; those no one has are made unless the importer said not to.
            let createCompanies = options?.createCompanies ?? true
            return try await transaction { db in
                try await Self.apply(
                    db,
                    context,
                    read,
                    id: id,
                    mode: mode,
                    createDuplicates: createDuplicates,
                    createCompanies: createCompanies,
                    progress: progress
                ) { fields, company in
                    var linked = fields
                    linked.companyID = company.id
                    return linked
                }
            }
        }
    }

    /// Keeps a run's mapping, options and report on its draft; a `done` import drops the file's text.
    static func keep(
        _ db: any SQLDatabase,
        _ id: Int64,
        _ report: ImportReport,
        mapping: [String: String],
        options: ImportOptions?,
        done: Bool,
        at now: Timestamp
    ) async throws {
        let finish: SQLQueryString = done ? ", status = 'done', content = NULL, done_at = \(bind: now.rawValue)" : ""
        try await db.raw(
            """
            UPDATE imports SET mapping = \(bind: try PlainJSON.encode(mapping)), options = \(bind: try options.map { try PlainJSON.encode($0) }),
                report = \(bind: try PlainJSON.encode(report)) \(finish)
            WHERE id = \(bind: id) AND status = 'draft'
            """
        ).run()
    }

    /// Rows read or written between two reports of progress.
    static let part = 5_000

    /// Writes `items` a part at a time with `write` (which answers how many records it made), telling `progress`
    /// after each; answers how many were made.
    static func writeInParts<Item>(
        _ items: [Item],
        _ progress: @Sendable (ImportProgress) async -> Void,
        _ write: (ArraySlice<Item>) async throws -> Int
    ) async throws -> Int {
        var made = 0
        await progress(ImportProgress(phase: .writing, done: 0, total: items.count))
        for start in stride(from: 0, to: items.count, by: part) {
            made += try await write(items[start..<min(start + part, items.count)])
            await progress(ImportProgress(phase: .writing, done: made, total: items.count))
        }
        return made
    }

    /// Reads the file's rows a part at a time, a part per core side by side (reading is pure, and the largest share
    /// of an import's own work), telling `progress` after each.
    static func readInParts<Fields: Sendable>(
        _ table: CSVTable,
        _ progress: @Sendable (ImportProgress) async -> Void,
        _ read: @escaping @Sendable (CSVTable) -> (rows: [RecordImport.Row<Fields>], errors: [RecordImport.RowError])
    ) async -> (rows: [RecordImport.Row<Fields>], errors: [RecordImport.RowError]) {
        let ranges = stride(from: 0, to: table.rows.count, by: part).map { $0..<min($0 + part, table.rows.count) }
        var parts: [Int: (rows: [RecordImport.Row<Fields>], errors: [RecordImport.RowError])] = [:]
        var done = 0
        await progress(ImportProgress(phase: .reading, done: 0, total: table.rows.count))
        await withTaskGroup(of: (Int, (rows: [RecordImport.Row<Fields>], errors: [RecordImport.RowError])).self) { group in
            var next = 0
            func start() {
                let index = next
                let rows = table.rows(ranges[index])
                group.addTask { (index, read(rows)) }
                next += 1
            }
            while next < min(ProcessInfo.processInfo.activeProcessorCount, ranges.count) { start() }
            for await (index, partRead) in group {
                parts[index] = partRead
                done += ranges[index].count
                await progress(ImportProgress(phase: .reading, done: done, total: table.rows.count))
                if next < ranges.count { start() }
            }
        }
        var rows: [RecordImport.Row<Fields>] = []
        var errors: [RecordImport.RowError] = []
        rows.reserveCapacity(table.rows.count)
        for index in ranges.indices {
            rows += parts[index]!.rows
            errors += parts[index]!.errors
        }
        return (rows, errors)
    }

    /// Moves the records an import made to the bin, except those changed since (they are someone's work now).
    /// Answers how many went to the bin and how many were kept.
    public func undo(_ context: AccessContext, _ id: Int64, at now: Timestamp = .now) async throws -> (binned: Int, kept: Int) {
        try await database.write { db in
            let draft = try await Self.fetch(db, context, id)
            guard draft.status == .done else { throw StoreError.conflict(code: "not_imported", message: "only a finished import can be undone") }
            var result: (binned: Int, kept: Int)
            switch draft.target {
            case .companies: result = try await Self.bin(CompanyFields.self, db, context, import: id, now: now)
            case .leads: result = try await Self.bin(LeadFields.self, db, context, import: id, now: now)
            // Deals and contacts files make the companies they name; those go too, after the records pointing at them.
            case .contacts, .deals:
                result =
                    draft.target == .deals
                    ? try await Self.bin(DealFields.self, db, context, import: id, now: now)
                    : try await Self.bin(ContactFields.self, db, context, import: id, now: now)
                let companies = try await Self.bin(CompanyFields.self, db, context, import: id, madeAlongside: true, now: now)
                result = (result.binned + companies.binned, result.kept + companies.kept)
            }
            try await db.raw("UPDATE imports SET status = 'undone', undone_at = \(bind: now.rawValue) WHERE id = \(bind: id)").run()
            return result
        }
    }

    /// Moves an import's records of one type to the bin, their funnel sums along, unless changed since. Records
    /// `madeAlongside` (the companies a deals file named) are also kept while a live deal or contact points at them.
    private static func bin<Fields: StoredFields>(
        _ type: Fields.Type,
        _ db: any SQLDatabase,
        _ context: AccessContext,
        import id: Int64,
        madeAlongside: Bool = false,
        now: Timestamp
    ) async throws -> (binned: Int, kept: Int) {
        let kind: SQLQueryString = madeAlongside ? "r.record_type = \(bind: RecordImport.Target.companies.rawValue)" : "r.record_type IS NULL"
        let used: SQLQueryString =
            madeAlongside
            ? """
            , CASE WHEN EXISTS (SELECT 1 FROM deals d WHERE d.company_id = t.id AND d.deleted_at IS NULL)
                     OR EXISTS (SELECT 1 FROM contacts c WHERE c.company_id = t.id AND c.deleted_at IS NULL) THEN 1 ELSE 0 END AS used
            """ : ""
        let made = try await db.raw(
            """
            SELECT t.id, t.version, t.deleted_at \(used) FROM import_records r JOIN \(ident: Fields.table) t ON t.id = r.record_id
            WHERE r.import_id = \(bind: id) AND \(kind)
            """
        ).all()
        var binned: [Int64] = []
        var kept = 0
        for row in made where try row.decode(column: "deleted_at", as: Int64?.self) == nil {
            let inUse = madeAlongside ? try row.decode(column: "used", as: Int.self) == 1 : false
            if try row.decode(column: "version", as: Int64.self) == 1, !inUse {
                binned.append(try row.decode(column: "id", as: Int64.self))
            } else {
                kept += 1
            }
        }
        var audit = AuditLog.Batch(context)
        for chunk in binned.chunked(500) {
            try await Fields.regrouping(db, ids: Array(chunk)) {
                try await db.raw(
                    "UPDATE \(ident: Fields.table) SET deleted_at = \(bind: now.rawValue), version = version + 1 WHERE id IN (\(binds: Array(chunk)))"
                ).run()
            }
            for record in chunk { audit.add(type: Fields.recordType, id: record, action: .delete, changes: []) }
            try await audit.flush(db)
        }
        return (binned.count, kept)
    }

    // MARK: Pieces

    /// Ties read rows to owners and companies, finds duplicates, and (unless a dry run or refused) writes them. Rows
    /// without an owner go to whom the record type's routing rules pick (leads), else to the importer.
    /// - Parameter companyIsOptional: a company no one can find is kept as the row says it (a lead's company
    ///   name) instead of being an error.
    /// - Parameter createCompanies: a company no one can find is made, once per name, owned by the first row naming
    ///   it, and remembered with the import so that undoing it takes the company away too.
    static func apply<Fields: StoredFields>(
        _ db: any SQLDatabase,
        _ context: AccessContext,
        _ read: (rows: [RecordImport.Row<Fields>], errors: [RecordImport.RowError]),
        id: Int64,
        mode: ImportReport.Mode,
        createDuplicates: Bool,
        companyIsOptional: Bool = false,
        createCompanies: Bool = false,
        progress: @Sendable (ImportProgress) async -> Void,
        link: (Fields, (id: CompanyID, name: String)) -> Fields
    ) async throws -> ImportReport {
        await progress(ImportProgress(phase: .checking, done: 0, total: read.rows.count))
        var errors = read.errors
        let owners = try await ImportReferences.owners(db, context, Set(read.rows.compactMap(\.owner)))
        let companies = try await ImportReferences.companies(db, context, Set(read.rows.compactMap(\.company)))
        var ready: [(row: RecordImport.Row<Fields>, owner: UserID, team: TeamID?)] = []
        var unknownCompany: [Int: String] = [:]
        for row in read.rows {
            var row = row
            var problems: [String] = []
            let owner = Self.owner(of: row.owner, owners, context, &problems)
            if let company = row.company {
                if let found = companies[company] {
                    row.fields = link(row.fields, found)
                } else if createCompanies {
                    unknownCompany[row.line] = company
                } else if !companyIsOptional {
                    problems.append("company '\(company)': no company you can see has this name, id or key")
                }
            }
            if let owner, problems.isEmpty {
                ready.append((row, owner.id, owner.team))
            } else {
                errors += problems.map { RecordImport.RowError(line: row.line, message: $0) }
            }
        }
        let duplicates = try await ImportReferences.duplicates(db, context, ready.map(\.row))
        await progress(ImportProgress(phase: .checking, done: read.rows.count, total: read.rows.count))
        let skipped = createDuplicates ? [] : Set(duplicates.map(\.line))
        var writing = ready.filter { !skipped.contains($0.row.line) }
        // The companies to make: each name no one has, once, owned by the first row naming it.
        var newCompanies: [String: (fields: CompanyFields, owner: UserID, team: TeamID?)] = [:]
        var newOrder: [String] = []
        for item in writing {
            guard let name = unknownCompany[item.row.line], newCompanies[TextFolding.fold(name)] == nil else { continue }
            newCompanies[TextFolding.fold(name)] = (CompanyFields(name: name), item.owner, item.team)
            newOrder.append(TextFolding.fold(name))
        }
        errors.sort { $0.line < $1.line }
        var created = 0
        if ImportReport.writes(mode, errors: errors) {
            if !newOrder.isEmpty {
                let companyIDs = try await RecordStore<CompanyFields>.insertMany(db, context, newOrder.map { newCompanies[$0]! })
                try await remember(db, import: id, records: companyIDs.map { ($0, nil) }, type: .companies)
                let made = Dictionary(uniqueKeysWithValues: zip(newOrder, companyIDs.map { CompanyID($0) }))
                for index in writing.indices {
                    guard let name = unknownCompany[writing[index].row.line], let company = made[TextFolding.fold(name)] else { continue }
                    writing[index].row.fields = link(writing[index].row.fields, (company, name))
                }
            }
            // Rows without an owner go to whom the type's routing rules pick, read once for the file, and only for
            // rows that are written, so no turn moves for a row that is not.
            let unowned = writing.indices.filter { writing[$0].row.owner == nil }
            for (index, route) in zip(unowned, try await Fields.route(db, unowned.map { writing[$0].row.fields })) {
                if let route { (writing[index].owner, writing[index].team) = (route.owner, route.team) }
            }
            await progress(ImportProgress(phase: .writing, done: 0, total: writing.count))
            let ids = try await RecordStore<Fields>.insertMany(db, context, writing.map { ($0.row.fields, $0.owner, $0.team) }) { part in
                await progress(ImportProgress(phase: .writing, done: part.upperBound, total: writing.count))
            }
            try await remember(db, import: id, records: Array(zip(ids, writing.map(\.row.key))), type: nil)
            created = ids.count
        }
        return ImportReport(
            mode: mode,
            rows: read.rows.count + Set(read.errors.map(\.line)).count,
            valid: ready.count,
            created: created,
            skippedDuplicates: mode == .dryRun ? 0 : ready.count - writing.count,
            errors: errors,
            duplicates: duplicates,
            companiesCreated: mode == .dryRun || ImportReport.writes(mode, errors: errors) ? newCompanies.count : 0
        )
    }

    /// A row's owner: the user its owner column names (nil, with the reason in `problems`, when that user cannot
    /// be found or given the record), else the importer, in the lowest team they belong to.
    static func owner(
        of name: String?,
        _ owners: [String: Result<(id: UserID, team: TeamID?), ImportProblem>],
        _ context: AccessContext,
        _ problems: inout [String]
    ) -> (id: UserID, team: TeamID?)? {
        guard let name else {
            guard let user = context.userID else {
                problems.append("owner: the row names no owner, and a system import has no importer to own it")
                return nil
            }
            return (user, context.memberTeams.union(context.headedTeams).min())
        }
        switch owners[TextFolding.fold(name)] {
        case .success(let found)?: return (found.id, found.team)
        case .failure(let why)?: problems.append("owner '\(name)': \(why)")
        case nil: problems.append("owner '\(name)': no such user")
        }
        return nil
    }

    /// Keeps which records an import made and the key each had in its file; `type` names records of another type
    /// than the import's own (the companies a deals file named).
    static func remember(_ db: any SQLDatabase, import id: Int64, records: [(Int64, String?)], type: RecordImport.Target?) async throws {
        try await BulkRows.write(db, table: "import_records", columns: ["import_id", "record_id", "source_key", "record_type"], count: records.count)
        { index in
            [[id, records[index].0, records[index].1, type?.rawValue]]
        }
    }

    static func fetch(_ db: any SQLDatabase, _ context: AccessContext, _ id: Int64) async throws -> ImportDraft {
        guard let row = try await db.raw("SELECT * FROM imports WHERE id = \(bind: id)").first() else { throw StoreError.notFound(.importFile) }
        let draft = try decode(row, sampleRows: 5)
        guard (draft.createdBy != nil && draft.createdBy == context.userID) || context.may(.superviseImports) else {
            throw StoreError.notFound(.importFile)
        }
        return draft
    }

    static func decode(_ row: any SQLRow, sampleRows: Int) throws -> ImportDraft {
        let content = try row.decode(column: "content", as: String?.self)
        let table = content.flatMap { try? CSVTable(text: $0, limit: max(sampleRows, 1)) }
        let report = try row.decode(column: "report", as: String?.self).flatMap { try? PlainJSON.decode(ImportReport.self, from: $0) }
        return ImportDraft(
            id: try row.value("id"),
            target: RecordImport.Target(rawValue: try row.value("record_type")) ?? .contacts,
            fileName: try row.value("file_name"),
            encoding: try row.value("encoding"),
            header: table?.header ?? [],
            sample: table.map { Array($0.rows.prefix(sampleRows).map(\.fields)) } ?? [],
            rowCount: try row.value("row_count"),
            mapping: (try? PlainJSON.decode([String: String].self, from: try row.value("mapping"))) ?? [:],
            options: try row.decode(column: "options", as: String?.self).flatMap { try? PlainJSON.decode(ImportOptions.self, from: $0) },
            status: ImportDraft.Status(rawValue: try row.value("status")) ?? .draft,
            report: report,
            createdBy: try row.value("created_by", as: Int64?.self).map { UserID($0) },
            createdAt: Timestamp(rawValue: try row.value("created_at"))
        )
    }

    static func invalid(_ field: String, _ code: String, _ message: String) -> StoreError {
        StoreError.invalid(ValidationErrors([ValidationError(field: field, code: code, message: message)]))
    }
}
