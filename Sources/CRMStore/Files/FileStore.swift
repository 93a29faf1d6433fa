public import CRMCore
import DocumentText
public import Foundation
public import NIOCore
import SQLKit

/// Files attached to records: their metadata and references in the database, their bytes in a `BlobStorage`.
///
/// A file is seen by whoever may see its record, and by no one else: every read joins the record's table through
/// the permission layer (`AccessPredicate`), so an id or a hash gets nobody further than the record would.
///
/// An upload is crash-safe in three steps. The hash is claimed (`blobs.state = pending`), the bytes go to storage,
/// then one transaction marks them stored and adds the file. A crash before the last step leaves a pending claim
/// and perhaps stored bytes, which the sweeper removes after `pendingGrace`; no file ever points at bytes that are
/// not whole in storage.
public struct FileStore: Sendable {
    let database: Database
    public let storage: any BlobStorage
    public let staging: FileStaging
    /// How long a removed file stays in the bin, restorable, before it and its unshared content are erased.
    public let retention: TimeInterval
    /// How long an upload may take between claiming its hash and committing, before the sweeper may call it dead.
    static let pendingGrace: TimeInterval = 24 * 3600
    /// Text is read out of files up to this size; larger ones are found by name only.
    static let maxExtractedBytes: Int64 = 50 << 20

    public init(database: Database, storage: any BlobStorage, staging: FileStaging, retention: TimeInterval = 30 * 86400) {
        self.database = database
        self.storage = storage
        self.staging = staging
        self.retention = retention
    }

    // MARK: Reading

    /// The files on a record the context may see, newest first; removed ones only when asked.
    public func list(_ context: AccessContext, of type: RecordType, id: Int64, includeDeleted: Bool = false) async throws -> [StoredFile] {
        try await database.read { db in
            try await RecordAccess.require(db, context, type, id, includeDeleted: true)
            let deleted: SQLQueryString = includeDeleted ? "" : " AND deleted_at IS NULL"
            return try await db.raw(
                """
                SELECT \(unsafeRaw: Self.columns) FROM files WHERE record_type = \(bind: type.rawValue) AND record_id = \(bind: id)\(deleted)
                ORDER BY created_at DESC, id DESC
                """
            ).all().map(Self.decode)
        }
    }

    /// One file, if the context may see its record.
    public func get(_ context: AccessContext, _ id: Int64, includeDeleted: Bool = false) async throws -> StoredFile {
        try await database.read { db in try await Self.fetch(db, context, id, includeDeleted: includeDeleted) }
    }

    /// Streams a file's bytes to `consume`, after the same check as `get`.
    public func read(_ context: AccessContext, _ file: StoredFile, _ consume: (ByteBuffer) async throws -> Void) async throws {
        try await requireContent(file)
        try await storage.read(file.hash, consume)
    }

    /// Throws `FileStorageUnavailable` unless the storage holds the file's bytes whole: checked before a download
    /// starts, because once the first bytes are sent its status can no longer say that something is wrong.
    public func requireContent(_ file: StoredFile) async throws {
        let size: Int64?
        do { size = try await storage.size(of: file.hash) } catch { throw FileStorageUnavailable(String(describing: error)) }
        guard size == file.size else { throw FileStorageUnavailable("the content of file \(file.id) is missing from \(storage.kind) storage") }
    }

    /// Files whose name or text contains every word of `text` (case and diacritics folded), among those the
    /// context may see, newest first.
    public func search(_ context: AccessContext, _ text: String, limit: Int = 20) async throws -> [StoredFile] {
        let words = TextFolding.fold(text).split(separator: " ").map(String.init).filter { !$0.isEmpty }
        guard !words.isEmpty else { return [] }
        var conditions: [SQLQueryString] = ["f.deleted_at IS NULL", RecordAccess.visible(context, alias: "f")]
        for word in words.prefix(8) {
            let escaped = word.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%")
                .replacingOccurrences(of: "_", with: "\\_")
            conditions.append("f.search_text LIKE \(bind: "%\(escaped)%") ESCAPE '\\'")
        }
        let sql: SQLQueryString = """
            SELECT \(unsafeRaw: Self.columns(prefix: "f.")) FROM files f WHERE \(conditions.joined(separator: " AND "))
            ORDER BY f.created_at DESC, f.id DESC LIMIT \(literal: max(1, min(limit, 100)))
            """
        return try await database.read { db in try await db.raw(sql).all().map(Self.decode) }
    }

    // MARK: Writing

    /// Attaches a staged upload to a record the context may see, under `name`; the staged file is consumed.
    public func attach(_ context: AccessContext, to type: RecordType, id: Int64, name: String, _ staged: StagedFile) async throws -> StoredFile {
        defer { staged.discard() }
        guard StoredFile.attachable.contains(type) else {
            throw StoreError.invalid(
                ValidationErrors([
                    ValidationError(
                        field: "record_type",
                        code: "invalid_choice",
                        message: "files attach to companies, contacts, leads, deals and activities"
                    )
                ])
            )
        }
        let cleaned: String
        do { cleaned = try FileName.cleaned(name) } catch let error as ValidationError { throw StoreError.invalid(ValidationErrors([error])) }
        guard !staged.sniffed.isExecutable else {
            throw StoreError.invalid(
                ValidationErrors([
                    ValidationError(
                        field: "file",
                        code: "executable",
                        message: "programs cannot be attached; put them in a ZIP archive if they must be sent"
                    )
                ])
            )
        }
        guard staged.size > 0 else {
            throw StoreError.invalid(ValidationErrors([ValidationError(field: "file", code: "empty", message: "the file is empty")]))
        }
        try await database.read { db in try await RecordAccess.require(db, context, type, id, includeDeleted: false) }
        // The same bytes twice on one record are a slip of the hand, not a new document.
        let twin = try await database.read { db in
            try await db.raw(
                """
                SELECT name FROM files WHERE record_type = \(bind: type.rawValue) AND record_id = \(bind: id) AND hash = \(bind: staged.hash)
                AND deleted_at IS NULL LIMIT 1
                """
            ).first()?.value("name", as: String.self)
        }
        if let twin {
            throw StoreError.conflict(code: "already_attached", message: "this file is already attached here as \(twin)")
        }
        let mediaType =
            staged.sniffed.mediaType == "application/zip"
            ? DocumentText.officeType(of: URL(fileURLWithPath: staged.path)) ?? staged.sniffed.mediaType : staged.sniffed.mediaType
        let text =
            staged.size <= Self.maxExtractedBytes
            ? DocumentText.extract(from: URL(fileURLWithPath: staged.path), mediaType: mediaType) : nil
        let row = NewFile(type: type, recordID: id, name: cleaned, staged: staged, mediaType: mediaType, text: text)
        if let file = try await claim(context, row) { return file }
        do {
            try await storage.put(staged)
        } catch {
            throw FileStorageUnavailable(String(describing: error))
        }
        return try await database.write { db in
            let now = Timestamp.now.rawValue
            try await db.raw(
                """
                INSERT INTO blobs (hash, size, state, touched_at) VALUES (\(bind: staged.hash), \(bind: staged.size), 'stored', \(bind: now))
                ON CONFLICT (hash) DO UPDATE SET state = 'stored', touched_at = \(bind: now)
                """
            ).run()
            return try await Self.insert(db, context, row)
        }
    }

    /// Takes the hash for this upload. When the same bytes are already stored the file is added at once and
    /// returned (nothing is uploaded again); otherwise the hash is marked pending and nil says "store the bytes".
    private func claim(_ context: AccessContext, _ row: NewFile) async throws -> StoredFile? {
        for _ in 0..<50 {
            let outcome: StoredFile?? = try await database.write { db in
                try await RecordAccess.require(db, context, row.type, row.recordID, includeDeleted: false)
                let now = Timestamp.now.rawValue
                let state = try await db.raw("SELECT state FROM blobs WHERE hash = \(bind: row.staged.hash)").first()?.value("state", as: String.self)
                switch state {
                case "stored":
                    return .some(try await Self.insert(db, context, row))
                case "deleting":
                    // The sweeper is removing these very bytes; wait until it is done, then store them afresh.
                    return .none
                case "pending":
                    try await db.raw("UPDATE blobs SET touched_at = \(bind: now) WHERE hash = \(bind: row.staged.hash)").run()
                    return .some(nil)
                default:
                    try await db.raw(
                        """
                        INSERT INTO blobs (hash, size, state, touched_at) VALUES (\(bind: row.staged.hash), \(bind: row.staged.size), 'pending', \(bind: now))
                        """
                    ).run()
                    return .some(nil)
                }
            }
            if case .some(let file) = outcome { return file }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw StoreError.conflict(code: "busy", message: "the same file is being removed from storage right now; try again in a moment")
    }

    /// Moves a file to the bin; its record's history says who removed it.
    public func delete(_ context: AccessContext, _ id: Int64) async throws {
        try await database.write { db in
            let file = try await Self.fetch(db, context, id, includeDeleted: false)
            try await db.raw(
                """
                UPDATE files SET deleted_at = \(bind: Timestamp.now.rawValue), deleted_by = \(bind: context.userID?.rawValue) WHERE id = \(bind: id)
                """
            ).run()
            try await AuditLog.append(
                db,
                context,
                type: file.recordType,
                id: file.recordID,
                action: .detach,
                changes: [FieldChange(field: "file", old: file.name, new: nil)]
            )
        }
    }

    /// Brings a removed file back, while the bin still holds it.
    public func restore(_ context: AccessContext, _ id: Int64) async throws -> StoredFile {
        try await database.write { db in
            let file = try await Self.fetch(db, context, id, includeDeleted: true)
            guard file.deletedAt != nil else { return file }
            try await RecordAccess.require(db, context, file.recordType, file.recordID, includeDeleted: false)
            try await db.raw("UPDATE files SET deleted_at = NULL, deleted_by = NULL WHERE id = \(bind: id)").run()
            try await AuditLog.append(
                db,
                context,
                type: file.recordType,
                id: file.recordID,
                action: .restore,
                changes: [FieldChange(field: "file", old: nil, new: file.name)]
            )
            return try await Self.fetch(db, context, id, includeDeleted: false)
        }
    }

    // MARK: Pieces

    struct NewFile: Sendable {
        let type: RecordType
        let recordID: Int64
        let name: String
        let staged: StagedFile
        let mediaType: String
        let text: String?
    }

    private static func insert(_ db: any SQLDatabase, _ context: AccessContext, _ row: NewFile) async throws -> StoredFile {
        let search = TextFolding.fold([row.name, row.text ?? ""].joined(separator: " "))
        let inserted = try await db.raw(
            """
            INSERT INTO files (record_type, record_id, name, media_type, size, hash, content_text, search_text, uploaded_by, created_at)
            VALUES (\(bind: row.type.rawValue), \(bind: row.recordID), \(bind: row.name), \(bind: row.mediaType),
                \(bind: row.staged.size), \(bind: row.staged.hash), \(bind: row.text), \(bind: search), \(bind: context.userID?.rawValue),
                \(bind: Timestamp.now.rawValue))
            RETURNING \(unsafeRaw: columns)
            """
        ).first()
        guard let inserted else { throw StoreError.configuration("insert returned no file") }
        let file = try decode(inserted)
        try await AuditLog.append(
            db,
            context,
            type: row.type,
            id: row.recordID,
            action: .attach,
            changes: [FieldChange(field: "file", old: nil, new: row.name)]
        )
        return file
    }

    static func fetch(_ db: any SQLDatabase, _ context: AccessContext, _ id: Int64, includeDeleted: Bool) async throws -> StoredFile {
        let deleted: SQLQueryString = includeDeleted ? "" : " AND f.deleted_at IS NULL"
        guard
            let row = try await db.raw(
                "SELECT \(unsafeRaw: columns(prefix: "f.")) FROM files f WHERE f.id = \(bind: id) AND \(RecordAccess.visible(context, alias: "f"))\(deleted)"
            ).first()
        else { throw StoreError.notFound(.file) }
        return try decode(row)
    }

    static let columns = columns(prefix: "")

    static func columns(prefix: String) -> String {
        ["id", "record_type", "record_id", "name", "media_type", "size", "hash", "uploaded_by", "created_at", "deleted_at"]
            .map { prefix + $0 }.joined(separator: ", ") + ", \(prefix)content_text IS NOT NULL AS has_text"
    }

    static func decode(_ row: any SQLRow) throws -> StoredFile {
        StoredFile(
            id: try row.value("id"),
            recordType: RecordType(rawValue: try row.value("record_type")) ?? .company,
            recordID: try row.value("record_id"),
            name: try row.value("name"),
            mediaType: try row.value("media_type"),
            size: try row.value("size"),
            hash: try row.value("hash"),
            uploadedBy: try row.value("uploaded_by", as: Int64?.self).map { UserID($0) },
            createdAt: Timestamp(rawValue: try row.value("created_at")),
            deletedAt: try row.value("deleted_at", as: Int64?.self).map { Timestamp(rawValue: $0) },
            hasText: try row.value("has_text", as: Bool.self)
        )
    }
}
