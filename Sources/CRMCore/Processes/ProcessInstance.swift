/// Everything a running process is: where each token is, what it waits for, the variables, and what happened.
/// It is a value the engine changes step by step, so the store can keep it in the same transaction as a step's
/// effects and a restarted server resumes exactly where it stopped.
public struct ProcessInstance: Sendable, Equatable, Codable {
    public enum Status: String, Sendable, Codable {
        case running, completed, terminated
        /// Stopped at an incident (a failing condition or action); `retry` goes on from there.
        case failed
    }

    public struct Token: Sendable, Equatable, Codable {
        public let id: Int
        public var node: String
        /// The token waiting at the subprocess or call activity this token runs inside; nil at the top level.
        public var parent: Int?
        /// The flow it arrived by, which joins count.
        public var arrivedBy: String?
        public var wait: Wait?
        /// At a multi-instance activity: the items it runs over and how many passes have started.
        public var loop: LoopState?
        /// A parallel loop pass's own variables (its item and `loopCounter`), seen by everything inside it.
        public var locals: [String: ProcessValue]? = nil
    }

    public struct LoopState: Sendable, Equatable, Codable {
        public var items: [ProcessValue]
        public var started: Int
    }

    public enum Wait: Sendable, Equatable, Codable {
        /// A user or manual task, until someone completes it.
        case task
        /// A service task whose action the host runs outside the step (`ProcessEngine.defers`).
        case service
        case timer(due: Timestamp)
        case message(String)
        case signal(String)
        /// At an event-based gateway, until one of the events after it happens.
        case events
        /// At a subprocess or call activity, until the tokens inside it finish.
        case inside
        /// At a joining gateway, until the other branches arrive.
        case join
    }

    /// A boundary timer armed while its activity's token waits.
    public struct BoundaryTimer: Sendable, Equatable, Codable {
        public let token: Int
        public let event: String
        public var due: Timestamp
    }

    public var processID: String
    public var status: Status
    public var variables: [String: ProcessValue]
    public var tokens: [Token]
    public var boundaryTimers: [BoundaryTimer]
    /// Node ids in the order tokens left them.
    public var trail: [String]
    /// Messages thrown by the instance (send tasks, throw events), for the host to deliver.
    public var outbox: [String]
    public var incident: String?
    var nextID: Int

    init(processID: String, variables: [String: ProcessValue]) {
        self.processID = processID
        status = .running
        self.variables = variables
        tokens = []
        boundaryTimers = []
        trail = []
        outbox = []
        nextID = 1
    }

    /// The variables as seen at `token`: the instance's, overlaid by the loop variables of the token and of
    /// every token it runs inside.
    public func variables(at token: Token) -> [String: ProcessValue] {
        var chain: [[String: ProcessValue]] = []
        var current: Token? = token
        while let each = current {
            if let locals = each.locals { chain.append(locals) }
            current = each.parent.flatMap { parent in tokens.first { $0.id == parent } }
        }
        guard !chain.isEmpty else { return variables }
        var merged = variables
        for locals in chain.reversed() { merged.merge(locals) { _, inner in inner } }
        return merged
    }

    /// The tokens waiting for someone to do a task.
    public var openTasks: [Token] { tokens.filter { $0.wait == .task } }

    /// The tokens waiting for the host to run a service task's action.
    public var pendingServices: [Token] { tokens.filter { $0.wait == .service } }

    /// When the engine next needs waking, if a timer is armed.
    public var nextTimer: Timestamp? {
        let waits = tokens.compactMap { if case .timer(let due) = $0.wait { due } else { nil } }
        return (waits + boundaryTimers.map(\.due)).min()
    }
}
