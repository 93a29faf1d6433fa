import Foundation

/// Throwing and catching: messages, signals, errors, escalations, boundary events and the timers that arm them.
extension ProcessEngine {
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
    func raise(
        _ instance: inout ProcessInstance,
        _ trigger: EventTrigger,
        from token: ProcessInstance.Token,
        includingSelf: Bool
    ) throws(ProcessError) -> Bool {
        var candidate: ProcessInstance.Token? = includingSelf ? token : token.parent.flatMap { id in instance.tokens.first { $0.id == id } }
        while let current = candidate {
            for boundary in boundaries[current.node] ?? [] {
                guard case .boundary(let catches, _, _) = boundary.kind else { continue }
                let matches =
                    switch (catches, trigger) {
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
                instance.boundaryTimers.append(.init(token: token, event: boundary.id, due: try due(spec, after: now, instance, token)))
            }
        }
    }

    func disarm(_ instance: inout ProcessInstance, token: Int) {
        instance.boundaryTimers.removeAll { $0.token == token }
    }

    /// When a timer armed `now` falls due. Timer texts may be literal ("PT5M") or expressions giving one.
    func due(_ spec: TimerSpec, after now: Timestamp, _ instance: ProcessInstance, _ token: Int) throws(ProcessError) -> Timestamp {
        func text(_ raw: String) throws(ProcessError) -> String {
            if (try? ISODuration(parsing: raw)) != nil || raw.hasPrefix("R") || raw.first?.isNumber == true { return raw }
            guard let expression = try? ProcessExpression.parse(raw),
                case .string(let value) = try expression.evaluate(scope(instance, token: instance.tokens.first { $0.id == token }, now))
            else {
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
}
