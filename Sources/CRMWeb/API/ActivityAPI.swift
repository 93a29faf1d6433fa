import CRMCore
import CRMStore
import Foundation
import Hummingbird

/// `GET /api/v1/my-day`: the caller's overdue and due tasks and today's meetings, today being the caller's own
/// calendar day in their time zone.
struct ActivityAPI {
    let store: Store

    func myDay(_ request: Request, context: AppContext) async throws -> Response {
        let identity = try context.requireIdentity()
        let zone = TimeZone(identifier: identity.user.timeZone) ?? TimeZone(identifier: "UTC")!
        let day = DayRange(containing: .now, timeZone: zone)
        let agenda = try await store.activities.myDay(identity.access, user: identity.user.id, day: day)
        return JSONResponse.ok(
            .object([
                "day_start": .string(day.start.iso8601), "day_end": .string(day.end.iso8601),
                "overdue": .array(agenda.overdue.map(\.json)), "due_today": .array(agenda.dueToday.map(\.json)),
                "meetings": .array(agenda.meetings.map(\.json)),
            ])
        )
    }
}
