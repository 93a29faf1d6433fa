public import CRMCore
import Foundation
import SQLKit

/// A merge of two records, as the surviving record's page lists it; it can be undone until `undoUntil`.
public struct RecordMerge: Sendable, Equatable {
    public let id: Int64
    public let recordType: RecordType
    public let survivorID: Int64
    public let mergedID: Int64
    public let mergedAt: Timestamp
    public let undoUntil: Timestamp

    /// How long a merge can be undone.
    public static let undoWindowDays = 30
}

/// The rows a merge re-pointed from the merged record to the survivor, so that undo moves exactly those back.
struct MergeMoves: Codable {
    struct DealLink: Codable {
        let deal: Int64
        let role: String
    }

    /// The ids of the rows moved in one place of `StoredFields.referencedBy`.
    struct Moved: Codable {
        let table: String
        let column: String
        let ids: [Int64]
    }

    var references: [Moved] = []
    var processInstances: [Int64] = []
    /// The merged contact's places on deals, moved to the survivor…
    var dealLinks: [DealLink] = []
    /// …or dropped where the survivor was on the deal already.
    var droppedDealLinks: [DealLink] = []
}

extension RecordStore where Fields: Mergeable & Codable {
    /// Merges `merged` into `survivor` in one transaction: the survivor takes the `taking` fields from the
    /// merged record (and both records' phones, e-mails and tags); deals, activities, deal roles and processes
    /// pointing at the merged record move to the survivor; the merged record goes to the bin. Both versions must
    /// be the ones the user compared. The merged record's history shows on the survivor's.
    public func merge(
        _ context: AccessContext,
        survivor survivorID: Int64,
        survivorVersion: Int64,
        merged mergedID: Int64,
        mergedVersion: Int64,
        taking: Set<String>
    ) async throws -> (survivor: Item, merge: RecordMerge) {
        guard survivorID != mergedID else {
            throw StoreError.invalid(
                ValidationErrors([ValidationError(field: "merged_id", code: "same_record", message: "a record cannot be merged into itself")])
            )
        }
        let unknown = taking.subtracting(Fields.mergeChoices)
        guard unknown.isEmpty else {
            throw StoreError.invalid(
                ValidationErrors(
                    unknown.sorted().map { ValidationError(field: "take", code: "unknown_field", message: "\($0) is not a field a merge can take") }
                )
            )
        }
        return try await database.write { db in
            let survivor = try await Self.fetch(db, context, survivorID, includeDeleted: false, lock: true)
            let merged = try await Self.fetch(db, context, mergedID, includeDeleted: false, lock: true)
            guard survivor.meta.version == survivorVersion else { throw StoreError.versionMismatch(current: survivor.meta.version) }
            guard merged.meta.version == mergedVersion else { throw StoreError.versionMismatch(current: merged.meta.version) }
            let fields = try Self.validated(survivor.fields.merged(with: merged.fields, taking: taking))
            let now = Timestamp.now
            var moves = MergeMoves()
            for (table, column) in Fields.referencedBy {
                let ids = try await db.raw("SELECT id FROM \(ident: table) WHERE \(ident: column) = \(bind: mergedID)").all().map {
                    try $0.value("id", as: Int64.self)
                }
                try await db.raw(
                    """
                    UPDATE \(ident: table) SET \(ident: column) = \(bind: survivorID), version = version + 1, updated_at = \(bind: now.rawValue)
                    WHERE \(ident: column) = \(bind: mergedID)
                    """
                ).run()
                moves.references.append(MergeMoves.Moved(table: table, column: column, ids: ids))
            }
            if Fields.recordType == .contact {
                let links = try await db.raw("SELECT deal_id, role FROM deal_contacts WHERE contact_id = \(bind: mergedID)").all()
                for link in links {
                    let moved = MergeMoves.DealLink(deal: try link.value("deal_id"), role: try link.value("role"))
                    let taken =
                        try await db.raw(
                            "SELECT 1 AS one FROM deal_contacts WHERE deal_id = \(bind: moved.deal) AND contact_id = \(bind: survivorID)"
                        ).first() != nil
                    if taken {
                        try await db.raw("DELETE FROM deal_contacts WHERE deal_id = \(bind: moved.deal) AND contact_id = \(bind: mergedID)").run()
                        moves.droppedDealLinks.append(moved)
                    } else {
                        try await db.raw(
                            "UPDATE deal_contacts SET contact_id = \(bind: survivorID) WHERE deal_id = \(bind: moved.deal) AND contact_id = \(bind: mergedID)"
                        ).run()
                        moves.dealLinks.append(moved)
                    }
                }
            }
            let type = Fields.recordType.rawValue
            moves.processInstances = try await db.raw(
                "SELECT id FROM process_instances WHERE record_type = \(bind: type) AND record_id = \(bind: mergedID)"
            ).all().map { try $0.value("id", as: Int64.self) }
            try await db.raw(
                "UPDATE process_instances SET record_id = \(bind: survivorID) WHERE record_type = \(bind: type) AND record_id = \(bind: mergedID)"
            ).run()

            try await Fields.regrouping(db, ids: [mergedID]) {
                try await db.raw(
                    "UPDATE \(ident: Fields.table) SET deleted_at = \(bind: now.rawValue), version = version + 1 WHERE id = \(bind: mergedID)"
                ).run()
            }
            try await AuditLog.append(
                db,
                context,
                type: Fields.recordType,
                id: mergedID,
                action: .merge,
                changes: [FieldChange(field: "merged_into", old: nil, new: String(survivorID))]
            )
            let result = try await Self.rewrite(db, context, survivor, fields, assignment: .init(), action: .merge)
            let undoUntil = Timestamp(rawValue: now.rawValue + Int64(RecordMerge.undoWindowDays) * 86_400_000)
            let row = try await db.raw(
                """
                INSERT INTO record_merges (record_type, survivor_id, merged_id, survivor_before, survivor_version, moved, actor_id, merged_at, undo_until)
                VALUES (\(bind: type), \(bind: survivorID), \(bind: mergedID), \(bind: try PlainJSON.encode(survivor.fields)), \(bind: result.meta.version),
                \(bind: try ColumnJSON.encode(moves)), \(bind: context.userID?.rawValue), \(bind: now.rawValue), \(bind: undoUntil.rawValue)) RETURNING id
                """
            ).first()
            guard let id = try row?.value("id", as: Int64.self) else { throw StoreError.configuration("insert returned no id") }
            return (
                result,
                RecordMerge(id: id, recordType: Fields.recordType, survivorID: survivorID, mergedID: mergedID, mergedAt: now, undoUntil: undoUntil)
            )
        }
    }

    /// Undoes a merge within its window: the merged record comes back from the bin with its related rows,
    /// and the survivor gets its fields from before. Refused once the survivor has been edited since, as
    /// undoing would silently throw that edit away.
    public func undoMerge(_ context: AccessContext, _ mergeID: Int64) async throws -> (survivor: Item, restored: Item) {
        try await database.write { db in
            guard
                let row = try await db.raw(
                    """
                    SELECT * FROM record_merges WHERE id = \(bind: mergeID) AND record_type = \(bind: Fields.recordType.rawValue) AND undone_at IS NULL
                    """
                ).first()
            else { throw StoreError.notFound(nil) }
            let survivorID: Int64 = try row.value("survivor_id")
            let mergedID: Int64 = try row.value("merged_id")
            let survivor = try await Self.fetch(db, context, survivorID, includeDeleted: false, lock: true)
            _ = try await Self.fetch(db, context, mergedID, includeDeleted: true, lock: true)
            let now = Timestamp.now
            guard now.rawValue <= (try row.value("undo_until", as: Int64.self)) else {
                throw StoreError.conflict(
                    code: "undo_expired",
                    message: "a merge can be undone for \(RecordMerge.undoWindowDays) days; this one is older"
                )
            }
            guard survivor.meta.version == (try row.value("survivor_version", as: Int64.self)) else {
                throw StoreError.conflict(
                    code: "changed_since_merge",
                    message: "the record was changed after the merge; undoing would lose that change"
                )
            }
            let before = try Self.fieldsBefore(try row.value("survivor_before"))
            let moves: MergeMoves = try row.json("moved")
            for moved in moves.references {
                for chunk in moved.ids.chunked(500) {
                    try await db.raw(
                        """
                        UPDATE \(ident: moved.table) SET \(ident: moved.column) = \(bind: mergedID), version = version + 1, updated_at = \(bind: now.rawValue)
                        WHERE \(ident: moved.column) = \(bind: survivorID) AND id IN (\(binds: Array(chunk)))
                        """
                    ).run()
                }
            }
            for link in moves.dealLinks {
                try await db.raw(
                    "UPDATE deal_contacts SET contact_id = \(bind: mergedID) WHERE deal_id = \(bind: link.deal) AND contact_id = \(bind: survivorID)"
                ).run()
            }
            for link in moves.droppedDealLinks {
                try await db.raw(
                    "INSERT INTO deal_contacts (deal_id, contact_id, role) VALUES (\(bind: link.deal), \(bind: mergedID), \(bind: link.role))"
                ).run()
            }
            for chunk in moves.processInstances.chunked(500) {
                try await db.raw("UPDATE process_instances SET record_id = \(bind: mergedID) WHERE id IN (\(binds: Array(chunk)))").run()
            }
            try await Fields.regrouping(db, ids: [mergedID]) {
                try await db.raw(
                    "UPDATE \(ident: Fields.table) SET deleted_at = NULL, version = version + 1, updated_at = \(bind: now.rawValue) WHERE id = \(bind: mergedID)"
                ).run()
            }
            try await AuditLog.append(
                db,
                context,
                type: Fields.recordType,
                id: mergedID,
                action: .unmerge,
                changes: [FieldChange(field: "merged_into", old: String(survivorID), new: nil)]
            )
            let restoredSurvivor = try await Self.rewrite(db, context, survivor, before, assignment: .init(), action: .unmerge)
            try await db.raw("UPDATE record_merges SET undone_at = \(bind: now.rawValue) WHERE id = \(bind: mergeID)").run()
            return (restoredSurvivor, try await Self.fetch(db, context, mergedID, includeDeleted: false, lock: false))
        }
    }

    /// The merges into `survivor` that can still be undone, newest first.
    public func merges(_ context: AccessContext, into survivor: Int64) async throws -> [RecordMerge] {
        try await database.read { db in
            _ = try await Self.fetch(db, context, survivor, includeDeleted: true, lock: false)
            return try await db.raw(
                """
                SELECT * FROM record_merges WHERE record_type = \(bind: Fields.recordType.rawValue) AND survivor_id = \(bind: survivor)
                AND undone_at IS NULL AND undo_until >= \(bind: Timestamp.now.rawValue) ORDER BY id DESC
                """
            ).all().map { row in
                RecordMerge(
                    id: try row.value("id"),
                    recordType: Fields.recordType,
                    survivorID: survivor,
                    mergedID: try row.value("merged_id"),
                    mergedAt: Timestamp(rawValue: try row.value("merged_at")),
                    undoUntil: Timestamp(rawValue: try row.value("undo_until"))
                )
            }
        }
    }
}

extension RecordStore where Fields: Codable {
    /// A survivor's fields as a merge kept them. They are written with the fields' own keys, so custom values keep
    /// theirs (`contract_end`); merges made before custom fields existed wrote snake-case keys (read back here with
    /// `…_id` as `…ID`, which the decoder's own conversion missed) and no custom values.
    static func fieldsBefore(_ text: String) throws -> Fields {
        if let fields = try? PlainJSON.decode(Fields.self, from: text) { return fields }
        guard var object = camelCased(try JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] else {
            throw StoreError.configuration("a merge's saved fields are not a JSON object")
        }
        if object["custom"] == nil { object["custom"] = [String: Any]() }
        return try PlainJSON.decode(Fields.self, from: String(decoding: try JSONSerialization.data(withJSONObject: object), as: UTF8.self))
    }

    private static func camelCased(_ value: Any) -> Any {
        switch value {
        case let object as [String: Any]:
            return Dictionary(
                uniqueKeysWithValues: object.map { key, value in
                    let parts = key.split(separator: "_").enumerated().map { index, part in
                        index == 0 ? String(part) : part == "id" ? "ID" : part.prefix(1).uppercased() + part.dropFirst()
                    }
                    return (parts.joined(), camelCased(value))
                }
            )
        case let array as [Any]:
            return array.map(camelCased)
        default:
            return value
        }
    }
}
