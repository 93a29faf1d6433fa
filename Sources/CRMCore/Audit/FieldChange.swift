/// One field's value before and after a change, as the audit trail keeps it.
public struct FieldChange: Codable, Sendable, Equatable {
    public let field: String
    public let old: String?
    public let new: String?

    public init(field: String, old: String?, new: String?) {
        self.field = field
        self.old = old
        self.new = new
    }

    /// The fields whose values differ, in field-name order. A missing or empty value reads as no value.
    public static func diff(old: [String: String], new: [String: String]) -> [FieldChange] {
        let fields = Set(old.keys).union(new.keys).sorted()
        return fields.compactMap { field in
            let before = old[field].flatMap { $0.isEmpty ? nil : $0 }
            let after = new[field].flatMap { $0.isEmpty ? nil : $0 }
            return before == after ? nil : FieldChange(field: field, old: before, new: after)
        }
    }
}

/// What happened to a record.
public enum AuditAction: String, Codable, Sendable {
    case create, update, delete, restore, merge, unmerge, convert
    /// A file was attached to the record, or removed from it (the change names the file).
    case attach, detach
}

/// One entry of a record's audit trail.
public struct AuditEntry: Codable, Sendable, Equatable {
    public let id: Int64
    public let recordType: RecordType
    public let recordID: Int64
    public let action: AuditAction
    public let actorID: UserID?
    /// Set when the system acted; says why.
    public let systemReason: String?
    public let at: Timestamp
    public let changes: [FieldChange]

    public init(
        id: Int64,
        recordType: RecordType,
        recordID: Int64,
        action: AuditAction,
        actorID: UserID?,
        systemReason: String?,
        at: Timestamp,
        changes: [FieldChange]
    ) {
        self.id = id
        self.recordType = recordType
        self.recordID = recordID
        self.action = action
        self.actorID = actorID
        self.systemReason = systemReason
        self.at = at
        self.changes = changes
    }
}
