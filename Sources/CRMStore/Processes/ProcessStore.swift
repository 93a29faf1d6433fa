public import CRMCore
public import Foundation
import SQLKit
import Synchronization

/// A deployed process: one version of one executable process of an uploaded BPMN file.
public struct ProcessDefinitionInfo: Sendable, Equatable, Codable {
    public let id: Int64
    public let key: String
    public let name: String
    public let version: Int
    public let createdAt: Timestamp
}

/// A process instance as the store keeps it: the engine's state plus where it came from.
public struct StoredProcessInstance: Sendable, Equatable {
    public let id: Int64
    public let definition: ProcessDefinitionInfo
    public let state: ProcessInstance
    public let steps: Int
}

/// Business processes kept durably: definitions are versioned and never changed, and every step of an
/// instance (its tokens, variables, timers and the effects it asks for) is written in one transaction, so a
/// killed server resumes each instance where it stopped and no step happens twice. Timers are fired by
/// `wakeDue`, which several nodes may call at once: on PostgreSQL each claims different instances
/// (`FOR UPDATE SKIP LOCKED`), on SQLite writes are serialised anyway.
public struct ProcessStore: Sendable {
    let database: Database
    let cache = DefinitionCache()

    /// What one step asked of the CRM: a service task's action or a thrown message.
    struct Effect: Sendable {
        let kind: String
        let node: String
        let action: String?
    }

    final class EffectLog: Sendable {
        let entries = Mutex<[Effect]>([])
    }

    /// Parsed definitions by id; a definition row never changes, so entries never go stale.
    final class DefinitionCache: Sendable {
        let entries = Mutex<[Int64: ProcessDefinition]>([:])
    }

    // MARK: Definitions

    /// Reads a BPMN file and adds a new version of each executable process in it. Admins only; a file the
    /// engine cannot run is refused whole with every problem.
    public func deploy(_ context: AccessContext, bpmn data: Data, at now: Timestamp = .now) async throws -> [ProcessDefinitionInfo] {
        guard context.isAdmin else { throw StoreError.forbidden("only admins deploy processes") }
        let definition: ProcessDefinition
        do throws(ValidationErrors) { definition = try BPMNReader.read(data) } catch { throw StoreError.invalid(error) }
        guard let text = String(data: data, encoding: .utf8) else {
            throw StoreError.invalid(ValidationErrors([ValidationError(code: "not_utf8", message: "the file is not UTF-8 text")]))
        }
        return try await database.write { db in
            var deployed: [ProcessDefinitionInfo] = []
            for process in definition.executable {
                let latest = try await db.raw("SELECT MAX(version) AS v FROM process_definitions WHERE process_key = \(bind: process.id)").first()?.decode(column: "v", as: Int?.self) ?? nil
                let version = (latest ?? 0) + 1
                let name = process.name.isEmpty ? process.id : process.name
                let row = try await db.raw("""
                    INSERT INTO process_definitions (process_key, name, version, bpmn, created_by, created_at)
                    VALUES (\(bind: process.id), \(bind: name), \(bind: version), \(bind: text), \(bind: context.userID?.rawValue), \(bind: now.rawValue))
                    RETURNING id
                    """).first()
                deployed.append(ProcessDefinitionInfo(id: try row!.decode(column: "id", as: Int64.self), key: process.id, name: name, version: version, createdAt: now))
                try await Self.schedule(db, process, at: now)
            }
            return deployed
        }
    }

    /// The latest version of every process.
    public func definitions() async throws -> [ProcessDefinitionInfo] {
        try await database.read { db in
            try await db.raw("""
                SELECT id, process_key, name, version, created_at FROM process_definitions d
                WHERE version = (SELECT MAX(version) FROM process_definitions o WHERE o.process_key = d.process_key)
                ORDER BY process_key
                """).all().map(Self.info)
        }
    }

    /// A deployed definition as the engine reads it, to draw or to describe.
    public func parsed(_ definitionID: Int64) async throws -> ProcessDefinition {
        try await database.read { db in try await self.engine(db, definitionID).0.definition }
    }

    /// The instances bound to a record, newest first, if the caller may see the record.
    public func instances(_ context: AccessContext, boundTo record: (type: RecordType, id: Int64)) async throws -> [(id: Int64, name: String, status: String, updatedAt: Timestamp)] {
        try await Self.checkVisible(database, context, record)
        return try await database.read { db in
            try await db.raw("""
                SELECT i.id, d.name, i.status, i.updated_at FROM process_instances i JOIN process_definitions d ON d.id = i.definition_id
                WHERE i.record_type = \(bind: record.type.rawValue) AND i.record_id = \(bind: record.id) ORDER BY i.id DESC LIMIT 50
                """).all().map {
                (try $0.decode(column: "id", as: Int64.self), try $0.decode(column: "name", as: String.self), try $0.decode(column: "status", as: String.self),
                 Timestamp(rawValue: try $0.decode(column: "updated_at", as: Int64.self)))
            }
        }
    }

    /// Recent instances the caller may see (admins and managers: all), newest first.
    public func recentInstances(_ context: AccessContext, limit: Int = 50) async throws -> [(id: Int64, name: String, status: String, updatedAt: Timestamp)] {
        let everything = context.isAdmin || context.role == .salesManager
        return try await database.read { db in
            let mine: SQLQueryString = everything ? "" : " AND (i.started_by = \(bind: context.userID?.rawValue ?? -1))"
            return try await db.raw("""
                SELECT i.id, d.name, i.status, i.updated_at FROM process_instances i JOIN process_definitions d ON d.id = i.definition_id
                WHERE 1 = 1\(mine) ORDER BY i.updated_at DESC, i.id DESC LIMIT \(bind: limit)
                """).all().map {
                (try $0.decode(column: "id", as: Int64.self), try $0.decode(column: "name", as: String.self), try $0.decode(column: "status", as: String.self),
                 Timestamp(rawValue: try $0.decode(column: "updated_at", as: Int64.self)))
            }
        }
    }

    // MARK: Instances

    /// Starts the latest version of `key` and runs it until it waits. `record` binds the instance to a deal,
    /// company or contact the caller may see; CRM actions of service tasks work on it.
    public func start(_ context: AccessContext, key: String, variables: [String: ProcessValue] = [:], record: (type: RecordType, id: Int64)? = nil, at now: Timestamp = .now) async throws -> StoredProcessInstance {
        if let record { try await Self.checkVisible(database, context, record) }
        return try await database.write { db in
            try await self.insertStart(db, key: key, variables: variables, record: record, campaign: nil, startedBy: context.userID, at: now)
        }
    }

    func insertStart(_ db: any SQLDatabase, key: String, variables: [String: ProcessValue], record: (type: RecordType, id: Int64)?, campaign: Int64?, startedBy: UserID?, at now: Timestamp) async throws -> StoredProcessInstance {
        guard let row = try await db.raw("""
            SELECT id, process_key, name, version, created_at, bpmn FROM process_definitions
            WHERE process_key = \(bind: key) ORDER BY version DESC LIMIT 1
            """).first() else { throw StoreError.notFound(.process) }
        let info = try Self.info(row)
        let (engine, effects) = try self.engine(info.id, bpmn: try row.decode(column: "bpmn", as: String.self))
        var variables = variables
        if let record { variables["\(record.type.rawValue)_id"] = ProcessValue(Int(record.id)) }
        let state: ProcessInstance
        do throws(ValidationError) { state = try engine.start(key, variables: variables, at: now) } catch {
            throw StoreError.invalid(ValidationErrors([error]))
        }
        let inserted = try await db.raw("""
            INSERT INTO process_instances (definition_id, status, state, next_timer_at, incident, steps, record_type, record_id, campaign_id, started_by, started_at, updated_at)
            VALUES (\(bind: info.id), \(bind: state.status.rawValue), \(bind: try Self.encode(state)), \(bind: state.nextTimer?.rawValue),
                    \(bind: state.incident), \(bind: 1), \(bind: record?.type.rawValue), \(bind: record?.id), \(bind: campaign), \(bind: startedBy?.rawValue), \(bind: now.rawValue), \(bind: now.rawValue))
            RETURNING id
            """).first()
        let id = try inserted!.decode(column: "id", as: Int64.self)
        try await Self.record(db, instance: id, step: 1, effects.entries.withLock { $0 } + Self.thrown(state, since: 0), at: now)
        try await Self.syncTasks(db, instance: id, state, engine.definition, at: now)
        try await Self.syncServices(db, instance: id, step: 1, state, engine.definition, at: now)
        return StoredProcessInstance(id: id, definition: info, state: state, steps: 1)
    }

    /// An instance, for admins and managers, the person who started it, and anyone it has a task for.
    public func instance(_ context: AccessContext, _ id: Int64) async throws -> StoredProcessInstance {
        try await database.read { db in
            let stored = try await self.load(db, id, lock: false)
            guard context.isAdmin || context.role == .salesManager else {
                let starter = try await db.raw("SELECT started_by FROM process_instances WHERE id = \(bind: id)").first()?.decode(column: "started_by", as: Int64?.self) ?? nil
                if let me = context.userID, starter == me.rawValue { return stored }
                let tasks = try await db.raw("SELECT assignee, candidate_groups FROM process_tasks WHERE instance_id = \(bind: id)").all()
                for task in tasks {
                    if (try? await Self.checkMayComplete(db, context, assignee: try task.decode(column: "assignee", as: String?.self), groups: try task.decode(column: "candidate_groups", as: String.self))) != nil {
                        return stored
                    }
                }
                throw StoreError.notFound(.process)
            }
            return stored
        }
    }

    /// An open user task, as inboxes list it.
    public struct OpenTask: Sendable, Equatable {
        public let instanceID: Int64
        public let token: Int
        public let node: String
        public let name: String
        public let assignee: String?
        public let candidateGroups: [String]
        public let processName: String
        public let dueAt: Timestamp?
        public let createdAt: Timestamp
    }

    /// The open tasks `context` may complete: all of them for admins; otherwise those assigned to them and
    /// those offered to their role or teams. Oldest first (the inbox sorts by due date itself).
    public func tasks(_ context: AccessContext, limit: Int = 200) async throws -> [OpenTask] {
        try await database.read { db in
            let rows = try await db.raw("""
                SELECT t.instance_id, t.token_id, t.node_id, t.name, t.assignee, t.candidate_groups, t.due_at, t.created_at, d.name AS process_name
                FROM process_tasks t JOIN process_instances i ON i.id = t.instance_id JOIN process_definitions d ON d.id = i.definition_id
                WHERE i.status = 'running' ORDER BY t.created_at, t.instance_id, t.token_id
                """).all()
            var result: [OpenTask] = []
            for row in rows where result.count < limit {
                let assignee = try row.decode(column: "assignee", as: String?.self)
                let groups = try row.decode(column: "candidate_groups", as: String.self)
                guard (try? await Self.checkMayComplete(db, context, assignee: assignee, groups: groups)) != nil else { continue }
                result.append(OpenTask(
                    instanceID: try row.decode(column: "instance_id", as: Int64.self), token: try row.decode(column: "token_id", as: Int.self),
                    node: try row.decode(column: "node_id", as: String.self), name: try row.decode(column: "name", as: String.self),
                    assignee: assignee, candidateGroups: groups.split(separator: ",").map(String.init),
                    processName: try row.decode(column: "process_name", as: String.self),
                    dueAt: try row.decode(column: "due_at", as: Int64?.self).map { Timestamp(rawValue: $0) },
                    createdAt: Timestamp(rawValue: try row.decode(column: "created_at", as: Int64.self))
                ))
            }
            return result
        }
    }

    /// Completes an open user task. Admins may complete any; others the tasks assigned to them (by e-mail or
    /// id) or offered to a group they are in (their role, or a team's name).
    public func complete(_ context: AccessContext, instance id: Int64, task token: Int, variables: [String: ProcessValue] = [:], at now: Timestamp = .now) async throws -> StoredProcessInstance {
        try await step(id, at: now) { db, stored, engine, state async throws in
            guard let task = try await db.raw("SELECT assignee, candidate_groups FROM process_tasks WHERE instance_id = \(bind: id) AND token_id = \(bind: token)").first() else {
                throw StoreError.notFound(.processTask)
            }
            try await Self.checkMayComplete(db, context, assignee: try task.decode(column: "assignee", as: String?.self), groups: try task.decode(column: "candidate_groups", as: String.self))
            do throws(ValidationError) { try engine.complete(&state, task: token, variables: variables, at: now) } catch {
                throw StoreError.invalid(ValidationErrors([error]))
            }
        }
    }

    /// Takes a task offered to a group the caller is in, so it leaves the others' inboxes and waits for them alone.
    public func claim(_ context: AccessContext, instance id: Int64, task token: Int) async throws {
        guard let me = context.userID else { throw StoreError.forbidden("only people claim tasks") }
        try await database.write { db in
            guard let task = try await db.raw("SELECT assignee, candidate_groups FROM process_tasks WHERE instance_id = \(bind: id) AND token_id = \(bind: token)").first() else {
                throw StoreError.notFound(.processTask)
            }
            let assignee = try task.decode(column: "assignee", as: String?.self)
            try await Self.checkMayComplete(db, context, assignee: assignee, groups: try task.decode(column: "candidate_groups", as: String.self))
            guard assignee == nil || assignee!.isEmpty || assignee == String(me.rawValue) else {
                throw StoreError.conflict(code: "already_claimed", message: "someone has already taken this task")
            }
            try await db.raw("UPDATE process_tasks SET assignee = \(bind: String(me.rawValue)) WHERE instance_id = \(bind: id) AND token_id = \(bind: token)").run()
        }
    }

    /// Delivers a message to an instance the caller may see; answers whether anything in it was waiting for it.
    public func deliver(_ context: AccessContext, instance id: Int64, message: String, variables: [String: ProcessValue] = [:], at now: Timestamp = .now) async throws -> Bool {
        _ = try await instance(context, id)
        let delivered = Mutex(false)
        _ = try await step(id, at: now) { _, _, engine, state throws in
            let taken = engine.deliver(&state, message: message, variables: variables, at: now)
            delivered.withLock { $0 = taken }
        }
        return delivered.withLock { $0 }
    }

    /// Goes on after an incident. Admins only.
    public func retry(_ context: AccessContext, instance id: Int64, at now: Timestamp = .now) async throws -> StoredProcessInstance {
        guard context.isAdmin else { throw StoreError.forbidden("only admins retry incidents") }
        return try await step(id, at: now) { db, _, engine, state async throws in
            // An action that failed for good gets a fresh set of attempts.
            try await db.raw("""
                UPDATE process_effects SET status = 'pending', attempts = 0, next_attempt_at = \(bind: now.rawValue), claimed_until = NULL
                WHERE instance_id = \(bind: id) AND status = 'failed'
                """).run()
            engine.retry(&state, at: now)
        }
    }

    /// Fires the timers due by `now` of up to `limit` instances, each in its own transaction; answers how many
    /// instances moved. Safe to call from every node at once.
    @discardableResult
    public func wakeDue(at now: Timestamp = .now, limit: Int = 100) async throws -> Int {
        let due = try await database.read { db in
            try await db.raw("""
                SELECT id FROM process_instances WHERE status = 'running' AND next_timer_at <= \(bind: now.rawValue)
                ORDER BY next_timer_at LIMIT \(bind: limit)
                """).all().map { try $0.decode(column: "id", as: Int64.self) }
        }
        var moved = 0
        for id in due {
            let woke = Mutex(false)
            _ = try await step(id, at: now, skipLocked: true) { _, _, engine, state throws in
                // Another node may have fired this timer between the read above and the lock.
                guard state.status == .running, let next = state.nextTimer, next <= now else { return }
                engine.wake(&state, at: now)
                woke.withLock { $0 = true }
            }
            if woke.withLock({ $0 }) { moved += 1 }
        }
        return moved
    }

    // MARK: Steps

    /// Loads an instance under a row lock, lets `change` move it, and writes the new state, its open tasks and
    /// the effects it asked for, all in one transaction.
    @discardableResult
    func step(
        _ id: Int64, at now: Timestamp, skipLocked: Bool = false,
        _ change: @escaping @Sendable (any SQLDatabase, StoredProcessInstance, ProcessEngine, inout ProcessInstance) async throws -> Void
    ) async throws -> StoredProcessInstance {
        try await database.write { db in
            let stored: StoredProcessInstance
            do {
                stored = try await self.load(db, id, lock: true, skipLocked: skipLocked)
            } catch StoreError.notFound(.process) where skipLocked {
                return try await self.load(db, id, lock: false)
            }
            let (engine, effects) = try await self.engine(db, stored.definition.id)
            var state = stored.state
            try await change(db, stored, engine, &state)
            guard state != stored.state else { return stored }
            let steps = stored.steps + 1
            try await db.raw("""
                UPDATE process_instances SET status = \(bind: state.status.rawValue), state = \(bind: try Self.encode(state)),
                    next_timer_at = \(bind: state.nextTimer?.rawValue), incident = \(bind: state.incident), steps = \(bind: steps), updated_at = \(bind: now.rawValue)
                WHERE id = \(bind: id)
                """).run()
            try await Self.record(db, instance: id, step: steps, effects.entries.withLock { $0 } + Self.thrown(state, since: stored.state.outbox.count), at: now)
            try await Self.syncTasks(db, instance: id, state, engine.definition, at: now)
            try await Self.syncServices(db, instance: id, step: steps, state, engine.definition, at: now)
            return StoredProcessInstance(id: id, definition: stored.definition, state: state, steps: steps)
        }
    }

    func load(_ db: any SQLDatabase, _ id: Int64, lock: Bool, skipLocked: Bool = false) async throws -> StoredProcessInstance {
        // SQLite's write transaction already excludes other writers; PostgreSQL needs the row lock.
        let locking = lock && database.engine == .postgres ? (skipLocked ? " FOR UPDATE OF i SKIP LOCKED" : " FOR UPDATE OF i") : ""
        guard let row = try await db.raw("""
            SELECT i.state, i.steps, d.id, d.process_key, d.name, d.version, d.created_at
            FROM process_instances i JOIN process_definitions d ON d.id = i.definition_id
            WHERE i.id = \(bind: id)\(unsafeRaw: locking)
            """).first() else { throw StoreError.notFound(.process) }
        let state = try JSONDecoder().decode(ProcessInstance.self, from: Data(try row.decode(column: "state", as: String.self).utf8))
        return StoredProcessInstance(id: id, definition: try Self.info(row), state: state, steps: try row.decode(column: "steps", as: Int.self))
    }

    /// An engine for a definition whose service tasks and thrown messages are written down as effects, to be
    /// carried out once each by the CRM's action runner.
    func engine(_ definitionID: Int64, bpmn: String) throws -> (ProcessEngine, EffectLog) {
        let definition: ProcessDefinition
        if let cached = cache.entries.withLock({ $0[definitionID] }) {
            definition = cached
        } else {
            do throws(ValidationErrors) { definition = try BPMNReader.read(Data(bpmn.utf8)) } catch { throw StoreError.invalid(error) }
            cache.entries.withLock { $0[definitionID] = definition }
        }
        let effects = EffectLog()
        // CRM actions go through the CRM's own transactions, so they run outside the step (`runEffects`); a
        // service task without an action only marks a step in the drawing and passes at once.
        let engine = ProcessEngine(definition: definition, defers: { action in !(action ?? "").isEmpty })
        return (engine, effects)
    }

    func engine(_ db: any SQLDatabase, _ definitionID: Int64) async throws -> (ProcessEngine, EffectLog) {
        if cache.entries.withLock({ $0[definitionID] }) != nil { return try engine(definitionID, bpmn: "") }
        guard let row = try await db.raw("SELECT bpmn FROM process_definitions WHERE id = \(bind: definitionID)").first() else { throw StoreError.notFound(.process) }
        return try engine(definitionID, bpmn: try row.decode(column: "bpmn", as: String.self))
    }

    /// Messages the step threw, for the host to deliver.
    static func thrown(_ state: ProcessInstance, since count: Int) -> [Effect] {
        state.outbox.dropFirst(count).map { Effect(kind: "message", node: "", action: $0) }
    }

    static func record(_ db: any SQLDatabase, instance: Int64, step: Int, _ effects: [Effect], at now: Timestamp) async throws {
        for (index, effect) in effects.enumerated() {
            try await db.raw("""
                INSERT INTO process_effects (instance_id, effect_key, kind, node_id, action, parameters, status, attempts, created_at, done_at)
                VALUES (\(bind: instance), \(bind: "\(instance)/\(step)/m\(index)"), \(bind: effect.kind), \(bind: effect.node), \(bind: effect.action), \(bind: "{}"),
                        \(bind: "logged"), \(bind: 0), \(bind: now.rawValue), \(bind: now.rawValue))
                """).run()
        }
    }

    /// Queues the action of every service task the instance newly waits at.
    static func syncServices(_ db: any SQLDatabase, instance: Int64, step: Int, _ state: ProcessInstance, _ definition: ProcessDefinition, at now: Timestamp) async throws {
        let waiting = state.pendingServices
        guard !waiting.isEmpty else { return }
        let queued = Set(try await db.raw("SELECT token_id FROM process_effects WHERE instance_id = \(bind: instance) AND kind = 'service' AND status IN ('pending', 'failed')").all()
            .map { try $0.decode(column: "token_id", as: Int.self) })
        let nodes = Dictionary(definition.processes.flatMap(\.nodes).map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        for token in waiting where !queued.contains(token.id) {
            guard case .task(.service(let action, let parameters))? = nodes[token.node]?.kind else { continue }
            let encoded = String(decoding: try JSONEncoder().encode(parameters), as: UTF8.self)
            try await db.raw("""
                INSERT INTO process_effects (instance_id, effect_key, kind, node_id, token_id, action, parameters, status, attempts, next_attempt_at, created_at)
                VALUES (\(bind: instance), \(bind: "\(instance)/\(step)/t\(token.id)"), \(bind: "service"), \(bind: token.node), \(bind: token.id), \(bind: action),
                        \(bind: encoded), \(bind: "pending"), \(bind: 0), \(bind: now.rawValue), \(bind: now.rawValue))
                """).run()
        }
    }

    /// How many times an action is tried before its instance stops at an incident.
    public static let maxAttempts = 5

    /// Runs due service actions: each is claimed by one caller, run, and its result stepped into the instance;
    /// a failure is retried after 1, 2, 4 … seconds and after `maxAttempts` becomes an incident. Answers how
    /// many actions ran.
    @discardableResult
    public func runEffects(at now: Timestamp = .now, limit: Int = 50) async throws -> Int {
        let candidates = try await database.read { db in
            try await db.raw("""
                SELECT id FROM process_effects WHERE status = 'pending' AND next_attempt_at <= \(bind: now.rawValue)
                AND (claimed_until IS NULL OR claimed_until < \(bind: now.rawValue)) ORDER BY next_attempt_at LIMIT \(bind: limit)
                """).all().map { try $0.decode(column: "id", as: Int64.self) }
        }
        var ran = 0
        for effect in candidates {
            // The claim is its own short transaction: whoever updates the row first runs the action.
            let claimed = try await database.write { db in
                try await db.raw("""
                    UPDATE process_effects SET claimed_until = \(bind: now.rawValue + 60_000)
                    WHERE id = \(bind: effect) AND status = 'pending' AND (claimed_until IS NULL OR claimed_until < \(bind: now.rawValue))
                    RETURNING instance_id, effect_key, token_id, action, parameters, attempts
                    """).first()
            }
            guard let claimed else { continue }
            let instance = try claimed.decode(column: "instance_id", as: Int64.self)
            let key = try claimed.decode(column: "effect_key", as: String.self)
            let token = try claimed.decode(column: "token_id", as: Int.self)
            let action = try claimed.decode(column: "action", as: String?.self)
            let parameters = try JSONDecoder().decode([String: String].self, from: Data(try claimed.decode(column: "parameters", as: String.self).utf8))
            let attempts = try claimed.decode(column: "attempts", as: Int.self) + 1
            let record = try await database.read { db in
                try await db.raw("SELECT record_type, record_id FROM process_instances WHERE id = \(bind: instance)").first()
            }
            let bound: (type: RecordType, id: Int64)? = try {
                guard let record, let type = try record.decode(column: "record_type", as: String?.self).flatMap(RecordType.init(rawValue:)),
                      let id = try record.decode(column: "record_id", as: Int64?.self) else { return nil }
                return (type, id)
            }()
            let outcome: Result<[String: ProcessValue], ProcessEngine.ServiceFailure>
            do throws(ProcessEngine.ServiceFailure) {
                outcome = .success(try await ProcessActions(database: database).perform(action, parameters: parameters, record: bound, key: key))
            } catch {
                outcome = .failure(error)
            }
            ran += 1
            switch outcome {
            case .success(let variables):
                try await step(instance, at: now) { db, _, engine, state async throws in
                    try await db.raw("UPDATE process_effects SET status = 'done', attempts = \(bind: attempts), done_at = \(bind: now.rawValue), last_error = NULL WHERE id = \(bind: effect)").run()
                    do throws(ValidationError) { try engine.completeService(&state, token: token, variables: variables, at: now) } catch {
                        // The instance moved on without this action (a boundary fired, an admin ended it).
                    }
                }
            case .failure(let failure):
                let message = switch failure {
                case .failure(let text): text
                case .bpmnError(let code): "error \(code)"
                }
                let final = attempts >= Self.maxAttempts || { if case .bpmnError = failure { true } else { false } }()
                try await step(instance, at: now) { db, _, engine, state async throws in
                    try await db.raw("""
                        UPDATE process_effects SET status = \(bind: final ? "failed" : "pending"), attempts = \(bind: attempts), claimed_until = NULL,
                            next_attempt_at = \(bind: now.rawValue + 1_000 * (1 << min(attempts - 1, 16))), last_error = \(bind: message)
                        WHERE id = \(bind: effect)
                        """).run()
                    if final { engine.failService(&state, token: token, failure, at: now) }
                }
            }
        }
        return ran
    }

    static func checkVisible(_ database: Database, _ context: AccessContext, _ record: (type: RecordType, id: Int64)) async throws {
        switch record.type {
        case .deal: _ = try await RecordStore<DealFields>(database: database).get(context, record.id)
        case .company: _ = try await RecordStore<CompanyFields>(database: database).get(context, record.id)
        case .contact: _ = try await RecordStore<ContactFields>(database: database).get(context, record.id)
        default:
            throw StoreError.invalid(ValidationErrors([ValidationError(field: "record", code: "invalid_record_type", message: "processes bind to a deal, a company or a contact")]))
        }
    }

    /// Rewrites the instance's open tasks from its state: the inbox is always what the engine says.
    static func syncTasks(_ db: any SQLDatabase, instance: Int64, _ state: ProcessInstance, _ definition: ProcessDefinition, at now: Timestamp) async throws {
        let open = state.openTasks
        let known = try await db.raw("SELECT token_id FROM process_tasks WHERE instance_id = \(bind: instance)").all().map { try $0.decode(column: "token_id", as: Int.self) }
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
                assignee = spec.assignee
                groups = spec.candidateGroups
                due = spec.dueDate.flatMap { Self.due($0, after: now, variables: state.variables) }
            }
            try await db.raw("""
                INSERT INTO process_tasks (instance_id, token_id, node_id, name, assignee, candidate_groups, due_at, created_at)
                VALUES (\(bind: instance), \(bind: token.id), \(bind: token.node), \(bind: node?.name.isEmpty == false ? node!.name : token.node),
                        \(bind: assignee), \(bind: groups.joined(separator: ",")), \(bind: due?.rawValue), \(bind: now.rawValue))
                """).run()
        }
    }

    /// A user task's due date as modelers write it: a duration from now (`P2D`, `PT4H`), a date and time, or
    /// an expression giving either (`${dueDate}`); nil when it is none of these.
    static func due(_ text: String, after now: Timestamp, variables: [String: ProcessValue]) -> Timestamp? {
        var value = text
        if text.hasPrefix("${") || text.hasPrefix("#{") || text.hasPrefix("="),
           case .string(let computed)? = try? ProcessExpression.parse(text).evaluate(variables) {
            value = computed
        }
        if let duration = try? ISODuration(parsing: value) { return duration.after(now) }
        if let date = try? Date(value, strategy: .iso8601) { return Timestamp(date) }
        if value.count == 10, let day = try? CalendarDate(parsing: value) { return day.start(in: TimeZone(identifier: "UTC")!) }
        return nil
    }

    static func checkMayComplete(_ db: any SQLDatabase, _ context: AccessContext, assignee: String?, groups: String) async throws {
        guard !context.isAdmin else { return }
        guard let me = context.userID else { throw StoreError.forbidden("only people complete tasks") }
        let user = try await UserStore.fetch(db, me)
        if let assignee, !assignee.isEmpty {
            guard assignee == String(me.rawValue) || assignee.lowercased() == user.email.description.lowercased() else {
                throw StoreError.forbidden("the task is assigned to someone else")
            }
            return
        }
        let offered = Set(groups.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).lowercased() })
        guard !offered.isEmpty else { return }
        var mine: Set<String> = [user.role.rawValue]
        let teams = try await db.raw("SELECT t.name FROM teams t JOIN team_members m ON m.team_id = t.id WHERE m.user_id = \(bind: me.rawValue)").all()
        for team in teams { mine.insert(try team.decode(column: "name", as: String.self).lowercased()) }
        guard !offered.isDisjoint(with: mine) else { throw StoreError.forbidden("the task is offered to \(groups), which you are not in") }
    }

    static func info(_ row: any SQLRow) throws -> ProcessDefinitionInfo {
        ProcessDefinitionInfo(
            id: try row.decode(column: "id", as: Int64.self), key: try row.decode(column: "process_key", as: String.self),
            name: try row.decode(column: "name", as: String.self), version: try row.decode(column: "version", as: Int.self),
            createdAt: Timestamp(rawValue: try row.decode(column: "created_at", as: Int64.self))
        )
    }

    static func encode(_ state: ProcessInstance) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return String(decoding: try encoder.encode(state), as: UTF8.self)
    }
}
