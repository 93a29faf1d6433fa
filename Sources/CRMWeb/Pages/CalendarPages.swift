import CRMCore
import CRMStore
import Foundation
import Hummingbird

/// Settings → Calendar subscription: make, replace or turn off the secret feed a calendar app subscribes to.
struct CalendarPages {
    let store: Store
    let pages: PageRenderer
    let secure: Bool

    func addRoutes(to router: RouterGroup<AppContext>) {
        router.get("settings/calendar", use: show)
        router.post("settings/calendar", use: change)
    }

    @Sendable func show(_ request: Request, context: AppContext) async throws -> Response {
        try await render(request, context, secret: nil)
    }

    func render(_ request: Request, _ context: AppContext, secret: String?) async throws -> Response {
        let identity = try context.requireIdentity()
        let t = pages.strings(PageRenderer.language(identity: identity, request: request))
        let created = try await store.calendarFeeds.created(identity.access)
        let host = request.head.authority ?? "localhost"
        var data: [String: Any] = ["active": created != nil, "created": created.map { pages.formatter(identity).dateTime($0) } ?? ""]
        if let secret {
            data["url"] = "\(secure ? "https" : "http")://\(host)/calendar/\(secret).ics"
            data["webcal"] = "webcal://\(host)/calendar/\(secret).ics"
        }
        return pages.render("calendar_feed", data, identity: identity, request: request, title: t["calendar_feed"])
    }

    @Sendable func change(_ request: Request, context: AppContext) async throws -> Response {
        let identity = try context.requireIdentity()
        let input = try await FormInput(request, context: context, csrf: identity.csrfToken)
        switch input["action"] {
        case "create":
            let secret = try await store.calendarFeeds.create(identity.access)
            return try await render(request, context, secret: secret)
        case "revoke":
            try await store.calendarFeeds.revoke(identity.access)
            return redirect("/settings/calendar", notice: Notice(key: "calendar_feed_off"))
        default:
            throw APIError.badRequest("invalid_choice", "action must be create or revoke", field: "action")
        }
    }
}

/// The feed through the API, for scripts that set up a user's phone.
struct CalendarFeedController {
    let store: Store
    let secure: Bool

    func addRoutes(to group: RouterGroup<AppContext>) {
        group.get("calendar-feed", use: status)
        group.post("calendar-feed", use: create)
        group.delete("calendar-feed", use: revoke)
    }

    @Sendable func status(_ request: Request, context: AppContext) async throws -> Response {
        let identity = try context.requireIdentity()
        let created = try await store.calendarFeeds.created(identity.access)
        return JSONResponse.ok(.object(["active": .bool(created != nil), "created_at": created.map { .string($0.iso8601) } ?? .null]))
    }

    @Sendable func create(_ request: Request, context: AppContext) async throws -> Response {
        let identity = try context.requireIdentity()
        let secret = try await store.calendarFeeds.create(identity.access)
        let host = request.head.authority ?? "localhost"
        return JSONResponse.ok(.object(["url": .string("\(secure ? "https" : "http")://\(host)/calendar/\(secret).ics")]), status: .created)
    }

    @Sendable func revoke(_ request: Request, context: AppContext) async throws -> Response {
        let identity = try context.requireIdentity()
        try await store.calendarFeeds.revoke(identity.access)
        return Response(status: .noContent)
    }
}
