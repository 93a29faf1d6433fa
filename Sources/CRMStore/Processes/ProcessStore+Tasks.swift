public import CRMCore
import Foundation
import SQLKit

extension ProcessStore {
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
            let rows = try await db.raw(
                """
                SELECT t.instance_id, t.token_id, t.node_id, t.name, t.assignee, t.candidate_groups, t.due_at, t.created_at, d.name AS process_name
                FROM process_tasks t JOIN process_instances i ON i.id = t.instance_id JOIN process_definitions d ON d.id = i.definition_id
                WHERE i.status = 'running' ORDER BY t.created_at, t.instance_id, t.token_id
                """
            ).all()
            let audience = try await TaskAudience.load(db, context)
            var result: [OpenTask] = []
            for row in rows where result.count < limit {
                let assignee = try row.decode(column: "assignee", as: String?.self)
                let groups = try row.decode(column: "candidate_groups", as: String.self)
                guard audience.refusal(assignee: assignee, groups: groups) == nil else { continue }
                result.append(
                    OpenTask(
                        instanceID: try row.decode(column: "instance_id", as: Int64.self),
                        token: try row.decode(column: "token_id", as: Int.self),
                        node: try row.decode(column: "node_id", as: String.self),
                        name: try row.decode(column: "name", as: String.self),
                        assignee: assignee,
                        candidateGroups: groups.split(separator: ",").map(String.init),
                        processName: try row.decode(column: "process_name", as: String.self),
                        dueAt: try row.decode(column: "due_at", as: Int64?.self).map { Timestamp(rawValue: $0) },
                        createdAt: Timestamp(rawValue: try row.decode(column: "created_at", as: Int64.self))
                    )
                )
            }
            return result
        }
    }

    /// Completes an open user task. Admins may complete any; others the tasks assigned to them (by e-mail or
    /// id) or offered to a group they are in (their role, or a team's name), in instances they may see.
    public func complete(
        _ context: AccessContext,
        instance id: Int64,
        task token: Int,
        variables: [String: ProcessValue] = [:],
        at now: Timestamp = .now
    ) async throws -> StoredProcessInstance {
        _ = try await instance(context, id)
        return try await step(id, at: now) { db, stored, engine, state async throws in
            guard
                let task = try await db.raw(
                    "SELECT assignee, candidate_groups FROM process_tasks WHERE instance_id = \(bind: id) AND token_id = \(bind: token)"
                ).first()
            else {
                throw StoreError.notFound(.processTask)
            }
            try await Self.checkMayComplete(
                db,
                context,
                assignee: try task.decode(column: "assignee", as: String?.self),
                groups: try task.decode(column: "candidate_groups", as: String.self)
            )
            do throws(ValidationError) { try engine.complete(&state, task: token, variables: variables, at: now) } catch {
                throw StoreError.invalid(ValidationErrors([error]))
            }
        }
    }

    /// Takes a task offered to a group the caller is in, so it leaves the others' inboxes and waits for them alone.
    public func claim(_ context: AccessContext, instance id: Int64, task token: Int) async throws {
        guard let me = context.userID else { throw StoreError.forbidden("only people claim tasks") }
        _ = try await instance(context, id)
        try await database.write { db in
            guard
                let task = try await db.raw(
                    "SELECT assignee, candidate_groups FROM process_tasks WHERE instance_id = \(bind: id) AND token_id = \(bind: token)"
                ).first()
            else {
                throw StoreError.notFound(.processTask)
            }
            let assignee = try task.decode(column: "assignee", as: String?.self)
            try await Self.checkMayComplete(db, context, assignee: assignee, groups: try task.decode(column: "candidate_groups", as: String.self))
            guard assignee == nil || assignee!.isEmpty || assignee == String(me.rawValue) else {
                throw StoreError.conflict(code: "already_claimed", message: "someone has already taken this task")
            }
            try await db.raw(
                "UPDATE process_tasks SET assignee = \(bind: String(me.rawValue)) WHERE instance_id = \(bind: id) AND token_id = \(bind: token)"
            ).run()
        }
    }

    /// A user task's due date as modelers write it: a duration from now (`P2D`, `PT4H`), a date and time, or
    /// an expression giving either (`${dueDate}`); nil when it is none of these.
    static func due(_ text: String, after now: Timestamp, variables: [String: ProcessValue]) -> Timestamp? {
        var value = text
        if text.hasPrefix("${") || text.hasPrefix("#{") || text.hasPrefix("="),
            case .string(let computed)? = try? ProcessExpression.parse(text).evaluate(variables)
        {
            value = computed
        }
        if let duration = try? ISODuration(parsing: value) { return duration.after(now) }
        if let date = try? Date(value, strategy: .iso8601) { return Timestamp(date) }
        if value.count == 10, let day = try? CalendarDate(parsing: value) { return day.start(in: TimeZone(identifier: "UTC")!) }
        return nil
    }

    static func checkMayComplete(_ db: any SQLDatabase, _ context: AccessContext, assignee: String?, groups: String) async throws {
        if let refusal = try await TaskAudience.load(db, context).refusal(assignee: assignee, groups: groups) {
            throw StoreError.forbidden(refusal)
        }
    }
}

/// Who the caller is for the task rules, read once and then asked per task without further queries: those who
/// manage processes (`Capability.manageProcesses`) may do any task; others the tasks assigned to them (by id or
/// e-mail) and those offered to their role or to a team they are in.
struct TaskAudience {
    let doesAnyTask: Bool
    let userID: String?
    let email: String?
    let groups: Set<String>

    static func load(_ db: any SQLDatabase, _ context: AccessContext) async throws -> TaskAudience {
        guard !context.may(.manageProcesses), let me = context.userID else {
            return TaskAudience(doesAnyTask: context.may(.manageProcesses), userID: nil, email: nil, groups: [])
        }
        let user = try await UserStore.fetch(db, me)
        var groups: Set<String> = [user.role.rawValue]
        for team in try await db.raw("SELECT t.name FROM teams t JOIN team_members m ON m.team_id = t.id WHERE m.user_id = \(bind: me.rawValue)")
            .all()
        {
            groups.insert(try team.decode(column: "name", as: String.self).lowercased())
        }
        return TaskAudience(doesAnyTask: false, userID: String(me.rawValue), email: user.email.description.lowercased(), groups: groups)
    }

    /// Why the caller may not do a task with this assignee and these candidate groups, or nil when they may.
    func refusal(assignee: String?, groups offeredText: String) -> String? {
        if doesAnyTask { return nil }
        guard let userID else { return "only people complete tasks" }
        if let assignee, !assignee.isEmpty {
            return assignee == userID || assignee.lowercased() == email ? nil : "the task is assigned to someone else"
        }
        let offered = Set(offeredText.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).lowercased() })
        return offered.isEmpty || !offered.isDisjoint(with: groups) ? nil : "the task is offered to \(offeredText), which you are not in"
    }
}
