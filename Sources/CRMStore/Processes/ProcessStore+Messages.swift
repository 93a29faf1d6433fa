public import CRMCore
import Foundation
import SQLKit

extension ProcessStore {
    /// What a correlated message did.
    public struct Correlation: Sendable, Equatable {
        public let delivered: [Int64]
        public let started: [Int64]
    }

    /// Delivers a message by name to every running instance the caller may see that waits for it and whose
    /// variables equal `correlation` (an order number, a customer id); when none waits, starts each process
    /// whose start event is that message, with the correlation and variables as its variables.
    public func correlate(
        _ context: AccessContext,
        message: String,
        correlation: [String: ProcessValue],
        variables: [String: ProcessValue] = [:],
        at now: Timestamp = .now
    ) async throws -> Correlation {
        let name = message.trimmingWhitespace()
        guard !name.isEmpty else {
            throw StoreError.invalid(ValidationErrors([ValidationError(field: "message", code: "required", message: "name the message")]))
        }
        // Only instances whose stored state mentions the message can wait for it; the engine decides the rest.
        let pattern =
            "%"
            + name.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%").replacingOccurrences(of: "_", with: "\\_")
            + "%"
        let candidates = try await database.read { db in
            let visible = try await ProcessVisibility.load(db, context)
            return try await db.raw(
                "SELECT i.id FROM process_instances i WHERE i.status = 'running' AND i.state LIKE \(bind: pattern) ESCAPE '\\' AND \(visible.sql) ORDER BY i.id"
            ).all()
                .map { try $0.decode(column: "id", as: Int64.self) }
        }
        var delivered: [Int64] = []
        for id in candidates {
            guard let stored = try? await instance(context, id) else { continue }
            guard correlation.allSatisfy({ stored.state.variables[$0.key] == $0.value }) else { continue }
            if try await deliver(context, instance: id, message: name, variables: variables, at: now) { delivered.append(id) }
        }
        guard delivered.isEmpty else { return Correlation(delivered: delivered, started: []) }
        var started: [Int64] = []
        for info in try await definitions() {
            let definition = try await parsed(info.id)
            guard let process = definition.process(info.key),
                process.startEvents.contains(where: { $0.kind == .startEvent(.message(name), interrupting: true) })
            else { continue }
            started.append(try await start(context, key: info.key, variables: correlation.merging(variables) { _, new in new }, at: now).id)
        }
        return Correlation(delivered: [], started: started)
    }
}
