public import CRMCore
import Foundation
public import SQLKit

/// How a record type's own fields map to its table. One conformance per record type; everything else
/// (permissions, versions, soft delete, audit, paging) is shared by `RecordStore`.
public protocol StoredFields: Sendable, Equatable {
    static var recordType: RecordType { get }
    static var table: String { get }
    /// The type's own columns, in the order `columnValues()` returns their values.
    static var columns: [String] { get }

    init(row: any SQLRow) throws
    func columnValues() throws -> [any Encodable & Sendable]
    func validated() throws(ValidationErrors) -> Self

    var auditValues: [String: String] { get }
    var searchText: String { get }
    var sortKey: String { get }
    var phones: [LabeledPhone] { get }
    var emails: [LabeledEmail] { get }
    /// Postal addresses (a company's); none for other types.
    var addresses: [PostalAddress] { get }
    var tags: [String] { get }
    /// Values of the fields admins added (see `FieldStore`); always empty for types that take none.
    var custom: CustomValues { get set }
    /// Other records this one points to; each must be visible to whoever writes it.
    var references: [(type: RecordType, table: String, id: Int64)] { get }
    /// The name duplicate detection compares (see `NameKey`); nil for records that are not customers.
    var duplicateName: String? { get }
    /// Columns whose equal value means the same customer (a company's tax id), with this record's values.
    var identifyingColumns: [(column: String, value: String)] { get }
    /// Where other records point at one of this type (`table.column` holds its id); a merge moves them.
    static var referencedBy: [(table: String, column: String)] { get }

    /// Filters of `ListQuery` that only this type understands.
    static func filters(_ query: ListQuery) -> [SQLQueryString]

    /// Checks and completes a write against the database, inside its transaction (`old` is nil on create).
    /// Record types with rules beyond their own fields (a deal's stage must belong to its pipeline) use it.
    static func willWrite(_ db: any SQLDatabase, _ context: AccessContext, old: Self?, new: Self) async throws -> Self
    /// `willWrite` for many new records at once (imports), for types that can read what they need once.
    static func willInsert(_ db: any SQLDatabase, _ context: AccessContext, _ batch: [Self]) async throws -> [Self]
    /// Runs after the row is written, in the same transaction: the place for logs that must never miss a change.
    static func didWrite(_ db: any SQLDatabase, _ context: AccessContext, id: Int64, old: Self?, new: Self) async throws
    /// Runs `change` to rows' owner, team, fields or bin state, keeping in step what is summed per owner and team
    /// elsewhere (a deal's funnel figures).
    ///
    /// An edit is wrapped only when the owner, the team or `groupingValues` change.
    static func regrouping<T>(_ db: any SQLDatabase, ids: [Int64], _ change: () async throws -> T) async throws -> T
    /// Field values, besides owner and team, that figures kept elsewhere are summed by.
    var groupingValues: [String] { get }
    /// The owner and team the admins' rules give each new record that arrives without one (a lead), in order; nil
    /// leaves the usual default (whoever creates it).
    static func route(_ db: any SQLDatabase, _ batch: [Self]) async throws -> [(owner: UserID, team: TeamID?)?]
}

extension StoredFields {
    public static func willWrite(_ db: any SQLDatabase, _ context: AccessContext, old: Self?, new: Self) async throws -> Self { new }
    public static func didWrite(_ db: any SQLDatabase, _ context: AccessContext, id: Int64, old: Self?, new: Self) async throws {}
    public static func willInsert(_ db: any SQLDatabase, _ context: AccessContext, _ batch: [Self]) async throws -> [Self] {
        var result: [Self] = []
        result.reserveCapacity(batch.count)
        for fields in batch { result.append(try await willWrite(db, context, old: nil, new: fields)) }
        return result
    }
    public static func regrouping<T>(_ db: any SQLDatabase, ids: [Int64], _ change: () async throws -> T) async throws -> T { try await change() }
    public var groupingValues: [String] { [] }
    public static func route(_ db: any SQLDatabase, _ batch: [Self]) async throws -> [(owner: UserID, team: TeamID?)?] { batch.map { _ in nil } }
    public var phones: [LabeledPhone] { [] }
    public var custom: CustomValues {
        get { [:] }
        set {}
    }
    public var emails: [LabeledEmail] { [] }
    public var addresses: [PostalAddress] { [] }
    public var duplicateName: String? { nil }
    public var identifyingColumns: [(column: String, value: String)] { [] }
    public static var referencedBy: [(table: String, column: String)] { [] }
}

/// JSON-in-a-text-column encoding, the same on both engines.
/// JSON columns whose keys are data (column names of a file, filter names, variable names): written and read
/// as they are, where `ColumnJSON`'s key strategy would rename `owner_id` on the way back. Keys sorted, so the
/// same value is always the same text.
enum PlainJSON {
    static func encode(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    static func decode<T: Decodable>(_ type: T.Type, from text: String) throws -> T {
        try JSONDecoder().decode(type, from: Data(text.utf8))
    }
}

/// Dictionaries, which are written as objects, told apart from arrays without knowing their types.
private protocol DictionaryLike {}
extension Dictionary: DictionaryLike {}

enum ColumnJSON {
    static func encode(_ value: some Encodable) throws -> String {
        // Most records have no tags, addresses or custom values: no encoder needed (an import writes millions).
        if let collection = value as? any Collection, collection.isEmpty {
            return value is any DictionaryLike ? "{}" : "[]"
        }
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = .sortedKeys
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    static func decode<T: Decodable>(_ type: T.Type, from text: String) throws -> T {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return try decoder.decode(type, from: Data(text.utf8))
    }
}

extension SQLRow {
    func value<T: Decodable>(_ column: String, as type: T.Type = T.self) throws -> T {
        try decode(column: column, as: T.self)
    }

    func json<T: Decodable>(_ column: String, as type: T.Type = T.self) throws -> T {
        try ColumnJSON.decode(T.self, from: try decode(column: column, as: String.self))
    }
}
