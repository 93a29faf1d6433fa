import CRMCore
import CRMStore
import Foundation
import HTTPTypes
import Hummingbird
import ServiceLifecycle

/// The bell through the API: the caller's notifications, marking them read, and a live stream of new ones
/// (server-sent events) that pages keep open.
struct NotificationController {
    let store: Store

    func addRoutes(to group: RouterGroup<AppContext>) {
        group.get("notifications", use: list)
        group.post("notifications/read", use: markRead)
        group.get("notifications/stream", use: stream)
    }

    @Sendable func list(_ request: Request, context: AppContext) async throws -> Response {
        let identity = try context.requireIdentity()
        var parameters = QueryParameters(request.queryDictionary, allowed: ["unread", "limit", "before"])
        let unread = parameters.bool("unread") ?? false
        let limit = parameters.integer("limit", in: 1...200) ?? 50
        let before = parameters.id("before")
        try parameters.finish()
        let items = try await store.notifications.list(identity.access, unreadOnly: unread, limit: limit, before: before)
        let unreadCount = try await store.notifications.unreadCount(identity.access)
        return JSONResponse.ok(.object(["items": .array(try await Self.json(items, store, identity)), "unread": .int(Int64(unreadCount))]))
    }

    /// `{"ids": [..]}` marks those read; `{}` marks all.
    @Sendable func markRead(_ request: Request, context: AppContext) async throws -> Response {
        let identity = try context.requireIdentity()
        var input = try JSONInput(try await JSONInput.body(request, context: context), request: request, allowed: ["ids"])
        var ids: [Int64]?
        if input.has("ids") {
            guard case .array(let values)? = input.object["ids"] else {
                input.fail("ids", "invalid_type", "must be an array of ids")
                try input.finish()
                return Response(status: .badRequest)
            }
            ids = values.compactMap { if case .int(let id) = $0 { id } else if case .number(let n) = $0 { Int64(exactly: n) } else { nil } }
            if ids?.count != values.count { input.fail("ids", "invalid_id", "must be an array of ids") }
        }
        try input.finish()
        let marked = try await store.notifications.markRead(identity.access, ids)
        let unread = try await store.notifications.unreadCount(identity.access)
        return JSONResponse.ok(.object(["marked": .int(Int64(marked)), "unread": .int(Int64(unread))]))
    }

    /// Server-sent events: first the unread count, then every new notification as it is written, on any node (the
    /// stream reads the database every two seconds). Each stream ends after a while and the browser reconnects,
    /// carrying on from the last event's id.
    @Sendable func stream(_ request: Request, context: AppContext) async throws -> Response {
        let identity = try context.requireIdentity()
        let store = store
        var start = Int64(request.headers[HTTPField.Name("Last-Event-ID")!] ?? "") ?? -1
        if start < 0 { start = try await store.notifications.list(identity.access, limit: 1).first?.id ?? 0 }
        let first = start
        var headers = HTTPFields()
        headers[.contentType] = "text/event-stream; charset=utf-8"
        headers[.cacheControl] = "no-cache"
        headers[HTTPField.Name("X-Accel-Buffering")!] = "no"
        let body = ResponseBody { writer in
            var last = first
            let unread = try await store.notifications.unreadCount(identity.access)
            try await writer.write(
                ByteBuffer(string: Self.event(id: last, data: .object(["unread": .int(Int64(unread)), "items": .array([])]), retry: 2000))
            )
            let end = ContinuousClock.now + .seconds(25)
            var step = 0
            // Short sleeps, so a server shutting down gracefully is not held up by an open page.
            while ContinuousClock.now < end && !Task.isCancelled && !Task.isShuttingDownGracefully {
                try await Task.sleep(for: .milliseconds(250))
                step += 1
                guard step % 8 == 0 else { continue }
                let fresh = try await store.notifications.after(identity.access, last)
                if let newest = fresh.last {
                    last = newest.id
                    let unread = try await store.notifications.unreadCount(identity.access)
                    let items = try await Self.json(fresh, store, identity)
                    try await writer.write(
                        ByteBuffer(string: Self.event(id: last, data: .object(["unread": .int(Int64(unread)), "items": .array(items)])))
                    )
                } else if step % 56 == 0 {
                    try await writer.write(ByteBuffer(string: ": still here\n\n"))
                }
            }
            try await writer.finish(nil)
        }
        return Response(status: .ok, headers: headers, body: body)
    }

    static func event(id: Int64, data: JSONValue, retry: Int? = nil) -> String {
        (retry.map { "retry: \($0)\n" } ?? "") + "id: \(id)\nevent: notifications\ndata: \(String(decoding: data.encoded(), as: UTF8.self))\n\n"
    }

    static func json(_ items: [UserNotification], _ store: Store, _ identity: Identity) async throws -> [JSONValue] {
        let titles = try await RecordTitles.load(store, identity.access, items.map { ($0.recordType, $0.recordID) })
        let names = try await store.users.names()
        return items.map { item in
            .object([
                "id": .int(item.id),
                "kind": .string(item.kind.rawValue),
                "record_type": .string(item.recordType.rawValue),
                "record_id": .int(item.recordID),
                "record_title": .string(titles[item.recordType, item.recordID] ?? ""),
                "actor_id": item.actorID.map { .int($0.rawValue) } ?? .null,
                "actor_name": .string(item.actorID.flatMap { names[$0] } ?? ""),
                "excerpt": .string(item.excerpt),
                "created_at": .string(item.createdAt.iso8601),
                "read_at": item.readAt.map { .string($0.iso8601) } ?? .null,
                "url": .string("/notifications/\(item.id)"),
            ])
        }
    }
}
