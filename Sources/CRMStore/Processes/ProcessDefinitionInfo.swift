public import CRMCore

/// A deployed process: one version of one executable process of an uploaded BPMN file.
public struct ProcessDefinitionInfo: Sendable, Equatable, Codable {
    public let id: Int64
    public let key: String
    public let name: String
    public let version: Int
    public let createdAt: Timestamp
    /// The kind of record its instances work on, when the process is for one: it then starts only bound to
    /// such a record, and record pages of that kind offer it.
    public let recordType: RecordType?

    /// Whether an instance may start bound to `record` (or to nothing).
    public func check(binding record: (type: RecordType, id: Int64)?) throws(ValidationError) {
        guard let recordType, record?.type != recordType else { return }
        throw ValidationError(field: "record", code: "wrong_record_type", message: "\(name) works on a \(recordType.rawValue); start it for one")
    }
}

/// Which kind of record a newly deployed version works on.
public enum ProcessBinding: Sendable, Equatable {
    /// As the previous version did (none for a first version).
    case unchanged
    case none
    case record(RecordType)
}
