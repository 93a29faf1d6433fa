public import CRMCore
import Foundation
import SQLKit

/// Comments on records, seen by whoever may see the record. Posting one notifies those it mentions (a team
/// mention reaches its members and manager) who may see the record; no one else learns of it.
public struct CommentStore: Sendable {
    let database: Database

    init(database: Database) { self.database = database }

    public func list(_ context: AccessContext, of type: RecordType, id: Int64) async throws -> [Comment] {
        try await database.read { db in
            try await RecordAccess.require(db, context, type, id, includeDeleted: true)
            return try await db.raw(
                """
                SELECT * FROM comments WHERE record_type = \(bind: type.rawValue) AND record_id = \(bind: id) AND deleted_at IS NULL
                ORDER BY created_at, id
                """
            ).all().map(Self.decode)
        }
    }

    /// What posting a comment did: the comment, and the people mentioned by name who may not see the record and so
    /// were not told (the writer should know).
    public struct Posted: Sendable {
        public let comment: Comment
        public let unseen: [UserID]
    }

    /// Posts `text` by the context's user; `@Name` of an active user or a team becomes a mention.
    public func add(_ context: AccessContext, to type: RecordType, id: Int64, _ text: String) async throws -> Posted {
        guard let author = context.userID else { throw StoreError.forbidden("only people write comments") }
        guard Comment.commentable.contains(type) else { throw StoreError.notFound(type) }
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        var errors: [ValidationError] = []
        if trimmed.isEmpty { errors.append(ValidationError(field: "body", code: "required", message: "write something")) }
        if trimmed.count > Comment.maxLength {
            errors.append(ValidationError(field: "body", code: "too_long", message: "must be at most \(Comment.maxLength) characters"))
        }
        if trimmed.hasControlCharacters {
            errors.append(ValidationError(field: "body", code: "control_character", message: "must not contain control characters"))
        }
        guard errors.isEmpty else { throw StoreError.invalid(ValidationErrors(errors)) }
        return try await database.write { db in
            try await RecordAccess.require(db, context, type, id, includeDeleted: false)
            let users = try await db.raw("SELECT id, name FROM users WHERE is_active = \(bind: true)").all().map {
                (UserID(try $0.value("id", as: Int64.self)), try $0.value("name", as: String.self))
            }
            let teams = try await db.raw("SELECT id, name FROM teams").all().map {
                (TeamID(try $0.value("id", as: Int64.self)), try $0.value("name", as: String.self))
            }
            let (body, mentions) = MentionText.resolve(trimmed, users: users, teams: teams)
            let known = Set(users.map(\.0))
            let knownTeams = Set(teams.map(\.0))
            guard
                let row = try await db.raw(
                    """
                    INSERT INTO comments (record_type, record_id, author_id, body, created_at)
                    VALUES (\(bind: type.rawValue), \(bind: id), \(bind: author.rawValue), \(bind: body), \(bind: Timestamp.now.rawValue)) RETURNING *
                    """
                ).first()
            else { throw StoreError.configuration("insert returned no comment") }
            let comment = try Self.decode(row)
            var reached = Set<UserID>()
            var named = Set<UserID>()
            for mention in mentions.sorted(by: { "\($0)" < "\($1)" }) {
                switch mention {
                case .user(let user) where known.contains(user):
                    try await db.raw("INSERT INTO comment_mentions (comment_id, user_id) VALUES (\(bind: comment.id), \(bind: user.rawValue))").run()
                    reached.insert(user)
                    named.insert(user)
                case .team(let team) where knownTeams.contains(team):
                    try await db.raw("INSERT INTO comment_mentions (comment_id, team_id) VALUES (\(bind: comment.id), \(bind: team.rawValue))").run()
                    let members = try await db.raw(
                        """
                        SELECT user_id AS id FROM team_members WHERE team_id = \(bind: team.rawValue)
                        UNION SELECT manager_id AS id FROM teams WHERE id = \(bind: team.rawValue) AND manager_id IS NOT NULL
                        """
                    ).all()
                    for member in members { reached.insert(UserID(try member.value("id", as: Int64.self))) }
                default:
                    continue
                }
            }
            let names = Dictionary(uniqueKeysWithValues: users.map { ($0.0.rawValue, $0.1) })
            let teamNames = Dictionary(uniqueKeysWithValues: teams.map { ($0.0.rawValue, $0.1) })
            let excerpt = String(
                MentionText.plain(body) { mention in
                    switch mention {
                    case .user(let user): names[user.rawValue] ?? "?"
                    case .team(let team): teamNames[team.rawValue] ?? "?"
                    }
                }.prefix(200)
            )
            let told = try await NotificationStore.notify(
                db,
                reached,
                kind: .mention,
                type: type,
                id: id,
                by: context,
                excerpt: excerpt,
                comment: comment.id
            )
            let unseen = named.subtracting(told).subtracting(context.userID.map { [$0] } ?? [])
            return Posted(comment: comment, unseen: unseen.sorted { $0.rawValue < $1.rawValue })
        }
    }

    /// Removes a comment: its author's, or anyone's for those who manage users.
    public func delete(_ context: AccessContext, _ id: Int64) async throws {
        try await database.write { db in
            guard let row = try await db.raw("SELECT * FROM comments WHERE id = \(bind: id) AND deleted_at IS NULL").first() else {
                throw StoreError.notFound(.comment)
            }
            let comment = try Self.decode(row)
            do {
                try await RecordAccess.require(db, context, comment.recordType, comment.recordID, includeDeleted: true)
            } catch { throw StoreError.notFound(.comment) }
            guard comment.authorID == context.userID || context.may(.manageUsers) else {
                throw StoreError.forbidden("only its author removes a comment")
            }
            try await db.raw("UPDATE comments SET deleted_at = \(bind: Timestamp.now.rawValue) WHERE id = \(bind: id)").run()
            // What it told people goes with it: a notification must not keep words their author took back.
            try await db.raw("DELETE FROM notifications WHERE comment_id = \(bind: id)").run()
        }
    }

    /// Active people whose name or e-mail starts a word with `query` (folded), and teams by name; with a record, only
    /// people who may see it, since no one else would be told.
    public func mentionable(
        _ context: AccessContext,
        _ query: String,
        on record: (RecordType, Int64)?,
        limit: Int = 12
    )
        async throws -> (users: [User], teams: [Team])
    {
        let folded = TextFolding.fold(query)
        @Sendable func matches(_ text: String) -> Bool {
            let words = TextFolding.fold(text).split(whereSeparator: { $0 == " " || $0 == "." || $0 == "@" || $0 == "-" })
            return folded.isEmpty || words.contains { $0.hasPrefix(folded) } || TextFolding.fold(text).hasPrefix(folded)
        }
        // One connection for the people and, with a record, each one's access to it.
        let chosen = try await database.read { db -> [User] in
            let candidates = try await db.raw("SELECT * FROM users WHERE is_active = \(bind: true) ORDER BY name, id").all().map(UserStore.decode)
                .filter { matches($0.name) || matches($0.email.value) }
            var chosen: [User] = []
            for user in candidates where chosen.count < limit {
                if let (type, id) = record {
                    let access = try await UserStore.accessContext(db, user: user.id, role: user.role)
                    guard (try? await RecordAccess.require(db, access, type, id, includeDeleted: false)) != nil else { continue }
                }
                chosen.append(user)
            }
            return chosen
        }
        let teams = try await TeamStore(database: database).list().filter { matches($0.name) }.prefix(4)
        return (chosen, Array(teams))
    }

    static func decode(_ row: any SQLRow) throws -> Comment {
        Comment(
            id: try row.value("id"),
            recordType: RecordType(rawValue: try row.value("record_type")) ?? .company,
            recordID: try row.value("record_id"),
            authorID: UserID(try row.value("author_id", as: Int64.self)),
            body: try row.value("body"),
            createdAt: Timestamp(rawValue: try row.value("created_at"))
        )
    }
}
