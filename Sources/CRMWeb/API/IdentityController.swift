import CRMCore
import CRMStore
import Foundation
import HTTPTypes
import Hummingbird
import Logging

/// Users, teams and API tokens. The store decides who may change what; this only speaks HTTP.
struct IdentityController {
    let store: Store

    func addRoutes(to group: RouterGroup<AppContext>) {
        group.get("me", use: me)
        group.get("users", use: listUsers)
        group.post("users", use: createUser)
        group.get("users/:id", use: getUser)
        group.patch("users/:id", use: updateUser)
        group.get("teams", use: listTeams)
        group.post("teams", use: createTeam)
        group.get("teams/:id", use: getTeam)
        group.patch("teams/:id", use: updateTeam)
        group.get("tokens", use: listTokens)
        group.post("tokens", use: createToken)
        group.delete("tokens/:id", use: revokeToken)
    }

    @Sendable func me(_ request: Request, context: AppContext) async throws -> Response {
        let identity = try context.requireIdentity()
        var object = identity.user.jsonObject
        object["team_ids"] = .array(identity.access.memberTeams.sorted().map { .int($0.rawValue) })
        object["headed_team_ids"] = .array(identity.access.headedTeams.sorted().map { .int($0.rawValue) })
        return JSONResponse.ok(.object(object))
    }

    @Sendable func listUsers(_ request: Request, context: AppContext) async throws -> Response {
        _ = try context.requireIdentity()
        return JSONResponse.ok(.object(["items": .array(try await store.users.list().map { .object($0.jsonObject) })]))
    }

    @Sendable func getUser(_ request: Request, context: AppContext) async throws -> Response {
        _ = try context.requireIdentity()
        return JSONResponse.ok(.object(try await store.users.get(UserID(try context.pathID())).jsonObject))
    }

    @Sendable func createUser(_ request: Request, context: AppContext) async throws -> Response {
        let identity = try context.requireIdentity()
        let body = try await JSONInput.body(request, context: context)
        var input = try JSONInput(body, request: request, allowed: ["email", "name", "role", "password", "locale", "time_zone"])
        let email = input.string("email") ?? ""
        let name = input.string("name") ?? ""
        let password = input.string("password") ?? ""
        let role = input.choice("role", Role.self) ?? nil
        let locale = input.string("locale") ?? "en"
        let timeZone = input.string("time_zone") ?? "Europe/Warsaw"
        if role == nil { input.fail("role", "required", "must be one of " + Role.allCases.map(\.rawValue).joined(separator: ", ")) }
        try input.finish()
        let user = try await store.users.create(
            identity.access,
            .init(email: email, name: name, role: role!, password: password, locale: locale, timeZone: timeZone)
        )
        var response = JSONResponse.ok(.object(user.jsonObject), status: .created)
        response.headers[.location] = "/api/v1/users/\(user.id)"
        return response
    }

    @Sendable func updateUser(_ request: Request, context: AppContext) async throws -> Response {
        let identity = try context.requireIdentity()
        let id = UserID(try context.pathID())
        let body = try await JSONInput.body(request, context: context)
        var input = try JSONInput(body, request: request, allowed: ["name", "role", "locale", "time_zone", "is_active", "password"])
        var changes = UserStore.Changes()
        changes.name = input.string("name")
        changes.role = input.choice("role", Role.self) ?? nil
        changes.locale = input.string("locale")
        changes.timeZone = input.string("time_zone")
        changes.isActive = input.bool("is_active")
        let password = input.string("password")
        try input.finish()
        _ = try await store.users.get(id)
        if let password { try await store.users.setPassword(identity.access, id, password) }
        let user = try await store.users.update(identity.access, id, changes)
        return JSONResponse.ok(.object(user.jsonObject))
    }

    @Sendable func listTeams(_ request: Request, context: AppContext) async throws -> Response {
        _ = try context.requireIdentity()
        return JSONResponse.ok(.object(["items": .array(try await store.teams.list().map(\.json))]))
    }

    @Sendable func getTeam(_ request: Request, context: AppContext) async throws -> Response {
        _ = try context.requireIdentity()
        return JSONResponse.ok(try await store.teams.get(TeamID(try context.pathID())).json)
    }

    @Sendable func createTeam(_ request: Request, context: AppContext) async throws -> Response {
        let identity = try context.requireIdentity()
        let body = try await JSONInput.body(request, context: context)
        var input = try JSONInput(body, request: request, allowed: ["name", "manager_id", "shares_records", "member_ids"])
        let name = input.string("name") ?? ""
        let manager = input.id("manager_id") ?? nil
        let shares = input.bool("shares_records") ?? false
        let members = Self.memberIDs(&input)
        try input.finish()
        try identity.access.require(.manageUsers)
        var team = try await store.teams.create(identity.access, name: name, managerID: manager.map { UserID($0) }, sharesRecords: shares)
        if let members { team = try await store.teams.setMembers(identity.access, team.id, members) }
        var response = JSONResponse.ok(team.json, status: .created)
        response.headers[.location] = "/api/v1/teams/\(team.id)"
        return response
    }

    @Sendable func updateTeam(_ request: Request, context: AppContext) async throws -> Response {
        let identity = try context.requireIdentity()
        let id = TeamID(try context.pathID())
        let body = try await JSONInput.body(request, context: context)
        var input = try JSONInput(body, request: request, allowed: ["name", "manager_id", "shares_records", "member_ids"])
        let name = input.string("name")
        let manager = input.id("manager_id").map { $0.map { UserID($0) } }
        let shares = input.bool("shares_records")
        let members = Self.memberIDs(&input)
        try input.finish()
        var team = try await store.teams.update(identity.access, id, name: name, managerID: manager, sharesRecords: shares)
        if let members { team = try await store.teams.setMembers(identity.access, id, members) }
        return JSONResponse.ok(team.json)
    }

    @Sendable func listTokens(_ request: Request, context: AppContext) async throws -> Response {
        let identity = try context.requireIdentity()
        let tokens = try await store.tokens.list(identity.access, user: identity.user.id)
        return JSONResponse.ok(.object(["items": .array(tokens.map { $0.json(secret: nil) })]))
    }

    @Sendable func createToken(_ request: Request, context: AppContext) async throws -> Response {
        let identity = try context.requireIdentity()
        let body = try await JSONInput.body(request, context: context)
        var input = try JSONInput(body, request: request, allowed: ["name"])
        let name = input.string("name") ?? ""
        try input.finish()
        let (token, secret) = try await store.tokens.create(identity.access, user: identity.user.id, name: name)
        return JSONResponse.ok(token.json(secret: secret), status: .created)
    }

    @Sendable func revokeToken(_ request: Request, context: AppContext) async throws -> Response {
        let identity = try context.requireIdentity()
        try await store.tokens.revoke(identity.access, id: try context.pathID())
        return Response(status: .noContent)
    }

    static func memberIDs(_ input: inout JSONInput) -> [UserID]? {
        input.array("member_ids") { element, path throws(ValidationError) in
            guard case .int(let id) = element, id > 0 else { throw ValidationError(field: path, code: "wrong_type", message: "must be a user id") }
            return UserID(id)
        }
    }
}

extension User {
    var jsonObject: [String: JSONValue] {
        [
            "id": .int(id.rawValue), "email": .string(email.value), "name": .string(name), "role": .string(role.rawValue),
            "locale": .string(locale), "time_zone": .string(timeZone), "is_active": .bool(isActive), "created_at": .string(createdAt.iso8601),
        ]
    }
}

extension Team {
    var json: JSONValue {
        .object([
            "id": .int(id.rawValue), "name": .string(name), "manager_id": .optional(managerID?.rawValue),
            "shares_records": .bool(sharesRecords), "member_ids": .array(memberIDs.map { .int($0.rawValue) }),
        ])
    }
}

extension TokenStore.Token {
    func json(secret: String?) -> JSONValue {
        var object: [String: JSONValue] = [
            "id": .int(id), "name": .string(name), "prefix": .string(prefix), "created_at": .string(createdAt.iso8601),
            "last_used_at": .optional(lastUsedAt?.iso8601), "revoked_at": .optional(revokedAt?.iso8601),
        ]
        if let secret { object["token"] = .string(secret) }
        return .object(object)
    }
}
