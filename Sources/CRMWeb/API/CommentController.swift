import CRMCore
import CRMStore
import Foundation
import Hummingbird

/// Comments on records through the API, and the people and teams one can mention.
struct CommentController {
    let store: Store

    func addRoutes(to group: RouterGroup<AppContext>) {
        for (type, collection) in Comment.commentable.collections {
            group.get("\(collection)/:id/comments") { request, context in try await list(type, request, context) }
            group.post("\(collection)/:id/comments") { request, context in try await add(type, request, context) }
        }
        group.delete("comments/:id", use: delete)
        group.get("mentions", use: mentionable)
    }

    func list(_ type: RecordType, _ request: Request, _ context: AppContext) async throws -> Response {
        let identity = try context.requireIdentity()
        let comments = try await store.comments.list(identity.access, of: type, id: try context.pathID())
        let names = try await store.users.names()
        let teams = Dictionary(uniqueKeysWithValues: try await store.teams.list().map { ($0.id, $0.name) })
        return JSONResponse.ok(.object(["items": .array(comments.map { $0.json(users: names, teams: teams) })]))
    }

    func add(_ type: RecordType, _ request: Request, _ context: AppContext) async throws -> Response {
        let identity = try context.requireIdentity()
        var input = try JSONInput(try await JSONInput.body(request, context: context), request: request, allowed: ["body"])
        let body = input.string("body") ?? ""
        try input.finish()
        let posted = try await store.comments.add(identity.access, to: type, id: try context.pathID(), body)
        let names = try await store.users.names()
        let teams = Dictionary(uniqueKeysWithValues: try await store.teams.list().map { ($0.id, $0.name) })
        guard case .object(var object) = posted.comment.json(users: names, teams: teams) else { return Response(status: .internalServerError) }
        // Mentioned by name but unable to see the record, so not told: the writer should know.
        object["not_told"] = .array(posted.unseen.map { .int($0.rawValue) })
        return JSONResponse.ok(.object(object), status: .created)
    }

    @Sendable func delete(_ request: Request, context: AppContext) async throws -> Response {
        let identity = try context.requireIdentity()
        try await store.comments.delete(identity.access, try context.pathID())
        return Response(status: .noContent)
    }

    /// `?q=` people (by name or e-mail) and teams whose name starts a word with it, case and diacritics folded, for the
    /// `@` autocomplete; with `record_type` and `record_id`, only people who may see that record.
    @Sendable func mentionable(_ request: Request, context: AppContext) async throws -> Response {
        let identity = try context.requireIdentity()
        var parameters = QueryParameters(request.queryDictionary, allowed: ["q", "record_type", "record_id"])
        let query = parameters.text("q") ?? ""
        let type = parameters.choice("record_type", RecordType.self)
        let id = parameters.id("record_id")
        if (type == nil) != (id == nil) {
            parameters.fail(ValidationError(field: "record_id", code: "required", message: "name the record by record_type and record_id together"))
        }
        if let type, !Comment.commentable.contains(type) {
            parameters.fail(
                ValidationError(field: "record_type", code: "invalid_choice", message: "must be company, contact, lead, deal or activity")
            )
        }
        try parameters.finish()
        let record = type.flatMap { type in id.map { (type, $0) } }
        if let (type, id) = record { _ = try await store.comments.list(identity.access, of: type, id: id) }
        let (users, teams) = try await store.comments.mentionable(identity.access, query, on: record)
        let items: [JSONValue] =
            users.map { .object(["kind": .string("user"), "id": .int($0.id.rawValue), "name": .string($0.name), "detail": .string($0.email.value)]) }
            + teams.map { .object(["kind": .string("team"), "id": .int($0.id.rawValue), "name": .string($0.name), "detail": .string("")]) }
        return JSONResponse.ok(.object(["items": .array(items)]))
    }
}

extension Comment {
    func json(users: [UserID: String], teams: [TeamID: String]) -> JSONValue {
        .object([
            "id": .int(id),
            "record_type": .string(recordType.rawValue),
            "record_id": .int(recordID),
            "author_id": .int(authorID.rawValue),
            "author_name": .string(users[authorID] ?? ""),
            "body": .string(body),
            "text": .string(MentionText.plain(body) { $0.name(users: users, teams: teams) }),
            "mentions": .array(
                MentionText.segments(body).compactMap {
                    guard case .mention(let mention) = $0 else { return nil }
                    switch mention {
                    case .user(let id): return .object(["kind": .string("user"), "id": .int(id.rawValue)])
                    case .team(let id): return .object(["kind": .string("team"), "id": .int(id.rawValue)])
                    }
                }
            ),
            "created_at": .string(createdAt.iso8601),
        ])
    }
}

extension Mention {
    func name(users: [UserID: String], teams: [TeamID: String]) -> String {
        switch self {
        case .user(let id): users[id] ?? "?"
        case .team(let id): teams[id] ?? "?"
        }
    }
}
