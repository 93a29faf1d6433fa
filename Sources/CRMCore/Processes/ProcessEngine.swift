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

    public typealias Services = @Sendable (_ action: String?, _ node: FlowNode, _ variables: [String: ProcessValue]) throws(ServiceFailure) -> [String: ProcessValue]

    public let definition: ProcessDefinition
    let services: Services
    /// Which service actions wait (`.service`) for the host to run them and report back with `completeService`
    /// or `failService`, so an action with I/O never runs inside a step; the others call `services` at once.
    public let defers: @Sendable (_ action: String?) -> Bool
    let nodes: [String: FlowNode]
    let flowsOut: [String: [SequenceFlow]]
    let flowsIn: [String: [SequenceFlow]]
    let boundaries: [String: [FlowNode]]

    public init(definition: ProcessDefinition, defers: @escaping @Sendable (_ action: String?) -> Bool = { _ in false }, services: @escaping Services = { _, _, _ in [:] }) {
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
    public func start(_ processID: String? = nil, variables: [String: ProcessValue] = [:], at now: Timestamp) throws(ValidationError) -> ProcessInstance {
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
    public func complete(_ instance: inout ProcessInstance, task token: Int, variables: [String: ProcessValue] = [:], at now: Timestamp) throws(ValidationError) {
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
    public func completeService(_ instance: inout ProcessInstance, token: Int, variables: [String: ProcessValue] = [:], at now: Timestamp) throws(ValidationError) {
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

    /// What conditions read: the instance's variables and `today` (the UTC day of the step).
    func scope(_ instance: ProcessInstance, _ now: Timestamp) -> [String: ProcessValue] {
        var variables = instance.variables
        if variables["today"] == nil { variables["today"] = .string(CalendarDate(now, in: TimeZone(identifier: "UTC")!).description) }
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
            try startLoop(&instance, token, node, loop)
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
            case .timer(let spec): setWait(&instance, token.id, .timer(due: try due(spec, after: now, instance)))
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
            guard let start = Self.entry(definition.processes.flatMap(\.nodes).filter({ node2 in
                if case .startEvent = node2.kind { node2.scope == node.id } else { false }
            })) else { throw ProcessError.action("subprocess '\(node.id)' has no start event") }
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

    func task(_ instance: inout ProcessInstance, _ token: ProcessInstance.Token, _ node: FlowNode, _ kind: TaskKind, at now: Timestamp) throws(ProcessError) {
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

    func gateway(_ instance: inout ProcessInstance, _ token: ProcessInstance.Token, _ node: FlowNode, _ kind: GatewayKind, _ defaultFlow: String?, at now: Timestamp) throws(ProcessError) {
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

    func split(_ instance: inout ProcessInstance, _ token: Int, _ node: FlowNode, _ kind: GatewayKind, _ defaultFlow: String?, _ outgoing: [SequenceFlow], at now: Timestamp) throws(ProcessError) {
        switch kind {
        case .parallel:
            leave(&instance, token, via: outgoing)
        case .exclusive:
            for flow in outgoing where flow.id != defaultFlow {
                if try flow.condition?.evaluate(scope(instance, now)).isTruthy ?? true {
                    leave(&instance, token, via: [flow])
                    return
                }
            }
            guard let fallback = outgoing.first(where: { $0.id == defaultFlow }) else { throw ProcessError.noPath(gateway: node.id) }
            leave(&instance, token, via: [fallback])
        case .inclusive:
            var chosen: [SequenceFlow] = []
            for flow in outgoing where flow.id != defaultFlow {
                if try flow.condition?.evaluate(scope(instance, now)).isTruthy ?? true { chosen.append(flow) }
            }
            if chosen.isEmpty, let fallback = outgoing.first(where: { $0.id == defaultFlow }) { chosen = [fallback] }
            guard !chosen.isEmpty else { throw ProcessError.noPath(gateway: node.id) }
            leave(&instance, token, via: chosen)
        case .eventBased:
            setWait(&instance, token, .events)
            for flow in outgoing {
                if let target = nodes[flow.target], case .intermediateCatch(.timer(let spec)) = target.kind {
                    instance.boundaryTimers.append(.init(token: token, event: target.id, due: try due(spec, after: now, instance)))
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

    // MARK: Events

    /// Throws a result from a token: messages go to the outbox, signals to every token waiting for them, errors and
    /// escalations up to the nearest boundary that catches them.
    func emit(_ instance: inout ProcessInstance, _ result: EventResult, from token: ProcessInstance.Token) throws(ProcessError) {
        switch result {
        case .message(let name):
            instance.outbox.append(name)
        case .signal(let name):
            for waiting in instance.tokens where waiting.wait == .signal(name) {
                setWait(&instance, waiting.id, nil)
                leave(&instance, waiting.id)
            }
            for waiting in instance.tokens {
                if let event = waitingEvent(waiting, trigger: .signal(name)) { trigger(&instance, event: event, on: waiting.id) }
            }
        case .error(let code):
            guard try raise(&instance, .error(code), from: token, includingSelf: false) else {
                throw ProcessError.action("error '\(code ?? "")' is not caught by any boundary event")
            }
        case .escalation(let code):
            _ = try raise(&instance, .escalation(code), from: token, includingSelf: false)
        case .none, .terminate:
            break
        }
    }

    /// Finds the nearest activity around `token` (itself first when `includingSelf`) with a boundary catching
    /// `trigger`, and fires it; answers whether one caught it.
    func raise(_ instance: inout ProcessInstance, _ trigger: EventTrigger, from token: ProcessInstance.Token, includingSelf: Bool) throws(ProcessError) -> Bool {
        var candidate: ProcessInstance.Token? = includingSelf ? token : token.parent.flatMap { id in instance.tokens.first { $0.id == id } }
        while let current = candidate {
            for boundary in boundaries[current.node] ?? [] {
                guard case .boundary(let catches, _, _) = boundary.kind else { continue }
                let matches = switch (catches, trigger) {
                case (.error(nil), .error), (.escalation(nil), .escalation): true
                case (.error(let a?), .error(let b)): a == b
                case (.escalation(let a?), .escalation(let b)): a == b
                default: false
                }
                if matches {
                    self.trigger(&instance, event: boundary.id, on: current.id)
                    return true
                }
            }
            candidate = current.parent.flatMap { id in instance.tokens.first { $0.id == id } }
        }
        return false
    }

    /// An event happened for a waiting token: a boundary on its activity, or a catch event after its event-based
    /// gateway.
    func trigger(_ instance: inout ProcessInstance, event: String, on token: Int) {
        guard let node = nodes[event], let waiting = instance.tokens.first(where: { $0.id == token }) else { return }
        switch node.kind {
        case .boundary(_, _, let interrupting):
            if interrupting {
                for inner in descendants(instance, of: token) { instance.tokens.removeAll { $0.id == inner } }
                disarm(&instance, token: token)
                if let index = instance.tokens.firstIndex(where: { $0.id == token }) {
                    instance.trail.append(instance.tokens[index].node)
                    instance.tokens[index].node = event
                    instance.tokens[index].wait = nil
                }
            } else {
                spawn(&instance, at: event, parent: waiting.parent)
            }
        default:
            // The event-based gateway's token takes the path of the event that happened; the others are disarmed.
            instance.boundaryTimers.removeAll { $0.token == token }
            instance.trail.append(waiting.node)
            if let index = instance.tokens.firstIndex(where: { $0.id == token }) {
                instance.tokens[index].node = event
                instance.tokens[index].wait = nil
            }
            leave(&instance, token)
        }
    }

    /// The boundary or event-gateway target that `trigger` would fire for this token, if any.
    func waitingEvent(_ token: ProcessInstance.Token, trigger: EventTrigger) -> String? {
        switch token.wait {
        case .events?:
            return (flowsOut[token.node] ?? []).first { flow in
                if case .intermediateCatch(let catches) = nodes[flow.target]?.kind { catches == trigger } else { false }
            }?.target
        case .task?, .inside?, .service?:
            return (boundaries[token.node] ?? []).first { boundary in
                if case .boundary(let catches, _, _) = boundary.kind { catches == trigger } else { false }
            }?.id
        default:
            return nil
        }
    }

    /// Arms the boundary timers of an activity a token now waits at.
    func arm(_ instance: inout ProcessInstance, _ token: Int, _ node: FlowNode, at now: Timestamp) throws(ProcessError) {
        for boundary in boundaries[node.id] ?? [] {
            if case .boundary(.timer(let spec), _, _) = boundary.kind {
                instance.boundaryTimers.append(.init(token: token, event: boundary.id, due: try due(spec, after: now, instance)))
            }
        }
    }

    func disarm(_ instance: inout ProcessInstance, token: Int) {
        instance.boundaryTimers.removeAll { $0.token == token }
    }

    /// When a timer armed `now` falls due. Timer texts may be literal ("PT5M") or expressions giving one.
    func due(_ spec: TimerSpec, after now: Timestamp, _ instance: ProcessInstance) throws(ProcessError) -> Timestamp {
        func text(_ raw: String) throws(ProcessError) -> String {
            if (try? ISODuration(parsing: raw)) != nil || raw.hasPrefix("R") || raw.first?.isNumber == true { return raw }
            guard let expression = try? ProcessExpression.parse(raw), case .string(let value) = try expression.evaluate(instance.variables) else {
                throw ProcessError.expression("the timer '\(raw)' is neither a duration nor an expression giving one")
            }
            return value
        }
        let parsed: Result<Timestamp, ValidationError>
        switch spec {
        case .duration(let raw):
            let value = try text(raw)
            parsed = Result { () throws(ValidationError) in try ISODuration(parsing: value).after(now) }
        case .cycle(let raw):
            let value = try text(raw)
            parsed = Result { () throws(ValidationError) in try ISODuration.cycle(value).every.after(now) }
        case .date(let raw):
            let value = try text(raw)
            guard let date = try? Date(value, strategy: .iso8601) else {
                throw ProcessError.expression("'\(value)' is not an ISO 8601 date and time")
            }
            parsed = .success(Timestamp(date))
        }
        switch parsed {
        case .success(let due): return due
        case .failure(let error): throw ProcessError.expression(error.message)
        }
    }

    // MARK: Multi-instance

    func isLoopBody(_ instance: ProcessInstance, _ token: ProcessInstance.Token) -> Bool {
        guard let parent = token.parent, let host = instance.tokens.first(where: { $0.id == parent }) else { return false }
        return host.node == token.node && nodes[token.node]?.multiInstance != nil
    }

    func startLoop(_ instance: inout ProcessInstance, _ token: ProcessInstance.Token, _ node: FlowNode, _ loop: MultiInstance) throws(ProcessError) {
        let items: [ProcessValue]
        if let collection = loop.collection {
            guard case .list(let values) = try collection.evaluate(instance.variables) else { throw ProcessError.expression("the collection of '\(node.id)' is not a list") }
            items = values
        } else if let cardinality = loop.cardinality, case .number(let count) = try cardinality.evaluate(instance.variables) {
            items = (0..<max(0, Int(truncating: count as NSDecimalNumber))).map { ProcessValue($0) }
        } else {
            throw ProcessError.expression("the loop cardinality of '\(node.id)' is not a number")
        }
        guard !items.isEmpty else {
            leave(&instance, token.id)
            return
        }
        setWait(&instance, token.id, .inside)
        if let index = instance.tokens.firstIndex(where: { $0.id == token.id }) {
            instance.tokens[index].loop = .init(items: items, started: loop.isSequential ? 1 : items.count)
        }
        for index in 0..<(loop.isSequential ? 1 : items.count) { startBody(&instance, token.id, node, loop, index, items) }
    }

    func startBody(_ instance: inout ProcessInstance, _ host: Int, _ node: FlowNode, _ loop: MultiInstance, _ index: Int, _ items: [ProcessValue]) {
        instance.variables["loopCounter"] = ProcessValue(index + 1)
        if let name = loop.elementVariable { instance.variables[name] = items[index] }
        spawn(&instance, at: node.id, parent: host)
    }

    /// One pass of a loop body finished: the next pass starts (sequential), or the host goes on once all passes
    /// (or the completion condition) are done.
    func finishLoopBody(_ instance: inout ProcessInstance, _ token: ProcessInstance.Token) {
        guard let host = token.parent, let node = nodes[token.node], let loop = node.multiInstance else { return }
        instance.tokens.removeAll { $0.id == token.id }
        guard let hostIndex = instance.tokens.firstIndex(where: { $0.id == host }), let state = instance.tokens[hostIndex].loop else { return }
        let done = (try? loop.completionCondition?.evaluate(instance.variables).isTruthy) ?? false
        if loop.isSequential, state.started < state.items.count, done != true {
            instance.tokens[hostIndex].loop?.started += 1
            startBody(&instance, host, node, loop, state.started, state.items)
            return
        }
        if done == true { for other in descendants(instance, of: host) { instance.tokens.removeAll { $0.id == other } } }
        guard !instance.tokens.contains(where: { $0.parent == host }) else { return }
        disarm(&instance, token: host)
        setWait(&instance, host, nil)
        if let index = instance.tokens.firstIndex(where: { $0.id == host }) {
            instance.tokens[index].loop = nil
            let flows = flowsOut[node.id] ?? []
            instance.trail.append(node.id)
            guard let first = flows.first else {
                consume(&instance, host)
                return
            }
            instance.tokens[index].node = first.target
            instance.tokens[index].arrivedBy = first.id
            for flow in flows.dropFirst() { spawn(&instance, at: flow.target, parent: instance.tokens[index].parent, arrivedBy: flow.id) }
        }
    }
}
