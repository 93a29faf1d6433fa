import Foundation

/// Runs process instances of one definition, step by step, with no I/O: every call takes an instance and the
/// current time and leaves the instance waiting (for a person, a timer, a message) or finished. Service tasks
/// call `services`, the host's CRM actions. Instances are values, so a store can save each step's result in the
/// same transaction as its effects.
public struct ProcessEngine: Sendable {
    /// Why a service task failed: a BPMN error its boundary may catch, or a failure that becomes an incident.
    public enum ServiceFailure: Error, Sendable, Equatable {
        case bpmnError(code: String)
        case failure(String)
    }

    public typealias Services =
        @Sendable (_ action: String?, _ node: FlowNode, _ variables: [String: ProcessValue]) throws(ServiceFailure) -> [String: ProcessValue]

    public let definition: ProcessDefinition
    let services: Services
    /// Which service actions wait (`.service`) for the host to run them and report back with `completeService`
    /// or `failService`, so an action with I/O never runs inside a step; the others call `services` at once.
    public let defers: @Sendable (_ action: String?) -> Bool
    let nodes: [String: FlowNode]
    let flowsOut: [String: [SequenceFlow]]
    let flowsIn: [String: [SequenceFlow]]
    let boundaries: [String: [FlowNode]]
    /// Read-only values the host supplies for one step and never stored with the instance: the bound record's
    /// fields as `record`, the teams' members as `teams` (what `team_members(name)` reads).
    public var environment: [String: ProcessValue] = [:]

    public init(
        definition: ProcessDefinition,
        defers: @escaping @Sendable (_ action: String?) -> Bool = { _ in false },
        services: @escaping Services = { _, _, _ in [:] }
    ) {
        self.definition = definition
        self.services = services
        self.defers = defers
        var nodes: [String: FlowNode] = [:]
        var boundaries: [String: [FlowNode]] = [:]
        for node in definition.processes.flatMap(\.nodes) {
            nodes[node.id] = node
            if case .boundary(_, let attached, _) = node.kind { boundaries[attached, default: []].append(node) }
        }
        let flows = definition.processes.flatMap(\.flows)
        self.nodes = nodes
        self.boundaries = boundaries
        flowsOut = Dictionary(grouping: flows, by: \.source)
        flowsIn = Dictionary(grouping: flows, by: \.target)
    }

    // MARK: What the host calls

    /// Starts an instance of `processID` (the first executable process when nil) at its none start event, or
    /// its only start event, and runs it until it waits.
    public func start(
        _ processID: String? = nil,
        variables: [String: ProcessValue] = [:],
        at now: Timestamp
    ) throws(ValidationError) -> ProcessInstance {
        let found = processID.map { definition.process($0) } ?? definition.executable.first
        guard let process = found else {
            throw ValidationError(field: "process_id", code: "unknown_process", message: "the definition has no process '\(processID ?? "")'")
        }
        guard let start = Self.entry(process.startEvents) else {
            throw ValidationError(field: "process_id", code: "no_start_event", message: "process '\(process.id)' has no start event")
        }
        var instance = ProcessInstance(processID: process.id, variables: variables)
        spawn(&instance, at: start.id, parent: nil)
        run(&instance, at: now)
        return instance
    }

    /// Completes a user or manual task, merging the values its form filled in.
    public func complete(
        _ instance: inout ProcessInstance,
        task token: Int,
        variables: [String: ProcessValue] = [:],
        at now: Timestamp
    ) throws(ValidationError) {
        guard instance.status == .running else { throw ValidationError(code: "not_running", message: "the instance is \(instance.status.rawValue)") }
        guard let index = instance.tokens.firstIndex(where: { $0.id == token && $0.wait == .task }) else {
            throw ValidationError(field: "task", code: "no_such_task", message: "task \(token) is not open")
        }
        instance.variables.merge(variables) { _, new in new }
        let done = instance.tokens[index]
        disarm(&instance, token: done.id)
        leave(&instance, done.id)
        run(&instance, at: now)
    }

    /// A deferred service task's action succeeded; its results become variables and the token moves on.
    public func completeService(
        _ instance: inout ProcessInstance,
        token: Int,
        variables: [String: ProcessValue] = [:],
        at now: Timestamp
    ) throws(ValidationError) {
        guard instance.status == .running else { throw ValidationError(code: "not_running", message: "the instance is \(instance.status.rawValue)") }
        guard instance.tokens.contains(where: { $0.id == token && $0.wait == .service }) else {
            throw ValidationError(field: "token", code: "no_such_service", message: "no service task waits as token \(token)")
        }
        instance.variables.merge(variables) { _, new in new }
        disarm(&instance, token: token)
        leave(&instance, token)
        run(&instance, at: now)
    }

    /// A deferred service task's action failed for good: a BPMN error goes to the boundary that catches it, any
    /// other failure stops the instance at an incident (the token stays, so `retry` runs the action again).
    public func failService(_ instance: inout ProcessInstance, token: Int, _ failure: ServiceFailure, at now: Timestamp) {
        guard instance.status == .running, let waiting = instance.tokens.first(where: { $0.id == token && $0.wait == .service }) else { return }
        switch failure {
        case .bpmnError(let code):
            do throws(ProcessError) {
                if try raise(&instance, .error(code), from: waiting, includingSelf: true) {
                    run(&instance, at: now)
                    return
                }
                instance.incident = "\(waiting.node): error '\(code)' is not caught"
            } catch {
                instance.incident = "\(waiting.node): \(error.message)"
            }
        case .failure(let message):
            instance.incident = "\(waiting.node): \(message)"
        }
        instance.status = .failed
    }

    /// Fires every timer due by `now`, earliest first.
    public func wake(_ instance: inout ProcessInstance, at now: Timestamp) {
        while instance.status == .running, let due = instance.nextTimer, due <= now {
            if let token = instance.tokens.first(where: { $0.wait == .timer(due: due) }) {
                setWait(&instance, token.id, nil)
                leave(&instance, token.id)
            } else if let armed = instance.boundaryTimers.first(where: { $0.due == due }) {
                instance.boundaryTimers.removeAll { $0 == armed }
                trigger(&instance, event: armed.event, on: armed.token)
            }
            run(&instance, at: due)
        }
    }

    /// Delivers a message by name to the first token waiting for it (a catch event, an event-based gateway or a
    /// message boundary); answers whether anything was waiting.
    @discardableResult
    public func deliver(_ instance: inout ProcessInstance, message: String, variables: [String: ProcessValue] = [:], at now: Timestamp) -> Bool {
        guard instance.status == .running else { return false }
        for token in instance.tokens {
            if token.wait == .message(message) {
                instance.variables.merge(variables) { _, new in new }
                setWait(&instance, token.id, nil)
                leave(&instance, token.id)
                run(&instance, at: now)
                return true
            }
            if let event = waitingEvent(token, trigger: .message(message)) {
                instance.variables.merge(variables) { _, new in new }
                trigger(&instance, event: event, on: token.id)
                run(&instance, at: now)
                return true
            }
        }
        return false
    }

    /// Goes on after an incident, from the step that failed (a deferred service task waits for its action again).
    public func retry(_ instance: inout ProcessInstance, at now: Timestamp) {
        guard instance.status == .failed else { return }
        instance.status = .running
        instance.incident = nil
        run(&instance, at: now)
    }

    // MARK: Moving tokens

    /// What expressions read at a token: the instance's variables, the token's own loop variables, the host's
    /// environment, and `today` (the UTC day of the step, when the step has a time).
    public func scope(_ instance: ProcessInstance, token: ProcessInstance.Token? = nil, _ now: Timestamp?) -> [String: ProcessValue] {
        var variables = token.map { instance.variables(at: $0) } ?? instance.variables
        variables.merge(environment) { _, host in host }
        if let now, variables["today"] == nil { variables["today"] = .string(CalendarDate(now, in: TimeZone(identifier: "UTC")!).description) }
        return variables
    }

    static func entry(_ starts: [FlowNode]) -> FlowNode? {
        starts.first { if case .startEvent(.none, _) = $0.kind { true } else { false } } ?? (starts.count == 1 ? starts.first : nil)
    }

    @discardableResult
    func spawn(_ instance: inout ProcessInstance, at node: String, parent: Int?, arrivedBy: String? = nil) -> Int {
        let id = instance.nextID
        instance.nextID += 1
        instance.tokens.append(ProcessInstance.Token(id: id, node: node, parent: parent, arrivedBy: arrivedBy, wait: nil, loop: nil))
        return id
    }

    func setWait(_ instance: inout ProcessInstance, _ token: Int, _ wait: ProcessInstance.Wait?) {
        if let index = instance.tokens.firstIndex(where: { $0.id == token }) { instance.tokens[index].wait = wait }
    }

    /// Runs every token that is not waiting until all wait, the instance ends, or an incident stops it.
    func run(_ instance: inout ProcessInstance, at now: Timestamp) {
        while instance.status == .running, let token = instance.tokens.first(where: { $0.wait == nil }) {
            do throws(ProcessError) {
                try step(&instance, token, at: now)
            } catch {
                instance.status = .failed
                instance.incident = "\(token.node): \(error.message)"
            }
        }
    }

    func step(_ instance: inout ProcessInstance, _ token: ProcessInstance.Token, at now: Timestamp) throws(ProcessError) {
        guard let node = nodes[token.node] else { throw ProcessError.action("the definition has no node '\(token.node)'") }
        if let loop = node.multiInstance, !isLoopBody(instance, token) {
            try startLoop(&instance, token, node, loop, at: now)
            return
        }
        switch node.kind {
        case .startEvent, .intermediateThrow(.none):
            leave(&instance, token.id)
        case .intermediateThrow(let result):
            try emit(&instance, result, from: token)
            if instance.tokens.contains(where: { $0.id == token.id }) { leave(&instance, token.id) }
        case .endEvent(let result):
            instance.trail.append(node.id)
            switch result {
            case .terminate:
                terminate(&instance, token)
            case .error, .escalation, .message, .signal:
                try emit(&instance, result, from: token)
                if instance.tokens.contains(where: { $0.id == token.id }) { consume(&instance, token.id) }
            case .none:
                consume(&instance, token.id)
            }
        case .intermediateCatch(let trigger):
            switch trigger {
            case .timer(let spec): setWait(&instance, token.id, .timer(due: try due(spec, after: now, instance, token.id)))
            case .message(let name): setWait(&instance, token.id, .message(name))
            case .signal(let name): setWait(&instance, token.id, .signal(name))
            default: throw ProcessError.action("cannot wait for \(trigger)")
            }
        case .boundary:
            leave(&instance, token.id)
        case .task(let kind):
            try task(&instance, token, node, kind, at: now)
        case .gateway(let kind, let defaultFlow):
            try gateway(&instance, token, node, kind, defaultFlow, at: now)
        case .subProcess:
            guard
                let start = Self.entry(
                    definition.processes.flatMap(\.nodes).filter({ node2 in
                        if case .startEvent = node2.kind { node2.scope == node.id } else { false }
                    })
                )
            else { throw ProcessError.action("subprocess '\(node.id)' has no start event") }
            setWait(&instance, token.id, .inside)
            try arm(&instance, token.id, node, at: now)
            spawn(&instance, at: start.id, parent: token.id)
        case .callActivity(let called):
            guard let process = definition.process(called), let start = Self.entry(process.startEvents) else {
                throw ProcessError.action("the called process '\(called)' is not in this definition")
            }
            setWait(&instance, token.id, .inside)
            try arm(&instance, token.id, node, at: now)
            spawn(&instance, at: start.id, parent: token.id)
        }
    }

    func task(
        _ instance: inout ProcessInstance,
        _ token: ProcessInstance.Token,
        _ node: FlowNode,
        _ kind: TaskKind,
        at now: Timestamp
    ) throws(ProcessError) {
        switch kind {
        case .none:
            leave(&instance, token.id)
        case .user, .manual:
            setWait(&instance, token.id, .task)
            try arm(&instance, token.id, node, at: now)
        case .script(_, let script):
            try script.run(&instance.variables)
            leave(&instance, token.id)
        case .send(let message):
            instance.outbox.append(message ?? node.name)
            leave(&instance, token.id)
        case .service(let action, _):
            if defers(action) {
                setWait(&instance, token.id, .service)
                try arm(&instance, token.id, node, at: now)
                return
            }
            do throws(ServiceFailure) {
                let result = try services(action, node, instance.variables)
                instance.variables.merge(result) { _, new in new }
                leave(&instance, token.id)
            } catch {
                switch error {
                case .bpmnError(let code):
                    guard try raise(&instance, .error(code), from: token, includingSelf: true) else {
                        throw ProcessError.action("error '\(code)' from '\(node.id)' is not caught")
                    }
                case .failure(let message):
                    throw ProcessError.action(message)
                }
            }
        }
    }

    func gateway(
        _ instance: inout ProcessInstance,
        _ token: ProcessInstance.Token,
        _ node: FlowNode,
        _ kind: GatewayKind,
        _ defaultFlow: String?,
        at now: Timestamp
    ) throws(ProcessError) {
        let incoming = flowsIn[node.id] ?? []
        let outgoing = flowsOut[node.id] ?? []
        if incoming.count > 1 && (kind == .parallel || kind == .inclusive) {
            setWait(&instance, token.id, .join)
            let parked = instance.tokens.filter { $0.node == node.id && $0.wait == .join && $0.parent == token.parent }
            // A join fires when every incoming flow has brought a token, or when no other token in its scope is
            // left that could still arrive: so an inclusive join waits only for the branches taken, and a
            // parallel gateway drawn as the merge of a loop (as SpiffWorkflow allows) does not deadlock.
            let allArrived = kind == .parallel && Set(parked.compactMap(\.arrivedBy)).isSuperset(of: incoming.map(\.id))
            let nothingElse = !instance.tokens.contains { $0.parent == token.parent && !($0.node == node.id && $0.wait == .join) }
            let ready = allArrived || nothingElse
            guard ready else { return }
            var seen = Set<String>()
            let merged = parked.filter { seen.insert($0.arrivedBy ?? "").inserted || kind == .inclusive }
            for other in merged where other.id != merged.last!.id { instance.tokens.removeAll { $0.id == other.id } }
            setWait(&instance, merged.last!.id, nil)
            let joined = merged.last!.id
            try split(&instance, joined, node, kind, defaultFlow, outgoing, at: now)
            return
        }
        try split(&instance, token.id, node, kind, defaultFlow, outgoing, at: now)
    }

    func split(
        _ instance: inout ProcessInstance,
        _ token: Int,
        _ node: FlowNode,
        _ kind: GatewayKind,
        _ defaultFlow: String?,
        _ outgoing: [SequenceFlow],
        at now: Timestamp
    ) throws(ProcessError) {
        switch kind {
        case .parallel:
            leave(&instance, token, via: outgoing)
        case .exclusive:
            for flow in outgoing where flow.id != defaultFlow {
                if try flow.condition?.evaluate(scope(instance, token: instance.tokens.first { $0.id == token }, now)).isTruthy ?? true {
                    leave(&instance, token, via: [flow])
                    return
                }
            }
            guard let fallback = outgoing.first(where: { $0.id == defaultFlow }) else { throw ProcessError.noPath(gateway: node.id) }
            leave(&instance, token, via: [fallback])
        case .inclusive:
            var chosen: [SequenceFlow] = []
            for flow in outgoing where flow.id != defaultFlow {
                if try flow.condition?.evaluate(scope(instance, token: instance.tokens.first { $0.id == token }, now)).isTruthy ?? true {
                    chosen.append(flow)
                }
            }
            if chosen.isEmpty, let fallback = outgoing.first(where: { $0.id == defaultFlow }) { chosen = [fallback] }
            guard !chosen.isEmpty else { throw ProcessError.noPath(gateway: node.id) }
            leave(&instance, token, via: chosen)
        case .eventBased:
            setWait(&instance, token, .events)
            for flow in outgoing {
                if let target = nodes[flow.target], case .intermediateCatch(.timer(let spec)) = target.kind {
                    instance.boundaryTimers.append(.init(token: token, event: target.id, due: try due(spec, after: now, instance, token)))
                }
            }
        }
    }

    /// Moves a token out of its node along `flows` (its node's outgoing flows when nil): the first flow keeps
    /// the token, each further one forks a new token. With no flow to take, the token ends there.
    func leave(_ instance: inout ProcessInstance, _ token: Int, via chosen: [SequenceFlow]? = nil) {
        guard let index = instance.tokens.firstIndex(where: { $0.id == token }) else { return }
        let current = instance.tokens[index]
        instance.trail.append(current.node)
        if isLoopBody(instance, current) {
            finishLoopBody(&instance, current)
            return
        }
        let flows = chosen ?? flowsOut[current.node] ?? []
        guard let first = flows.first else {
            consume(&instance, token)
            return
        }
        instance.tokens[index].node = first.target
        instance.tokens[index].arrivedBy = first.id
        instance.tokens[index].wait = nil
        for flow in flows.dropFirst() {
            spawn(&instance, at: flow.target, parent: current.parent, arrivedBy: flow.id)
        }
    }

    /// Removes a finished token; when it was the last inside a subprocess, the subprocess moves on, and when it
    /// was the last of all, the instance is complete.
    func consume(_ instance: inout ProcessInstance, _ token: Int) {
        guard let removed = instance.tokens.first(where: { $0.id == token }) else { return }
        instance.tokens.removeAll { $0.id == token }
        disarm(&instance, token: token)
        if let parent = removed.parent {
            if !instance.tokens.contains(where: { $0.parent == parent }) {
                disarm(&instance, token: parent)
                setWait(&instance, parent, nil)
                leave(&instance, parent)
            }
        } else if instance.tokens.isEmpty {
            instance.status = .completed
        }
    }

    /// A terminate end event ends every token of its scope: the whole instance at the top level, the
    /// subprocess (which then completes) inside one.
    func terminate(_ instance: inout ProcessInstance, _ token: ProcessInstance.Token) {
        guard let parent = token.parent else {
            instance.tokens.removeAll()
            instance.boundaryTimers.removeAll()
            instance.status = .terminated
            return
        }
        for other in descendants(instance, of: parent) where other != token.id {
            instance.tokens.removeAll { $0.id == other }
            disarm(&instance, token: other)
        }
        consume(&instance, token.id)
    }

    func descendants(_ instance: ProcessInstance, of token: Int) -> [Int] {
        var result: [Int] = []
        var frontier = [token]
        while let next = frontier.popLast() {
            let children = instance.tokens.filter { $0.parent == next }.map(\.id)
            result += children
            frontier += children
        }
        return result
    }
}
