import CRMCore
import CRMStore
import Foundation
import Hummingbird

/// The comments panel on a record's page, and its form posts: write one (mentions with `@`), remove one's own.
struct CommentPages {
    let store: Store
    let pages: PageRenderer

    func addRoutes(to router: RouterGroup<AppContext>) {
        for (type, collection) in Comment.commentable.collections {
            router.post("\(collection)/:id/comments") { request, context in try await add(type, collection, request, context) }
        }
        router.post("comments/:id/delete", use: delete)
    }

    /// What a record's page shows of its comments.
    static func panel(
        _ store: Store,
        _ identity: Identity,
        type: RecordType,
        id: Int64,
        owners: [UserID: String],
        format: DisplayFormatter
    )
        async throws -> [String: Any]
    {
        guard Comment.commentable.contains(type), let collection = type.collection else { return [:] }
        let comments = try await store.comments.list(identity.access, of: type, id: id)
        let teams = Dictionary(uniqueKeysWithValues: try await store.teams.list().map { ($0.id, $0.name) })
        return [
            "comments_panel": true,
            "comments_post": "/\(collection)/\(id)/comments", "comments_page": "/\(collection)/\(id)",
            "mentions_url": "/api/v1/mentions?record_type=\(type.rawValue)&record_id=\(id)",
            "has_comments": !comments.isEmpty,
            "comments": comments.map { comment in
                [
                    "id": comment.id, "author": owners[comment.authorID] ?? "", "at": format.dateTime(comment.createdAt),
                    "mine": comment.authorID == identity.user.id || identity.access.may(.manageUsers),
                    "segments": MentionText.segments(comment.body).map { segment -> [String: Any] in
                        switch segment {
                        case .text(let text): ["text": text]
                        case .mention(let mention): ["mention": true, "name": mention.name(users: owners, teams: teams)]
                        }
                    },
                ] as [String: Any]
            },
        ]
    }

    func add(_ type: RecordType, _ collection: String, _ request: Request, _ context: AppContext) async throws -> Response {
        let identity = try context.requireIdentity()
        let id = try context.pathID()
        let input = try await FormInput(request, context: context, csrf: identity.csrfToken)
        let posted: CommentStore.Posted
        do {
            posted = try await store.comments.add(identity.access, to: type, id: id, input["body"])
        } catch StoreError.invalid(let errors) {
            throw APIError.invalid(errors.errors)
        }
        guard !posted.unseen.isEmpty else { return redirect("/\(collection)/\(id)#comments", notice: Notice(key: "comment_added")) }
        let names = try await store.users.names()
        let unseen = posted.unseen.compactMap { names[$0] }.joined(separator: ", ")
        return redirect("/\(collection)/\(id)#comments", notice: Notice(key: "comment_unseen", subject: unseen))
    }

    @Sendable func delete(_ request: Request, context: AppContext) async throws -> Response {
        let identity = try context.requireIdentity()
        let input = try await FormInput(request, context: context, csrf: identity.csrfToken)
        try await store.comments.delete(identity.access, try context.pathID())
        return redirect(AuthPages.safeNext(input["next"]) + "#comments", notice: Notice(key: "comment_removed"))
    }
}
