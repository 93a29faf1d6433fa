import CRMCore
import CRMStore
import Foundation
import Logging
import ServiceLifecycle

/// Starts the instances that triggers and campaigns asked for, fires process timers as they fall due and runs
/// queued service actions, on every node: the store lets only
/// one node move each instance or claim each action, and both live in the database, so a restarted node picks
/// up whatever fell due while it was down.
struct ProcessWorker: Service {
    let store: Store
    let logger: Logger
    var interval: Duration = .milliseconds(500)
    var webhooks: any WebhookSending = HTTPWebhookSender()

    func run() async throws {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do {
                // Drain everything due before sleeping, a hundred instances per transaction batch.
                try await store.processes.runSchedules()
                while try await store.processes.runStartRequests(limit: 100) == 100 {}
                while try await store.processes.wakeDue(limit: 100) == 100 {}
                while try await store.processes.runEffects(limit: 50, webhooks: webhooks) == 50 {}
            } catch {
                logger.error("firing process timers failed", metadata: ["error": .string(String(describing: error))])
            }
            try? await Task.sleep(for: interval)
        }
    }
}
