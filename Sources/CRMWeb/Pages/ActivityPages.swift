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
        group.post("activities/:id/reopen", use: reopen)
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
        let items = agenda.overdue + agenda.dueToday + agenda.meetings
        // Each item names who it is for, so a rep sees the customer without opening it.
        let deals = try await store.deals.many(identity.access, items.compactMap { $0.fields.dealID?.rawValue })
        let companies = try await store.companies.many(identity.access, items.compactMap { $0.fields.companyID?.rawValue })
        let contacts = try await store.contacts.many(identity.access, items.compactMap { $0.fields.contactID?.rawValue })
        let leads = try await store.leads.many(identity.access, items.compactMap { $0.fields.leadID?.rawValue })
        func row(_ activity: Activity) -> [String: Any] {
            let fields = activity.fields
            // Only the records the item is on: a missing one must be absent, not an empty value (which a template
            // would still show as a link).
            var row: [String: Any] = [
                "id": activity.meta.id, "subject": fields.title, "kind": fields.kind.rawValue,
                "when": fields.happensAt.map(format.dateTime) ?? "", "high": fields.priority == .high, "place": fields.place,
                "can_complete": fields.kind != .note && !fields.isDone, "done": fields.isDone,
            ]
            if let id = fields.dealID, let deal = deals[id.rawValue] { row["deal"] = ["href": "/deals/\(id)", "name": deal.fields.title] }
            if let id = fields.companyID, let company = companies[id.rawValue] {
                row["company"] = ["href": "/companies/\(id)", "name": company.fields.name]
            }
            if let id = fields.contactID, let contact = contacts[id.rawValue] {
                row["contact"] = ["href": "/contacts/\(id)", "name": contact.fields.displayName]
            }
            if let id = fields.leadID, let lead = leads[id.rawValue] { row["lead"] = ["href": "/leads/\(id)", "name": lead.fields.displayName] }
            return row
        }
        // Process tasks waiting for this person, due or overdue by the end of their day, or without a due date.
        let processTasks = ProcessPages.byDue(try await store.processes.tasks(identity.access).filter { ($0.dueAt ?? day.end) <= day.end })
        // Leads handed to this person and not yet worked: until there are notifications, My day is where they learn of them.
        var newLeads = ListQuery(limit: 20)
        newLeads.ownerID = identity.user.id
        newLeads.leadStatus = .new
        newLeads.sort = Sort(field: .createdAt, descending: true)
        let leadsToWork = try await store.leads.list(identity.access, newLeads).items
        // A task added here is due at the end of today's working hours, or at the next full hour once those are over,
        // in the rep's own zone, unless the rep picks another time.
        let nextHour = Timestamp(rawValue: (Timestamp.now.rawValue / 3_600_000 + 1) * 3_600_000)
        let evening = Timestamp(rawValue: max(day.start.rawValue + 17 * 3_600_000, nextHour.rawValue)).localDateTime(in: zone)
        return [
            "today": format.date(.now), "overdue": agenda.overdue.map(row), "due_today": agenda.dueToday.map(row),
            "meetings": agenda.meetings.map(row),
            "process_tasks": processTasks.map { ProcessPages.row($0, format) },
            "new_leads": leadsToWork.map {
                ["id": $0.meta.id, "name": $0.fields.displayName, "company": $0.fields.companyName, "created": format.dateTime($0.meta.createdAt)]
            },
            "has_new_leads": !leadsToWork.isEmpty, "default_due": evening,
            "nothing": agenda.overdue.isEmpty && agenda.dueToday.isEmpty && agenda.meetings.isEmpty && processTasks.isEmpty && leadsToWork.isEmpty,
        ]
    }

    /// Marks a task, call or meeting done, says so with an undo, and offers to schedule what comes next.
    @Sendable func complete(_ request: Request, context: AppContext) async throws -> Response {
        try await setDone(true, request, context)
    }

    /// The undo of "done".
    @Sendable func reopen(_ request: Request, context: AppContext) async throws -> Response {
        try await setDone(false, request, context)
    }

    private func setDone(_ done: Bool, _ request: Request, _ context: AppContext) async throws -> Response {
        let identity = try context.requireIdentity()
        let id = try context.pathID()
        let form = try await FormInput(request, context: context, csrf: identity.csrfToken)
        let activity = try await store.activities.get(identity.access, id)
        var fields = activity.fields
        fields.isDone = done
        if fields != activity.fields { _ = try await store.activities.update(identity.access, id, expectedVersion: activity.meta.version, fields) }
        let next = AuthPages.safeNext(form["next"].isEmpty ? "/activities/\(id)" : form["next"])
        guard done else { return redirect(next, notice: Notice(key: "activity_reopened", subject: fields.title)) }
        return redirect(
            next,
            notice: Notice(
                key: "activity_done",
                subject: fields.title,
                undo: "/activities/\(id)/reopen",
                follow: fields.nextActivityLink(returnTo: next),
                followLabel: "schedule_next"
            )
        )
    }

    /// What an activity's page shows beyond its own fields: its times in the reader's zone and the records it is
    /// on by name (those the reader may not see are left out rather than shown as a bare number).
    func details(_ identity: Identity, _ activity: Record<ActivityFields>) async throws -> [String: any Sendable] {
        let fields = activity.fields
        let format = pages.formatter(identity)
        let t = pages.strings(MessageCatalog.language(of: identity.user.locale))
        var data: [String: any Sendable] = [
            "due": fields.dueAt.map(format.dateTime) ?? "", "starts": fields.startsAt.map(format.dateTime) ?? "",
            "ends": fields.endsAt.map(format.dateTime) ?? "",
            "priority_label": fields.kind == .task ? t["task_priority_\(fields.priority.rawValue)"] ?? "" : "",
            "can_complete": fields.kind != .note && !fields.isDone, "can_reopen": fields.kind != .note && fields.isDone,
            "next_activity": fields.nextActivityLink(returnTo: "/activities/\(activity.meta.id)"),
        ]
        if let id = fields.dealID, let deal = try? await store.deals.get(identity.access, id.rawValue, includeDeleted: true) {
            data["deal"] = ["id": deal.meta.id, "name": deal.fields.title] as [String: any Sendable]
        }
        if let id = fields.companyID, let company = try? await store.companies.get(identity.access, id.rawValue, includeDeleted: true) {
            data["company"] = ["id": company.meta.id, "name": company.fields.name] as [String: any Sendable]
        }
        if let id = fields.contactID, let contact = try? await store.contacts.get(identity.access, id.rawValue, includeDeleted: true) {
            data["contact"] = ["id": contact.meta.id, "name": contact.fields.displayName] as [String: any Sendable]
        }
        if let id = fields.leadID, let lead = try? await store.leads.get(identity.access, id.rawValue, includeDeleted: true) {
            data["lead"] = ["id": lead.meta.id, "name": lead.fields.displayName] as [String: any Sendable]
        }
        return data
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
                    "id": activity.meta.id, "kind": t["kind_\(activity.fields.kind.rawValue)"] ?? activity.fields.kind.rawValue,
                    "subject": activity.fields.title,
                    "notes": activity.fields.notes, "owner": owners[activity.meta.ownerID] ?? "", "created": format.dateTime(activity.meta.createdAt),
                    "when": activity.fields.happensAt.map(format.dateTime) ?? "",
                    "open_task": activity.fields.kind == .task && !activity.fields.isDone,
                    "done": activity.fields.isDone, "outcome": activity.fields.outcome,
                    "direction": activity.fields.direction.map { t["direction_\($0.rawValue)"] ?? $0.rawValue } ?? "",
                    "duration": activity.fields.durationMinutes.map { "\($0) \(t["minutes_short"] ?? "min")" } ?? "",
                ]
            }
        ].merging(quickAdd(identity, links: links)) { $1 }
    }

    /// What the quick "add activity" form needs: the records it links to and the kinds to choose from.
    func quickAdd(_ identity: Identity, links: [String: Int64]) -> [String: any Sendable] {
        let t = pages.strings(MessageCatalog.language(of: identity.user.locale))
        return [
            "links": links.sorted { $0.key < $1.key }.map { ["name": $0.key, "value": $0.value] as [String: any Sendable] },
            "kinds": ActivityKind.allCases.map {
                ["value": $0.rawValue, "label": t["kind_\($0.rawValue)"] ?? $0.rawValue] as [String: any Sendable]
            },
            "directions": [ActivityDirection.outbound, .inbound].map {
                ["value": $0.rawValue, "label": t["direction_\($0.rawValue)"] ?? $0.rawValue] as [String: any Sendable]
            },
        ]
    }
}
