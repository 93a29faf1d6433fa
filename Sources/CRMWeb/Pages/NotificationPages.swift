import CRMCore
import CRMStore
import Foundation
import Hummingbird

/// The notifications page behind the bell: newest first, unread marked; opening one marks it read and goes to its
/// record.
struct NotificationPages {
    let store: Store
    let pages: PageRenderer

    func addRoutes(to router: RouterGroup<AppContext>) {
        router.get("notifications", use: list)
        router.get("notifications/:id", use: open)
        router.post("notifications/read", use: markAllRead)
    }

    @Sendable func list(_ request: Request, context: AppContext) async throws -> Response {
        let identity = try context.requireIdentity()
        let t = pages.strings(PageRenderer.language(identity: identity, request: request))
        let format = pages.formatter(identity)
        var parameters = QueryParameters(request.queryDictionary, allowed: ["unread", "before"])
        let unreadOnly = parameters.text("unread") != nil
        let before = parameters.id("before")
        try parameters.finish()
        let page = 50
        let items = try await store.notifications.list(identity.access, unreadOnly: unreadOnly, limit: page, before: before)
        let titles = try await RecordTitles.load(store, identity.access, items.map { ($0.recordType, $0.recordID) })
        let names = try await store.users.names()
        let rows: [[String: Any]] = items.map { item in
            let who = item.actorID.flatMap { names[$0] } ?? (t["notification_by_clientele"] ?? "Clientele")
            return [
                "id": item.id, "unread": item.readAt == nil, "at": format.dateTime(item.createdAt),
                "sentence": (t["notification_\(item.kind.rawValue)"] ?? "%@").replacingOccurrences(of: "%@", with: who),
                "title": titles[item.recordType, item.recordID] ?? "", "excerpt": item.excerpt,
                "kind": t["record_type_\(item.recordType.rawValue)"] ?? item.recordType.rawValue,
            ]
        }
        let data: [String: Any] = [
            "items": rows, "empty": rows.isEmpty, "any_unread": items.contains { $0.readAt == nil }, "unread_only": unreadOnly,
            "older": items.count == page ? "/notifications?\(unreadOnly ? "unread=1&" : "")before=\(items.last?.id ?? 0)" : "",
        ]
        return pages.render("notifications", data, identity: identity, request: request, title: t["notifications"])
    }

    @Sendable func open(_ request: Request, context: AppContext) async throws -> Response {
        let identity = try context.requireIdentity()
        let id = try context.pathID()
        guard let item = try await store.notifications.list(identity.access, limit: 1, before: id + 1).first, item.id == id else {
            throw APIError(.notFound, code: "not_found", detail: "no such notification")
        }
        try await store.notifications.markRead(identity.access, [id])
        return redirect(RecordTitles.path(item.recordType, item.recordID) + (item.kind == .mention ? "#comments" : ""))
    }

    @Sendable func markAllRead(_ request: Request, context: AppContext) async throws -> Response {
        let identity = try context.requireIdentity()
        _ = try await FormInput(request, context: context, csrf: identity.csrfToken)
        try await store.notifications.markRead(identity.access)
        return redirect("/notifications", notice: Notice(key: "notifications_read"))
    }
}
