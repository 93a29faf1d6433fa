public import CRMCore
import Foundation
import SQLKit

extension ProcessStore {
    /// Queues the action of every service task the instance newly waits at.
    static func syncServices(
        _ db: any SQLDatabase,
        instance: Int64,
        step: Int,
        _ state: ProcessInstance,
        _ definition: ProcessDefinition,
        at now: Timestamp
    ) async throws {
        let waiting = state.pendingServices
        guard !waiting.isEmpty else { return }
        let queued = Set(
            try await db.raw(
                "SELECT token_id FROM process_effects WHERE instance_id = \(bind: instance) AND kind = 'service' AND status IN ('pending', 'failed')"
            ).all()
                .map { try $0.decode(column: "token_id", as: Int.self) }
        )
        let nodes = Dictionary(definition.processes.flatMap(\.nodes).map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        for token in waiting where !queued.contains(token.id) {
            guard case .task(.service(let action, let parameters))? = nodes[token.node]?.kind else { continue }
            let encoded = String(decoding: try JSONEncoder().encode(parameters), as: UTF8.self)
            try await db.raw(
                """
                INSERT INTO process_effects (instance_id, effect_key, kind, node_id, token_id, action, parameters, status, attempts, next_attempt_at, created_at)
                VALUES (\(bind: instance), \(bind: "\(instance)/\(step)/t\(token.id)"), \(bind: "service"), \(bind: token.node), \(bind: token.id), \(bind: action),
                        \(bind: encoded), \(bind: "pending"), \(bind: 0), \(bind: now.rawValue), \(bind: now.rawValue))
                """
            ).run()
        }
    }

    /// How many times an action is tried before its instance stops at an incident.
    public static let maxAttempts = 5

    /// How long a claimed action is left to its node: longer than the slowest action (a webhook's 10 s), short
    /// enough that an action whose node was killed mid-way is taken up again within seconds of a restart.
    static let claimMilliseconds: Int64 = 20_000

    /// Runs due service actions: each is claimed by one caller, run, and its result stepped into the instance;
    /// a failure is retried after 1, 2, 4 … seconds and after `maxAttempts` becomes an incident. Answers how
    /// many actions ran.
    /// - Parameter webhooks: how this node sends webhooks (the web layer's HTTP client).
    @discardableResult
    public func runEffects(at now: Timestamp = .now, limit: Int = 50, webhooks: (any WebhookSending)? = nil) async throws -> Int {
        let candidates = try await database.read { db in
            try await db.raw(
                """
                SELECT id FROM process_effects WHERE status = 'pending' AND next_attempt_at <= \(bind: now.rawValue)
                AND (claimed_until IS NULL OR claimed_until < \(bind: now.rawValue)) ORDER BY next_attempt_at LIMIT \(bind: limit)
                """
            ).all().map { try $0.decode(column: "id", as: Int64.self) }
        }
        var ran = 0
        for effect in candidates {
            // The claim is its own short transaction: whoever updates the row first runs the action.
            let claimed = try await database.write { db in
                try await db.raw(
                    """
                    UPDATE process_effects SET claimed_until = \(bind: now.rawValue + Self.claimMilliseconds)
                    WHERE id = \(bind: effect) AND status = 'pending' AND (claimed_until IS NULL OR claimed_until < \(bind: now.rawValue))
                    RETURNING instance_id, effect_key, token_id, action, parameters, attempts
                    """
                ).first()
            }
            guard let claimed else { continue }
            let instance = try claimed.decode(column: "instance_id", as: Int64.self)
            let key = try claimed.decode(column: "effect_key", as: String.self)
            let token = try claimed.decode(column: "token_id", as: Int.self)
            let action = try claimed.decode(column: "action", as: String?.self)
            let parameters = try JSONDecoder().decode(
                [String: String].self,
                from: Data(try claimed.decode(column: "parameters", as: String.self).utf8)
            )
            let attempts = try claimed.decode(column: "attempts", as: Int.self) + 1
            let stored = try await database.read { db in try await self.load(db, instance, lock: false) }
            let target = ProcessActions.Target(
                instance: instance,
                process: stored.definition.key,
                record: stored.record,
                variables: stored.state.variables
            )
            let outcome: Result<[String: ProcessValue], ProcessEngine.ServiceFailure>
            do throws(ProcessEngine.ServiceFailure) {
                outcome = .success(
                    try await ProcessActions(database: database, webhooks: webhooks).perform(action, parameters: parameters, for: target, key: key)
                )
            } catch {
                outcome = .failure(error)
            }
            ran += 1
            switch outcome {
            case .success(let variables):
                try await step(instance, at: now) { db, _, engine, state async throws in
                    try await db.raw(
                        "UPDATE process_effects SET status = 'done', attempts = \(bind: attempts), done_at = \(bind: now.rawValue), last_error = NULL WHERE id = \(bind: effect)"
                    ).run()
                    do throws(ValidationError) { try engine.completeService(&state, token: token, variables: variables, at: now) } catch {
                        // The instance moved on without this action (a boundary fired, an admin ended it).
                    }
                }
            case .failure(let failure):
                let message =
                    switch failure {
                    case .failure(let text): text
                    case .bpmnError(let code): "error \(code)"
                    }
                let final = attempts >= Self.maxAttempts || { if case .bpmnError = failure { true } else { false } }()
                try await step(instance, at: now) { db, _, engine, state async throws in
                    try await db.raw(
                        """
                        UPDATE process_effects SET status = \(bind: final ? "failed" : "pending"), attempts = \(bind: attempts), claimed_until = NULL,
                            next_attempt_at = \(bind: now.rawValue + 1_000 * (1 << min(attempts - 1, 16))), last_error = \(bind: message)
                        WHERE id = \(bind: effect)
                        """
                    ).run()
                    if final { engine.failService(&state, token: token, failure, at: now) }
                }
            }
        }
        return ran
    }
}
