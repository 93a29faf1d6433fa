/// A stored CRM record: the fields a user edits plus the metadata every record carries.
public struct Record<Fields: Sendable & Equatable>: Sendable, Equatable {
    public var meta: RecordMeta
    public var fields: Fields

    public init(meta: RecordMeta, fields: Fields) {
        self.meta = meta
        self.fields = fields
    }

    public var id: ID<Record<Fields>> { ID(meta.id) }
}
