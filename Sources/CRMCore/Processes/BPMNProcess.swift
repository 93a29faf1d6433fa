/// One `process` element. Nodes inside subprocesses are listed too, with `scope` naming their subprocess.
public struct BPMNProcess: Sendable, Equatable {
    public var id: String
    public var name: String
    public var isExecutable: Bool
    public var nodes: [FlowNode]
    public var flows: [SequenceFlow]

    public init(id: String, name: String, isExecutable: Bool, nodes: [FlowNode] = [], flows: [SequenceFlow] = []) {
        self.id = id
        self.name = name
        self.isExecutable = isExecutable
        self.nodes = nodes
        self.flows = flows
    }

    public func node(_ id: String) -> FlowNode? { nodes.first { $0.id == id } }

    /// Where an instance starts: the start events of the process itself, not of its subprocesses.
    public var startEvents: [FlowNode] {
        nodes.filter { if case .startEvent = $0.kind { $0.scope == nil } else { false } }
    }

    public func outgoing(_ node: String) -> [SequenceFlow] { flows.filter { $0.source == node } }
    public func incoming(_ node: String) -> [SequenceFlow] { flows.filter { $0.target == node } }
}
