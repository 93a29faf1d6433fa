public import CRMCore

/// A process instance as the store keeps it: the engine's state plus where it came from.
public struct StoredProcessInstance: Sendable, Equatable {
    public let id: Int64
    public let definition: ProcessDefinitionInfo
    public let state: ProcessInstance
    public let steps: Int
}
