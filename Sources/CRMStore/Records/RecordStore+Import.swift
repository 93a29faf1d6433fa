public import CRMCore
import SQLKit

extension RecordStore {
    /// Creates many records in one transaction through the bulk path (imports, generated datasets): each is
    /// validated, checked and audited as a single create would be, and nothing is written unless every one is
    /// valid. Errors name the row: `rows[12].emails[0]`.
    public func importMany(_ context: AccessContext, _ items: [Fields], assignment: Assignment = .init()) async throws -> [Int64] {
        var validated: [Fields] = []
        validated.reserveCapacity(items.count)
        var errors: [ValidationError] = []
        for (index, fields) in items.enumerated() {
            do throws(ValidationErrors) { validated.append(try fields.validated()) } catch {
                errors += error.errors.map {
                    ValidationError(field: "rows[\(index)]" + ($0.field.map { ".\($0)" } ?? ""), code: $0.code, message: $0.message)
                }
            }
        }
        guard errors.isEmpty else { throw StoreError.invalid(ValidationErrors(errors)) }
        let checked = validated
        return try await database.write { db in
            let (owner, team) = try await Self.resolveAssignment(db, context, assignment, current: nil)
            return try await Self.insertMany(db, context, checked.map { ($0, owner, team) })
        }
    }

    /// Writes validated records in the caller's transaction, each checked, indexed and audited as a single
    /// create would be, in parts; `written` hears of each part of `records` written.
    static func insertMany(
        _ db: any SQLDatabase,
        _ context: AccessContext,
        _ records: [(fields: Fields, owner: UserID, team: TeamID?)],
        written: (Range<Int>) async throws -> Void = { _ in }
    ) async throws -> [Int64] {
        let now = Timestamp.now
        for record in records where !record.fields.references.isEmpty { try await checkReferences(db, context, record.fields) }
        try await FieldStore.check(db, Fields.recordType, records.map(\.fields.custom))
        let checked = try await Fields.willInsert(db, context, records.map(\.fields))
        let rows = zip(records, checked).map { record, fields in (fields: fields, owner: record.owner, team: record.team, at: now, updatedAt: now) }
        let ids = try await insertRows(db, context, rows, written: written)
        for (id, row) in zip(ids, rows) { try await Fields.didWrite(db, context, id: id, old: nil, new: row.fields) }
        return ids
    }
}
