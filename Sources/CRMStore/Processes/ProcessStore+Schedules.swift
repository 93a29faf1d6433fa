public import CRMCore
import Foundation
import SQLKit

extension ProcessStore {
    /// Replaces the schedule of a process whose start event is a timer (the latest version decides).
    static func schedule(_ db: any SQLDatabase, _ process: BPMNProcess, at now: Timestamp) async throws {
        try await db.raw("DELETE FROM process_schedules WHERE process_key = \(bind: process.id)").run()
        for start in process.startEvents {
            guard case .startEvent(.timer(let spec), _) = start.kind else { continue }
            let first: (at: Timestamp, every: String?, remaining: Int?)
            do throws(ValidationError) { first = try TimerSchedule.first(spec, after: now) } catch {
                throw StoreError.invalid(
                    ValidationErrors([
                        ValidationError(
                            field: start.id,
                            code: error.code,
                            message: "line \(start.line): <startEvent id=\"\(start.id)\"> \(error.message)"
                        )
                    ])
                )
            }
            try await db.raw(
                """
                INSERT INTO process_schedules (process_key, every_text, next_at, remaining, created_at)
                VALUES (\(bind: process.id), \(bind: first.every ?? ""), \(bind: first.at.rawValue), \(bind: first.every == nil ? 0 : first.remaining), \(bind: now.rawValue))
                """
            ).run()
        }
    }

    /// When timer-started processes next start, by key.
    public func schedules() async throws -> [String: Timestamp] {
        try await database.read { db in
            var result: [String: Timestamp] = [:]
            for row in try await db.raw("SELECT process_key, next_at FROM process_schedules").all() {
                result[try row.decode(column: "process_key", as: String.self)] = Timestamp(
                    rawValue: try row.decode(column: "next_at", as: Int64.self)
                )
            }
            return result
        }
    }

    /// Starts the timer-started processes that are due, each start in the transaction that moves its schedule
    /// on, so no start is lost or doubled whichever node runs it. Answers how many instances started.
    @discardableResult
    public func runSchedules(at now: Timestamp = .now) async throws -> Int {
        let due = try await database.read { db in
            try await db.raw("SELECT id FROM process_schedules WHERE next_at <= \(bind: now.rawValue) ORDER BY next_at").all().map {
                try $0.decode(column: "id", as: Int64.self)
            }
        }
        var started = 0
        for id in due {
            started += try await database.write { db in
                let lock = self.database.engine == .postgres ? " FOR UPDATE SKIP LOCKED" : ""
                guard
                    let row = try await db.raw(
                        """
                        SELECT process_key, every_text, next_at, remaining FROM process_schedules WHERE id = \(bind: id) AND next_at <= \(bind: now.rawValue)\(unsafeRaw: lock)
                        """
                    ).first()
                else { return 0 }
                let key = try row.decode(column: "process_key", as: String.self)
                let every = try row.decode(column: "every_text", as: String.self)
                let at = Timestamp(rawValue: try row.decode(column: "next_at", as: Int64.self))
                let remaining = try row.decode(column: "remaining", as: Int?.self)
                _ = try await self.insertStart(db, key: key, variables: [:], record: nil, campaign: nil, startedBy: nil, at: now)
                if remaining == 0 || every.isEmpty {
                    try await db.raw("DELETE FROM process_schedules WHERE id = \(bind: id)").run()
                } else if let next = TimerSchedule.next(every, after: max(at, now)) {
                    try await db.raw(
                        "UPDATE process_schedules SET next_at = \(bind: next.rawValue), remaining = \(bind: remaining.map { $0 - 1 }) WHERE id = \(bind: id)"
                    ).run()
                } else {
                    try await db.raw("DELETE FROM process_schedules WHERE id = \(bind: id)").run()
                }
                return 1
            }
        }
        return started
    }
}
