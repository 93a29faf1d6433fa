import CRMCore
import CRMStore
import Foundation
import HTTPTypes
import Hummingbird
import ICalendar

/// A user's activities as the iCalendar feed their calendar app subscribes to: meetings and calls with a start
/// as events, tasks with a due time as to-dos; removed ones as cancelled, so subscribers drop them.
enum CalendarFeed {
    /// From three months back to a year and a month ahead: what a phone's calendar shows and keeps.
    static func window(now: Timestamp = .now) -> ClosedRange<Timestamp> {
        now.adding(seconds: -90 * 86400)...now.adding(seconds: 400 * 86400)
    }

    static func document(_ user: User, _ items: [Record<ActivityFields>], base: String) -> ICalendarDocument {
        var document = ICalendarDocument(productID: "-//Clientele//CRM//EN", name: "Clientele · \(user.name)")
        for item in items {
            let fields = item.fields
            let uid = "activity-\(item.meta.id)@clientele"
            let stamp = item.meta.updatedAt.date
            let description = fields.notes
            let url = "\(base)/activities/\(item.meta.id)"
            if let start = fields.startsAt {
                let end = fields.endsAt ?? start.adding(seconds: Int64((fields.durationMinutes ?? 30) * 60))
                var event = ICalendarDocument.Event(
                    uid: uid,
                    sequence: Int(item.meta.version),
                    stamp: stamp,
                    start: start.date,
                    end: end.date,
                    summary: fields.title
                )
                event.description = description
                event.location = fields.place
                event.url = url
                event.cancelled = item.meta.deletedAt != nil
                document.events.append(event)
            } else if let due = fields.dueAt {
                var todo = ICalendarDocument.Todo(uid: uid, sequence: Int(item.meta.version), stamp: stamp, due: due.date, summary: fields.title)
                todo.description = description
                todo.url = url
                todo.completed = fields.isDone ? (fields.doneAt ?? item.meta.updatedAt).date : nil
                todo.priority =
                    switch fields.priority {
                    case .high: 1
                    case .normal: 5
                    case .low: 9
                    }
                todo.cancelled = item.meta.deletedAt != nil
                document.todos.append(todo)
            }
        }
        return document
    }

    /// `GET /calendar/<secret>.ics`: no session, the secret is the key; an unknown or replaced one is 404.
    static func response(_ request: Request, context: AppContext, store: Store, secure: Bool) async throws -> Response {
        guard let file = context.parameters.get("file"), file.hasSuffix(".ics"),
            let user = try await store.calendarFeeds.resolve(secret: String(file.dropLast(4)))
        else { throw APIError(.notFound, code: "not_found", detail: "no such calendar; the link may have been replaced") }
        let items = try await store.calendarFeeds.items(of: user.id, in: window())
        let host = request.head.authority ?? "localhost"
        let document = document(user, items, base: "\(secure ? "https" : "http")://\(host)")
        var headers = HTTPFields()
        headers[.contentType] = "text/calendar; charset=utf-8"
        headers[.cacheControl] = "private, max-age=300"
        headers[.contentDisposition] = "inline; filename=\"clientele.ics\""
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: document.text)))
    }
}
