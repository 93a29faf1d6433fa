/// A BPMN 2.0 file read into what the engine runs: its processes with their flow nodes and sequence flows, the
/// messages, signals, errors and escalations they refer to, and the diagram to draw. `BPMNReader` builds it
/// and refuses files with elements the engine cannot run, so everything here is runnable.
public struct ProcessDefinition: Sendable, Equatable {
    public var processes: [BPMNProcess]
    /// Names by id of the root `message`, `signal`, `error` (with its code) and `escalation` elements.
    public var messages: [String: String]
    public var signals: [String: String]
    public var errors: [String: (name: String, code: String)]
    public var escalations: [String: (name: String, code: String)]
    public var diagram: BPMNDiagram
    /// The tool that wrote the file ("Camunda Modeler 5.0.0"), for support questions.
    public var exporter: String

    public init(
        processes: [BPMNProcess] = [],
        messages: [String: String] = [:],
        signals: [String: String] = [:],
        errors: [String: (name: String, code: String)] = [:],
        escalations: [String: (name: String, code: String)] = [:],
        diagram: BPMNDiagram = BPMNDiagram(),
        exporter: String = ""
    ) {
        self.processes = processes
        self.messages = messages
        self.signals = signals
        self.errors = errors
        self.escalations = escalations
        self.diagram = diagram
        self.exporter = exporter
    }

    /// The processes the engine may start: those marked executable.
    public var executable: [BPMNProcess] { processes.filter(\.isExecutable) }

    public func process(_ id: String) -> BPMNProcess? { processes.first { $0.id == id } }

    public static func == (lhs: ProcessDefinition, rhs: ProcessDefinition) -> Bool {
        lhs.processes == rhs.processes && lhs.messages == rhs.messages && lhs.signals == rhs.signals
            && lhs.errors.mapValues { [$0.name, $0.code] } == rhs.errors.mapValues { [$0.name, $0.code] }
            && lhs.escalations.mapValues { [$0.name, $0.code] } == rhs.escalations.mapValues { [$0.name, $0.code] }
            && lhs.diagram == rhs.diagram && lhs.exporter == rhs.exporter
    }
}
