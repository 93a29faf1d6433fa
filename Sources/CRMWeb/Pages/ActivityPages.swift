import CRMCore
import CRMStore
import Foundation
import Hummingbird

/// "My day", completing tasks, and the activity timeline shared by deal, company, contact and lead pages.
struct ActivityPages {
    let store: Store
    let pages: PageRenderer

    func addRoutes(to group: RouterGroup<AppContext>) {
        group.get("my-day", use: myDay)
        group.post("activities/:id/done", use: complete)
    }

    @Sendable func myDay(_ request: Request, context: AppContext) async throws -> Response {
        let identity = try context.requireIdentity()
        let t = pages.strings(PageRenderer.language(identity: identity, request: request))
        return pages.render("my_day", try await myDayData(identity), identity: identity, request: request, title: t["nav_my_day"])
    }

    func myDayData(_ identity: Identity) async throws -> [String: Any] {
        let zone = TimeZone(identifier: identity.user.timeZone) ?? TimeZone(identifier: "UTC")!
        let day = DayRange(containing: .now, timeZone: zone)
        let agenda = try await store.activities.myDay(identity.access, user: identity.user.id, day: day)
        let format = pages.formatter(identity)
        let deals = try await store.deals.many(identity.access, (agenda.overdue + agenda.dueToday + agenda.meetings).compactMap { $0.fields.dealID?.rawValue })
        func row(_ activity: Activity) -> [String: Any] {
            [
                "id": activity.meta.id, "subject": activity.fields.title, "kind": activity.fields.kind.rawValue,
                "when": (activity.fields.happensAt).map(format.dateTime) ?? "", "high": activity.fields.priority == .high,
                "place": activity.fields.place, "deal": activity.fields.dealID.flatMap { deals[$0.rawValue] }.map { ["id": $0.meta.id, "title": $0.fields.title] } as Any,
                "is_task": activity.fields.kind == .task,
            ]
        }
        // Process tasks waiting for this person, due or overdue by the end of their day, or without a due date.
        let processTasks = ProcessPages.byDue(try await store.processes.tasks(identity.access).filter { ($0.dueAt ?? day.end) <= day.end })
        return [
            "today": format.date(.now), "overdue": agenda.overdue.map(row), "due_today": agenda.dueToday.map(row), "meetings": agenda.meetings.map(row),
            "process_tasks": processTasks.map { ProcessPages.row($0, format) },
            "nothing": agenda.overdue.isEmpty && agenda.dueToday.isEmpty && agenda.meetings.isEmpty && processTasks.isEmpty,
        ]
    }

    @Sendable func complete(_ request: Request, context: AppContext) async throws -> Response {
        let identity = try context.requireIdentity()
        let id = try context.pathID()
        let form = try await FormInput(request, context: context, csrf: identity.csrfToken)
        let task = try await store.activities.get(identity.access, id)
        var fields = task.fields
        fields.isDone = true
        _ = try await store.activities.update(identity.access, id, expectedVersion: task.meta.version, fields)
        return redirect(AuthPages.safeNext(form["next"].isEmpty ? "/my-day" : form["next"]))
    }

    /// A record page's activities, newest first, with the quick form's defaults.
    func timeline(_ identity: Identity, _ query: ListQuery, links: [String: Int64]) async throws -> [String: any Sendable] {
        var query = query
        query.sort = Sort(field: .createdAt, descending: true)
        query.limit = 50
        let activities = try await store.activities.list(identity.access, query).items
        let owners = try await store.users.names()
        let format = pages.formatter(identity)
        let t = pages.strings(MessageCatalog.language(of: identity.user.locale))
        return [
            "activities": activities.map { activity -> [String: any Sendable] in
                [
                    "id": activity.meta.id, "kind": t["kind_\(activity.fields.kind.rawValue)"] ?? activity.fields.kind.rawValue, "subject": activity.fields.title,
                    "notes": activity.fields.notes, "owner": owners[activity.meta.ownerID] ?? "", "created": format.dateTime(activity.meta.createdAt),
                    "when": activity.fields.happensAt.map(format.dateTime) ?? "", "open_task": activity.fields.kind == .task && !activity.fields.isDone,
                    "done": activity.fields.isDone, "outcome": activity.fields.outcome,
                    "direction": activity.fields.direction.map { t["direction_\($0.rawValue)"] ?? $0.rawValue } ?? "",
                    "duration": activity.fields.durationMinutes.map { "\($0) \(t["minutes_short"] ?? "min")" } ?? "",
                ]
            },
        ].merging(quickAdd(identity, links: links)) { $1 }
    }

    /// What the quick "add activity" form needs: the records it links to and the kinds to choose from.
    func quickAdd(_ identity: Identity, links: [String: Int64]) -> [String: any Sendable] {
        let t = pages.strings(MessageCatalog.language(of: identity.user.locale))
        return [
            "links": links.sorted { $0.key < $1.key }.map { ["name": $0.key, "value": $0.value] as [String: any Sendable] },
            "kinds": ActivityKind.allCases.map { ["value": $0.rawValue, "label": t["kind_\($0.rawValue)"] ?? $0.rawValue] as [String: any Sendable] },
            "directions": [ActivityDirection.outbound, .inbound].map { ["value": $0.rawValue, "label": t["direction_\($0.rawValue)"] ?? $0.rawValue] as [String: any Sendable] },
        ]
    }
}
