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
                errors += error.errors.map { ValidationError(field: "rows[\(index)]" + ($0.field.map { ".\($0)" } ?? ""), code: $0.code, message: $0.message) }
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
    /// create would be, in batches.
    static func insertMany(_ db: any SQLDatabase, _ context: AccessContext, _ records: [(fields: Fields, owner: UserID, team: TeamID?)]) async throws -> [Int64] {
        let now = Timestamp.now
        var rows: [(fields: Fields, owner: UserID, team: TeamID?, at: Timestamp, updatedAt: Timestamp)] = []
        rows.reserveCapacity(records.count)
        for record in records where !record.fields.references.isEmpty { try await checkReferences(db, context, record.fields) }
        try await FieldStore.check(db, Fields.recordType, records.map(\.fields.custom))
        let checked = try await Fields.willInsert(db, context, records.map(\.fields))
        for (record, fields) in zip(records, checked) { rows.append((fields, record.owner, record.team, now, now)) }
        let ids = try await insertRows(db, rows)
        let written = rows
        let changes = try await Parallel.map(written.indices) { slice in
            slice.map { JSONText.changes(FieldChange.diff(old: [:], new: written[$0].fields.auditValues)) }
        }.joined()
        var audit = AuditLog.Batch(context)
        for ((id, row), changes) in zip(zip(ids, rows), changes) {
            try await Fields.didWrite(db, context, id: id, old: nil, new: row.fields)
            audit.add(type: Fields.recordType, id: id, action: .create, encodedChanges: changes)
        }
        try await audit.flush(db)
        return ids
    }
}
