/// A node a token can be at.
public struct FlowNode: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        case startEvent(EventTrigger, interrupting: Bool)
        case endEvent(EventResult)
        case intermediateCatch(EventTrigger)
        case intermediateThrow(EventResult)
        case boundary(EventTrigger, attachedTo: String, interrupting: Bool)
        case task(TaskKind)
        case gateway(GatewayKind, defaultFlow: String?)
        /// An embedded subprocess; an event subprocess (`triggeredByEvent`) starts from its own start event.
        case subProcess(triggeredByEvent: Bool)
        case callActivity(calledElement: String)
    }

    public var id: String
    public var name: String
    public var kind: Kind
    /// The subprocess this node is inside, nil at the process's top level.
    public var scope: String?
    public var multiInstance: MultiInstance?
    /// The line of the element in the file, for errors.
    public var line: Int

    public init(id: String, name: String, kind: Kind, scope: String? = nil, multiInstance: MultiInstance? = nil, line: Int) {
        self.id = id
        self.name = name
        self.kind = kind
        self.scope = scope
        self.multiInstance = multiInstance
        self.line = line
    }

    public var isActivity: Bool {
        switch kind {
        case .task, .subProcess, .callActivity: true
        default: false
        }
    }
}
