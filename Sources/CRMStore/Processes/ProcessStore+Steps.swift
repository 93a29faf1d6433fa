import CRMCore
import Foundation
import SQLKit
import Synchronization

extension ProcessStore {
    /// Loads an instance under a row lock, lets `change` move it, and writes the new state, its open tasks and
    /// the effects it asked for, all in one transaction.
    @discardableResult
    func step(
        _ id: Int64,
        at now: Timestamp,
        skipLocked: Bool = false,
        _ change: @escaping @Sendable (any SQLDatabase, StoredProcessInstance, ProcessEngine, inout ProcessInstance) async throws -> Void
    ) async throws -> StoredProcessInstance {
        try await database.write { db in
            let stored: StoredProcessInstance
            do {
                stored = try await self.load(db, id, lock: true, skipLocked: skipLocked)
            } catch StoreError.notFound(.process) where skipLocked {
                return try await self.load(db, id, lock: false)
            }
            var engine = try await self.engine(db, stored.definition.id)
            engine.environment = try await self.environment(stored.definition.id).values(db, record: stored.record)
            var state = stored.state
            try await change(db, stored, engine, &state)
            guard state != stored.state else { return stored }
            let steps = stored.steps + 1
            try await db.raw(
                """
                UPDATE process_instances SET status = \(bind: state.status.rawValue), state = \(bind: try Self.encode(state)),
                    next_timer_at = \(bind: state.nextTimer?.rawValue), incident = \(bind: state.incident), steps = \(bind: steps), updated_at = \(bind: now.rawValue)
                WHERE id = \(bind: id)
                """
            ).run()
            try await Self.recordMessages(db, instance: id, step: steps, state, since: stored.state.outbox.count, at: now)
            try await Self.syncTasks(db, instance: id, state, engine, at: now)
            try await Self.syncServices(db, instance: id, step: steps, state, engine.definition, at: now)
            return StoredProcessInstance(id: id, definition: stored.definition, state: state, steps: steps, record: stored.record)
        }
    }

    func load(_ db: any SQLDatabase, _ id: Int64, lock: Bool, skipLocked: Bool = false) async throws -> StoredProcessInstance {
        // SQLite's write transaction already excludes other writers; PostgreSQL needs the row lock.
        let locking = lock && database.engine == .postgres ? (skipLocked ? " FOR UPDATE OF i SKIP LOCKED" : " FOR UPDATE OF i") : ""
        guard
            let row = try await db.raw(
                """
                SELECT i.state, i.steps, i.record_type, i.record_id, d.id, d.process_key, d.name, d.version, d.created_at, d.record_type AS bound_type
                FROM process_instances i JOIN process_definitions d ON d.id = i.definition_id
                WHERE i.id = \(bind: id)\(unsafeRaw: locking)
                """
            ).first()
        else { throw StoreError.notFound(.process) }
        let state = try JSONDecoder().decode(ProcessInstance.self, from: Data(try row.decode(column: "state", as: String.self).utf8))
        let record: (type: RecordType, id: Int64)? = try {
            guard let type = try row.decode(column: "record_type", as: String?.self).flatMap(RecordType.init(rawValue:)),
                let id = try row.decode(column: "record_id", as: Int64?.self)
            else { return nil }
            return (type, id)
        }()
        return StoredProcessInstance(
            id: id,
            definition: try Self.info(row),
            state: state,
            steps: try row.decode(column: "steps", as: Int.self),
            record: record
        )
    }

    /// An engine for a definition, parsed once per node.
    func engine(_ definitionID: Int64, bpmn: String) throws -> ProcessEngine {
        let definition: ProcessDefinition
        if let cached = cache.entries.withLock({ $0[definitionID] }) {
            definition = cached.definition
        } else {
            do throws(ValidationErrors) { definition = try BPMNReader.read(Data(bpmn.utf8)) } catch { throw StoreError.invalid(error) }
            cache.entries.withLock { $0[definitionID] = (definition, ProcessEnvironment(bpmn: bpmn)) }
        }
        // CRM actions go through the CRM's own transactions, so they run outside the step (`runEffects`); a
        // service task without an action only marks a step in the drawing and passes at once.
        return ProcessEngine(definition: definition, defers: { action in !(action ?? "").isEmpty })
    }

    func engine(_ db: any SQLDatabase, _ definitionID: Int64) async throws -> ProcessEngine {
        if cache.entries.withLock({ $0[definitionID] }) != nil { return try engine(definitionID, bpmn: "") }
        guard let row = try await db.raw("SELECT bpmn FROM process_definitions WHERE id = \(bind: definitionID)").first() else {
            throw StoreError.notFound(.process)
        }
        return try engine(definitionID, bpmn: try row.decode(column: "bpmn", as: String.self))
    }

    /// What the definition's expressions read besides variables; known once `engine` has read it.
    func environment(_ definitionID: Int64) -> ProcessEnvironment {
        cache.entries.withLock { $0[definitionID]?.environment } ?? ProcessEnvironment(bpmn: "")
    }

    /// Logs the messages a step threw (send tasks, throw events) as done effects, for the host to deliver.
    static func recordMessages(
        _ db: any SQLDatabase,
        instance: Int64,
        step: Int,
        _ state: ProcessInstance,
        since count: Int,
        at now: Timestamp
    ) async throws {
        for (index, message) in state.outbox.dropFirst(count).enumerated() {
            try await db.raw(
                """
                INSERT INTO process_effects (instance_id, effect_key, kind, node_id, action, parameters, status, attempts, created_at, done_at)
                VALUES (\(bind: instance), \(bind: "\(instance)/\(step)/m\(index)"), \(bind: "message"), \(bind: ""), \(bind: message), \(bind: "{}"),
                        \(bind: "logged"), \(bind: 0), \(bind: now.rawValue), \(bind: now.rawValue))
                """
            ).run()
        }
    }

    /// An assignee as written (an id or e-mail), or what an expression such as `${reviewer}` gives at the task;
    /// an expression that cannot be read stays as written, so only an admin can take the task.
    static func person(_ written: String, _ scope: [String: ProcessValue]) -> String {
        let text = written.trimmingCharacters(in: .whitespaces)
        guard text.hasPrefix("${") || text.hasPrefix("#{") || text.hasPrefix("="), let expression = try? ProcessExpression.parse(text) else {
            return text
        }
        switch try? expression.evaluate(scope) {
        case .string(let value)?: return value
        case .number(let value)?: return "\(value)"
        case .object(let fields)?: if case .string(let email)? = fields["email"] { return email } else { return text }
        default: return text
        }
    }

    /// Rewrites the instance's open tasks from its state: the inbox is always what the engine says.
    static func syncTasks(_ db: any SQLDatabase, instance: Int64, _ state: ProcessInstance, _ engine: ProcessEngine, at now: Timestamp) async throws {
        let definition = engine.definition
        let open = state.openTasks
        let known = try await db.raw("SELECT token_id FROM process_tasks WHERE instance_id = \(bind: instance)").all().map {
            try $0.decode(column: "token_id", as: Int.self)
        }
        let gone = Set(known).subtracting(open.map(\.id))
        if !gone.isEmpty {
            try await db.raw("DELETE FROM process_tasks WHERE instance_id = \(bind: instance) AND token_id IN (\(binds: gone.sorted()))").run()
        }
        let nodes = Dictionary(definition.processes.flatMap(\.nodes).map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        for token in open where !known.contains(token.id) {
            let node = nodes[token.node]
            var assignee: String?
            var groups: [String] = []
            var due: Timestamp?
            if case .task(.user(let spec))? = node?.kind {
                let scope = engine.scope(state, token: token, now)
                assignee = spec.assignee.map { Self.person($0, scope) }
                groups = spec.candidateGroups
                due = spec.dueDate.flatMap { Self.due($0, after: now, variables: scope) }
            }
            try await db.raw(
                """
                INSERT INTO process_tasks (instance_id, token_id, node_id, name, assignee, candidate_groups, due_at, created_at)
                VALUES (\(bind: instance), \(bind: token.id), \(bind: token.node), \(bind: node?.name.isEmpty == false ? node!.name : token.node),
                        \(bind: assignee), \(bind: groups.joined(separator: ",")), \(bind: due?.rawValue), \(bind: now.rawValue))
                """
            ).run()
        }
    }
}
