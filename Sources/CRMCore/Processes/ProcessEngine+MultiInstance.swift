import Foundation

/// Activities run once per item of a collection or a number of times, in parallel or in sequence.
extension ProcessEngine {
    func isLoopBody(_ instance: ProcessInstance, _ token: ProcessInstance.Token) -> Bool {
        guard let parent = token.parent, let host = instance.tokens.first(where: { $0.id == parent }) else { return false }
        return host.node == token.node && nodes[token.node]?.multiInstance != nil
    }

    func startLoop(
        _ instance: inout ProcessInstance,
        _ token: ProcessInstance.Token,
        _ node: FlowNode,
        _ loop: MultiInstance,
        at now: Timestamp
    ) throws(ProcessError) {
        let scope = scope(instance, token: token, now)
        let items: [ProcessValue]
        if let collection = loop.collection {
            guard case .list(let values) = try collection.evaluate(scope) else {
                throw ProcessError.expression("the collection of '\(node.id)' is not a list")
            }
            items = values
        } else if let cardinality = loop.cardinality, case .number(let count) = try cardinality.evaluate(scope) {
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
        var locals = ["loopCounter": ProcessValue(index + 1)]
        if let name = loop.elementVariable { locals[name] = items[index] }
        // Sequential passes also leave them in the instance, where modelers of one-at-a-time loops read them;
        // parallel passes each keep their own, so every task of a loop over a team gets its own member.
        if loop.isSequential { instance.variables.merge(locals) { _, new in new } }
        let body = spawn(&instance, at: node.id, parent: host)
        if let index = instance.tokens.firstIndex(where: { $0.id == body }) { instance.tokens[index].locals = locals }
    }

    /// One pass of a loop body finished: the next pass starts (sequential), or the host goes on once all passes
    /// (or the completion condition) are done.
    func finishLoopBody(_ instance: inout ProcessInstance, _ token: ProcessInstance.Token) {
        guard let host = token.parent, let node = nodes[token.node], let loop = node.multiInstance else { return }
        instance.tokens.removeAll { $0.id == token.id }
        guard let hostIndex = instance.tokens.firstIndex(where: { $0.id == host }), let state = instance.tokens[hostIndex].loop else { return }
        let done = (try? loop.completionCondition?.evaluate(scope(instance, token: token, nil)).isTruthy) ?? false
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
