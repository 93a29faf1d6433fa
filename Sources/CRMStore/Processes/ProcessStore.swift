public import CRMCore
public import Foundation
import SQLKit
import Synchronization

/// Business processes kept durably: definitions are versioned and never changed, and every step of an
/// instance (its tokens, variables, timers and the effects it asks for) is written in one transaction, so a
/// killed server resumes each instance where it stopped and no step happens twice. Timers are fired by
/// `wakeDue`, which several nodes may call at once: on PostgreSQL each claims different instances
/// (`FOR UPDATE SKIP LOCKED`), on SQLite writes are serialised anyway.
public struct ProcessStore: Sendable {
    let database: Database
    let cache = DefinitionCache()

    /// Parsed definitions by id; a definition row never changes, so entries never go stale.
    final class DefinitionCache: Sendable {
        let entries = Mutex<[Int64: (definition: ProcessDefinition, environment: ProcessEnvironment)]>([:])
    }

    // MARK: Definitions

    /// Reads a BPMN file and adds a new version of each executable process in it. Admins only; a file the
    /// engine cannot run is refused whole with every problem.
    public func deploy(
        _ context: AccessContext,
        bpmn data: Data,
        binding: ProcessBinding = .unchanged,
        at now: Timestamp = .now
    ) async throws -> [ProcessDefinitionInfo] {
        try context.require(.manageProcesses)
        if case .record(let type) = binding, !ProcessTriggers.boundTypes.contains(type) {
            throw StoreError.invalid(
                ValidationErrors([
                    ValidationError(
                        field: "record_type",
                        code: "invalid_record_type",
                        message: "processes work on a deal, a company, a contact or a lead"
                    )
                ])
            )
        }
        let definition: ProcessDefinition
        do throws(ValidationErrors) { definition = try BPMNReader.read(data) } catch { throw StoreError.invalid(error) }
        guard let text = String(data: data, encoding: .utf8) else {
            throw StoreError.invalid(ValidationErrors([ValidationError(code: "not_utf8", message: "the file is not UTF-8 text")]))
        }
        return try await database.write { db in
            var deployed: [ProcessDefinitionInfo] = []
            for process in definition.executable {
                let latest = try await db.raw(
                    """
                    SELECT version, record_type FROM process_definitions WHERE process_key = \(bind: process.id) ORDER BY version DESC LIMIT 1
                    """
                ).first()
                let version = (try latest?.decode(column: "version", as: Int.self) ?? 0) + 1
                let recordType: RecordType? =
                    switch binding {
                    case .unchanged: try latest?.decode(column: "record_type", as: String?.self).flatMap(RecordType.init(rawValue:))
                    case .none: nil
                    case .record(let type): type
                    }
                let name = process.name.isEmpty ? process.id : process.name
                let row = try await db.raw(
                    """
                    INSERT INTO process_definitions (process_key, name, version, bpmn, record_type, created_by, created_at)
                    VALUES (\(bind: process.id), \(bind: name), \(bind: version), \(bind: text), \(bind: recordType?.rawValue), \(bind: context.userID?.rawValue), \(bind: now.rawValue))
                    RETURNING id
                    """
                ).first()
                deployed.append(
                    ProcessDefinitionInfo(
                        id: try row!.decode(column: "id", as: Int64.self),
                        key: process.id,
                        name: name,
                        version: version,
                        createdAt: now,
                        recordType: recordType
                    )
                )
                try await Self.schedule(db, process, at: now)
            }
            return deployed
        }
    }

    /// The latest version of every process.
    public func definitions() async throws -> [ProcessDefinitionInfo] {
        try await database.read { db in
            try await db.raw(
                """
                SELECT id, process_key, name, version, created_at, record_type AS bound_type FROM process_definitions d
                WHERE version = (SELECT MAX(version) FROM process_definitions o WHERE o.process_key = d.process_key)
                ORDER BY process_key
                """
            ).all().map(Self.info)
        }
    }

    /// A deployed definition as the engine reads it, to draw or to describe.
    public func parsed(_ definitionID: Int64) async throws -> ProcessDefinition {
        try await database.read { db in try await self.engine(db, definitionID).definition }
    }

    /// The instances bound to a record, newest first, if the caller may see the record.
    public func instances(
        _ context: AccessContext,
        boundTo record: (type: RecordType, id: Int64)
    ) async throws -> [(id: Int64, name: String, status: String, updatedAt: Timestamp)] {
        try await Self.checkVisible(database, context, record)
        return try await database.read { db in
            try await db.raw(
                """
                SELECT i.id, d.name, i.status, i.updated_at FROM process_instances i JOIN process_definitions d ON d.id = i.definition_id
                WHERE i.record_type = \(bind: record.type.rawValue) AND i.record_id = \(bind: record.id) ORDER BY i.id DESC LIMIT 50
                """
            ).all().map {
                (
                    try $0.decode(column: "id", as: Int64.self), try $0.decode(column: "name", as: String.self),
                    try $0.decode(column: "status", as: String.self),
                    Timestamp(rawValue: try $0.decode(column: "updated_at", as: Int64.self))
                )
            }
        }
    }

    /// An instance as the monitoring list shows it: where it waits and since when.
    public struct InstanceSummary: Sendable, Equatable {
        public let id: Int64
        public let process: String
        public let name: String
        public let status: ProcessInstance.Status
        /// The names of the steps its tokens wait at (tasks, timers, messages, joins).
        public let waitingAt: [String]
        /// When it last moved: how long it has waited.
        public let since: Timestamp
    }

    /// Recent instances the caller may see (`ProcessVisibility`), newest first, of one process or of all.
    public func recentInstances(_ context: AccessContext, process key: String? = nil, limit: Int = 50) async throws -> [InstanceSummary] {
        try await database.read { db in
            let visible = try await ProcessVisibility.load(db, context)
            let only: SQLQueryString = key.map { " AND d.process_key = \(bind: $0)" } ?? ""
            var summaries: [InstanceSummary] = []
            for row in try await db.raw(
                """
                SELECT i.id, i.definition_id, i.state, d.process_key, d.name, i.updated_at FROM process_instances i JOIN process_definitions d ON d.id = i.definition_id
                WHERE \(visible.sql)\(only) ORDER BY i.updated_at DESC, i.id DESC LIMIT \(bind: limit)
                """
            ).all() {
                let state = try JSONDecoder().decode(ProcessInstance.self, from: Data(try row.decode(column: "state", as: String.self).utf8))
                let nodes = try await self.engine(db, try row.decode(column: "definition_id", as: Int64.self)).definition.processes.flatMap(\.nodes)
                let waiting = state.tokens.filter { $0.wait != nil && $0.wait != .inside }.map { token in
                    nodes.first { $0.id == token.node }.map { $0.name.isEmpty ? $0.id : $0.name } ?? token.node
                }
                summaries.append(
                    InstanceSummary(
                        id: try row.decode(column: "id", as: Int64.self),
                        process: try row.decode(column: "process_key", as: String.self),
                        name: try row.decode(column: "name", as: String.self),
                        status: state.status,
                        waitingAt: waiting,
                        since: Timestamp(rawValue: try row.decode(column: "updated_at", as: Int64.self))
                    )
                )
            }
            return summaries
        }
    }

    // MARK: Instances

    /// Starts the latest version of `key` and runs it until it waits. `record` binds the instance to a deal,
    /// company or contact the caller may see; CRM actions of service tasks work on it.
    public func start(
        _ context: AccessContext,
        key: String,
        variables: [String: ProcessValue] = [:],
        record: (type: RecordType, id: Int64)? = nil,
        at now: Timestamp = .now
    ) async throws -> StoredProcessInstance {
        if let record { try await Self.checkVisible(database, context, record) }
        return try await database.write { db in
            try await self.insertStart(db, key: key, variables: variables, record: record, campaign: nil, startedBy: context.userID, at: now)
        }
    }

    func insertStart(
        _ db: any SQLDatabase,
        key: String,
        variables: [String: ProcessValue],
        record: (type: RecordType, id: Int64)?,
        campaign: Int64?,
        startedBy: UserID?,
        at now: Timestamp
    ) async throws -> StoredProcessInstance {
        guard
            let row = try await db.raw(
                """
                SELECT id, process_key, name, version, created_at, record_type AS bound_type, bpmn FROM process_definitions
                WHERE process_key = \(bind: key) ORDER BY version DESC LIMIT 1
                """
            ).first()
        else { throw StoreError.notFound(.process) }
        let info = try Self.info(row)
        do throws(ValidationError) { try info.check(binding: record) } catch { throw StoreError.invalid(ValidationErrors([error])) }
        var engine = try self.engine(info.id, bpmn: try row.decode(column: "bpmn", as: String.self))
        engine.environment = try await environment(info.id).values(db, record: record)
        var variables = variables
        if let record { variables["\(record.type.rawValue)_id"] = ProcessValue(Int(record.id)) }
        let state: ProcessInstance
        do throws(ValidationError) { state = try engine.start(key, variables: variables, at: now) } catch {
            throw StoreError.invalid(ValidationErrors([error]))
        }
        let inserted = try await db.raw(
            """
            INSERT INTO process_instances (definition_id, status, state, next_timer_at, incident, steps, record_type, record_id, campaign_id, started_by, started_at, updated_at)
            VALUES (\(bind: info.id), \(bind: state.status.rawValue), \(bind: try Self.encode(state)), \(bind: state.nextTimer?.rawValue),
                    \(bind: state.incident), \(bind: 1), \(bind: record?.type.rawValue), \(bind: record?.id), \(bind: campaign), \(bind: startedBy?.rawValue), \(bind: now.rawValue), \(bind: now.rawValue))
            RETURNING id
            """
        ).first()
        let id = try inserted!.decode(column: "id", as: Int64.self)
        try await Self.recordMessages(db, instance: id, step: 1, state, since: 0, at: now)
        try await Self.syncTasks(db, instance: id, state, engine, at: now)
        try await Self.syncServices(db, instance: id, step: 1, state, engine.definition, at: now)
        return StoredProcessInstance(id: id, definition: info, state: state, steps: 1, record: record)
    }

    /// An instance the caller may see (`ProcessVisibility`); one they may not is not found, as a record is not.
    public func instance(_ context: AccessContext, _ id: Int64) async throws -> StoredProcessInstance {
        try await database.read { db in
            let visible = try await ProcessVisibility.load(db, context)
            guard try await db.raw("SELECT 1 AS one FROM process_instances i WHERE i.id = \(bind: id) AND \(visible.sql)").first() != nil else {
                throw StoreError.notFound(.process)
            }
            return try await self.load(db, id, lock: false)
        }
    }

    /// Delivers a message to an instance the caller may see; answers whether anything in it was waiting for it.
    public func deliver(
        _ context: AccessContext,
        instance id: Int64,
        message: String,
        variables: [String: ProcessValue] = [:],
        at now: Timestamp = .now
    ) async throws -> Bool {
        _ = try await instance(context, id)
        let delivered = Mutex(false)
        _ = try await step(id, at: now) { _, _, engine, state throws in
            let taken = engine.deliver(&state, message: message, variables: variables, at: now)
            delivered.withLock { $0 = taken }
        }
        return delivered.withLock { $0 }
    }

    /// Goes on after an incident. Admins only; an instance the caller may not see is not found.
    public func retry(_ context: AccessContext, instance id: Int64, at now: Timestamp = .now) async throws -> StoredProcessInstance {
        _ = try await instance(context, id)
        try context.require(.manageProcesses)
        return try await step(id, at: now) { db, _, engine, state async throws in
            // An action that failed for good gets a fresh set of attempts.
            try await db.raw(
                """
                UPDATE process_effects SET status = 'pending', attempts = 0, next_attempt_at = \(bind: now.rawValue), claimed_until = NULL
                WHERE instance_id = \(bind: id) AND status = 'failed'
                """
            ).run()
            engine.retry(&state, at: now)
        }
    }

    /// Fires the timers due by `now` of up to `limit` instances, each in its own transaction; answers how many
    /// instances moved. Safe to call from every node at once.
    @discardableResult
    public func wakeDue(at now: Timestamp = .now, limit: Int = 100) async throws -> Int {
        let due = try await database.read { db in
            try await db.raw(
                """
                SELECT id FROM process_instances WHERE status = 'running' AND next_timer_at <= \(bind: now.rawValue)
                ORDER BY next_timer_at LIMIT \(bind: limit)
                """
            ).all().map { try $0.decode(column: "id", as: Int64.self) }
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

    static func checkVisible(_ database: Database, _ context: AccessContext, _ record: (type: RecordType, id: Int64)) async throws {
        switch record.type {
        case .deal: _ = try await RecordStore<DealFields>(database: database).get(context, record.id)
        case .company: _ = try await RecordStore<CompanyFields>(database: database).get(context, record.id)
        case .contact: _ = try await RecordStore<ContactFields>(database: database).get(context, record.id)
        case .lead: _ = try await RecordStore<LeadFields>(database: database).get(context, record.id)
        default:
            throw StoreError.invalid(
                ValidationErrors([
                    ValidationError(field: "record", code: "invalid_record_type", message: "processes bind to a deal, a company, a contact or a lead")
                ])
            )
        }
    }
    static func info(_ row: any SQLRow) throws -> ProcessDefinitionInfo {
        ProcessDefinitionInfo(
            id: try row.decode(column: "id", as: Int64.self),
            key: try row.decode(column: "process_key", as: String.self),
            name: try row.decode(column: "name", as: String.self),
            version: try row.decode(column: "version", as: Int.self),
            createdAt: Timestamp(rawValue: try row.decode(column: "created_at", as: Int64.self)),
            recordType: try row.decode(column: "bound_type", as: String?.self).flatMap(RecordType.init(rawValue:))
        )
    }

    static func encode(_ state: ProcessInstance) throws -> String {
        try PlainJSON.encode(state)
    }
}
