public import CRMCore
import Foundation
import SQLKit

/// Saved segments. Everyone signed in sees every segment (it holds filters, and the records they pick are still
/// those each viewer may see); its creator and admins delete it.
public struct SegmentStore: Sendable {
    let database: Database

    public func create(
        _ context: AccessContext,
        name requested: String,
        recordType: RecordType,
        filters: [String: String],
        at now: Timestamp = .now
    ) async throws -> Segment {
        guard context.userID != nil else { throw StoreError.forbidden("only people save segments") }
        let name: String
        do throws(ValidationErrors) { name = try Segment.validate(name: requested, recordType: recordType, filters: filters) } catch {
            throw StoreError.invalid(error)
        }
        let kept = filters.filter { !$0.value.isEmpty }
        let encoded = try PlainJSON.encode(kept)
        return try await database.write { db in
            if try await db.raw("SELECT 1 AS one FROM segments WHERE record_type = \(bind: recordType.rawValue) AND name = \(bind: name)").first()
                != nil
            {
                throw StoreError.conflict(code: "segment_name_taken", message: "a segment of \(recordType.rawValue) records named \(name) exists")
            }
            let row = try await db.raw(
                """
                INSERT INTO segments (name, record_type, filters, created_by, created_at)
                VALUES (\(bind: name), \(bind: recordType.rawValue), \(bind: encoded), \(bind: context.userID?.rawValue), \(bind: now.rawValue)) RETURNING id
                """
            ).first()
            return Segment(
                id: try row!.decode(column: "id", as: Int64.self),
                name: name,
                recordType: recordType,
                filters: kept,
                createdBy: context.userID,
                createdAt: now
            )
        }
    }

    /// The segments of one record type (or all), by name.
    public func list(_ recordType: RecordType? = nil) async throws -> [Segment] {
        try await database.read { db in
            let only: SQLQueryString = recordType.map { "WHERE record_type = \(bind: $0.rawValue)" } ?? ""
            return try await db.raw("SELECT * FROM segments \(only) ORDER BY name, id").all().map(Self.decode)
        }
    }

    public func get(_ id: Int64) async throws -> Segment {
        try await database.read { db in
            guard let row = try await db.raw("SELECT * FROM segments WHERE id = \(bind: id)").first() else { throw StoreError.notFound(.segment) }
            return try Self.decode(row)
        }
    }

    public func delete(_ context: AccessContext, _ id: Int64) async throws {
        try await database.write { db in
            guard let row = try await db.raw("SELECT created_by FROM segments WHERE id = \(bind: id)").first() else {
                throw StoreError.notFound(.segment)
            }
            let creator = try row.decode(column: "created_by", as: Int64?.self)
            guard (creator != nil && creator == context.userID?.rawValue) || context.may(.superviseSegments) else {
                throw StoreError.forbidden("only the segment's creator or an admin deletes it")
            }
            try await db.raw("DELETE FROM segments WHERE id = \(bind: id)").run()
        }
    }

    static func decode(_ row: any SQLRow) throws -> Segment {
        Segment(
            id: try row.value("id"),
            name: try row.value("name"),
            recordType: RecordType(rawValue: try row.value("record_type")) ?? .company,
            filters: try PlainJSON.decode([String: String].self, from: try row.value("filters")),
            createdBy: try row.value("created_by", as: Int64?.self).map { UserID($0) },
            createdAt: Timestamp(rawValue: try row.value("created_at"))
        )
    }
}
