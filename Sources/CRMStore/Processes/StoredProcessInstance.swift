public import CRMCore

/// A process instance as the store keeps it: the engine's state plus where it came from.
public struct StoredProcessInstance: Sendable, Equatable {
    public let id: Int64
    public let definition: ProcessDefinitionInfo
    public let state: ProcessInstance
    public let steps: Int
    /// The deal, company or contact the instance works on.
    public let record: (type: RecordType, id: Int64)?

    public static func == (a: Self, b: Self) -> Bool {
        a.id == b.id && a.definition == b.definition && a.state == b.state && a.steps == b.steps && a.record?.type == b.record?.type
            && a.record?.id == b.record?.id
    }
}
