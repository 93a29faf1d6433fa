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
            let now = Timestamp.now
            var rows: [(fields: Fields, owner: UserID, team: TeamID?, at: Timestamp, updatedAt: Timestamp)] = []
            rows.reserveCapacity(checked.count)
            for fields in checked {
                if !fields.references.isEmpty { try await Self.checkReferences(db, context, fields) }
                rows.append((try await Fields.willWrite(db, context, old: nil, new: fields), owner, team, now, now))
            }
            let ids = try await Self.insertRows(db, rows)
            var audit = AuditLog.Batch(context)
            for (id, row) in zip(ids, rows) {
                try await Fields.didWrite(db, context, id: id, old: nil, new: row.fields)
                try audit.add(type: Fields.recordType, id: id, action: .create, changes: FieldChange.diff(old: [:], new: row.fields.auditValues))
                if audit.count >= 400 { try await audit.flush(db) }
            }
            try await audit.flush(db)
            return ids
        }
    }
}
