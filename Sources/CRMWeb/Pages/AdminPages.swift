import CRMCore
import CRMStore
import Foundation
import HTTPTypes
import Hummingbird
import Logging

/// Administration: users, teams, roles, and every user's own API tokens.
struct AdminPages {
    let store: Store
    let pages: PageRenderer

    func addRoutes(to group: RouterGroup<AppContext>) {
        group.get("admin/users", use: users)
        group.post("admin/users", use: createUser)
        group.post("admin/users/:id", use: updateUser)
        group.get("admin/teams", use: teams)
        group.post("admin/teams", use: createTeam)
        group.post("admin/teams/:id", use: updateTeam)
        group.get("admin/roles", use: roles)
        group.get("settings", use: settings)
        group.get("settings/tokens", use: tokens)
        group.post("settings/tokens", use: createToken)
        group.post("settings/tokens/:id/revoke", use: revokeToken)
    }

    /// `/settings`: every setting on one page, each with what it is for, so nobody hunts through menus. Admins see
    /// the company's; everyone sees their own.
    @Sendable func settings(_ request: Request, context: AppContext) async throws -> Response {
        let identity = try context.requireIdentity()
        let t = pages.strings(PageRenderer.language(identity: identity, request: request))
        func entry(_ href: String, _ key: String) -> [String: Any] {
            ["href": href, "title": t[key] ?? key, "about": t["settings_about_\(key)"] ?? ""]
        }
        // Each company setting is listed to those whose role may change it.
        let company: [(href: String, key: String, capability: Capability)] = [
            ("/admin/users", "nav_users", .manageUsers), ("/admin/teams", "nav_teams", .manageUsers), ("/admin/roles", "nav_roles", .manageUsers),
            ("/admin/pipelines", "nav_pipelines", .manageFunnel), ("/admin/leads", "lead_settings", .manageLeadRules),
            ("/admin/fields", "nav_fields", .manageFields),
            ("/processes", "nav_processes", .manageProcesses), ("/imports", "nav_imports", .superviseImports),
        ]
        let allowed = company.filter { identity.access.may($0.capability) }.map { entry($0.href, $0.key) }
        let data: [String: Any] = [
            "company_settings": allowed, "has_company_settings": !allowed.isEmpty,
            "own_settings": [
                entry("/settings/two-factor", "two_factor"), entry("/settings/sessions", "nav_sessions"), entry("/settings/tokens", "nav_tokens"),
            ],
        ]
        return pages.render("settings", data, identity: identity, request: request, title: t["nav_settings"])
    }

    @Sendable func users(_ request: Request, context: AppContext) async throws -> Response {
        let identity = try context.require(.manageUsers)
        return try await usersPage(identity, request, errors: [], status: .ok)
    }

    @Sendable func createUser(_ request: Request, context: AppContext) async throws -> Response {
        let identity = try context.require(.manageUsers)
        let form = try await FormInput(request, context: context, csrf: identity.csrfToken)
        do {
            _ = try await store.users.create(
                identity.access,
                .init(
                    email: form["email"],
                    name: form["name"],
                    role: Role(rawValue: form["role"]) ?? .salesRep,
                    password: form["password"],
                    locale: MessageCatalog.language(of: form["locale"]),
                    timeZone: form["time_zone"].isEmpty ? "Europe/Warsaw" : form["time_zone"]
                )
            )
            return redirect("/admin/users", notice: Notice(key: "saved"))
        } catch let error as StoreError {
            return try await usersPage(identity, request, errors: error.formErrors, status: .unprocessableContent)
        }
    }

    @Sendable func updateUser(_ request: Request, context: AppContext) async throws -> Response {
        let identity = try context.require(.manageUsers)
        let id = UserID(try context.pathID())
        let form = try await FormInput(request, context: context, csrf: identity.csrfToken)
        do {
            if !form["password"].isEmpty { try await store.users.setPassword(identity.access, id, form["password"]) }
            _ = try await store.users.update(identity.access, id, .init(role: Role(rawValue: form["role"]), isActive: form["active"] == "on"))
            return redirect("/admin/users", notice: Notice(key: "saved"))
        } catch let error as StoreError {
            return try await usersPage(identity, request, errors: error.formErrors, status: .unprocessableContent)
        }
    }

    @Sendable func teams(_ request: Request, context: AppContext) async throws -> Response {
        let identity = try context.require(.manageUsers)
        return try await teamsPage(identity, request, errors: [], status: .ok)
    }

    @Sendable func createTeam(_ request: Request, context: AppContext) async throws -> Response {
        let identity = try context.require(.manageUsers)
        let form = try await FormInput(request, context: context, csrf: identity.csrfToken)
        do {
            _ = try await store.teams.create(
                identity.access,
                name: form["name"],
                managerID: Int64(form["manager_id"]).map { UserID($0) },
                sharesRecords: form["shares"] == "on"
            )
            return redirect("/admin/teams", notice: Notice(key: "saved"))
        } catch let error as StoreError {
            return try await teamsPage(identity, request, errors: error.formErrors, status: .unprocessableContent)
        }
    }

    @Sendable func updateTeam(_ request: Request, context: AppContext) async throws -> Response {
        let identity = try context.require(.manageUsers)
        let id = TeamID(try context.pathID())
        let form = try await FormInput(request, context: context, csrf: identity.csrfToken)
        do {
            _ = try await store.teams.update(
                identity.access,
                id,
                name: form["name"],
                managerID: .some(Int64(form["manager_id"]).map { UserID($0) }),
                sharesRecords: form["shares"] == "on"
            )
            _ = try await store.teams.setMembers(identity.access, id, form.all("member_ids").compactMap(Int64.init).map { UserID($0) })
            return redirect("/admin/teams", notice: Notice(key: "saved"))
        } catch let error as StoreError {
            return try await teamsPage(identity, request, errors: error.formErrors, status: .unprocessableContent)
        }
    }

    /// What each role may reach: a description of `AccessContext.visibility`, kept beside it in the catalogs.
    @Sendable func roles(_ request: Request, context: AppContext) async throws -> Response {
        let identity = try context.require(.manageUsers)
        let t = pages.strings(PageRenderer.language(identity: identity, request: request))
        let requiring = try await store.twoFactor.requiredRoles()
        let roles = Role.allCases.map {
            [
                "name": t["role_\($0.rawValue)"] ?? $0.rawValue, "scope": t["role_scope_\($0.rawValue)"] ?? "", "key": $0.rawValue,
                "two_factor": requiring.contains($0),
            ]
        }
        // The same table the store asks (`Role.capabilities`), so what is shown is what is enforced.
        let capabilities = Capability.allCases.map { capability in
            [
                "key": capability.rawValue, "name": t["capability_\(capability.rawValue)"] ?? capability.rawValue,
                "roles": Role.allCases.map { ["may": $0.capabilities.contains(capability), "role": $0.rawValue] },
            ] as [String: Any]
        }
        return pages.render(
            "admin_roles",
            ["roles": roles, "capabilities": capabilities],
            identity: identity,
            request: request,
            title: t["nav_roles"]
        )
    }

    @Sendable func tokens(_ request: Request, context: AppContext) async throws -> Response {
        let identity = try context.requireIdentity()
        return try await tokensPage(identity, request, secret: nil, errors: [], status: .ok)
    }

    @Sendable func createToken(_ request: Request, context: AppContext) async throws -> Response {
        let identity = try context.requireIdentity()
        let form = try await FormInput(request, context: context, csrf: identity.csrfToken)
        do {
            let (_, secret) = try await store.tokens.create(identity.access, user: identity.user.id, name: form["name"])
            return try await tokensPage(identity, request, secret: secret, errors: [], status: .created)
        } catch let error as StoreError {
            return try await tokensPage(identity, request, secret: nil, errors: error.formErrors, status: .unprocessableContent)
        }
    }

    @Sendable func revokeToken(_ request: Request, context: AppContext) async throws -> Response {
        let identity = try context.requireIdentity()
        let id = try context.pathID()
        _ = try await FormInput(request, context: context, csrf: identity.csrfToken)
        try await store.tokens.revoke(identity.access, id: id)
        return redirect("/settings/tokens")
    }

    // MARK: Pieces

    private func usersPage(_ identity: Identity, _ request: Request, errors: [ValidationError], status: HTTPResponse.Status) async throws -> Response
    {
        let t = pages.strings(PageRenderer.language(identity: identity, request: request))
        let format = pages.formatter(identity)
        let twoFactor = try await store.twoFactor.enabledUsers()
        let users = try await store.users.list().map { user -> [String: Any] in
            [
                "id": user.id.rawValue, "name": user.name, "email": user.email.value, "active": user.isActive,
                "two_factor": twoFactor.contains(user.id),
                "locale": MessageCatalog.languageNames[MessageCatalog.language(of: user.locale)] ?? user.locale, "time_zone": user.timeZone,
                "created": format.date(user.createdAt),
                "roles": Role.allCases.map { ["value": $0.rawValue, "label": t["role_\($0.rawValue)"] ?? $0.rawValue, "selected": $0 == user.role] },
            ]
        }
        let data: [String: Any] = [
            "users": users, "errors": errors.map { pages.message($0, t) }, "has_errors": !errors.isEmpty,
            "roles": Role.allCases.map { ["value": $0.rawValue, "label": t["role_\($0.rawValue)"] ?? $0.rawValue, "selected": $0 == .salesRep] },
        ]
        return pages.render("admin_users", data, identity: identity, request: request, status: status, title: t["nav_users"])
    }

    private func teamsPage(_ identity: Identity, _ request: Request, errors: [ValidationError], status: HTTPResponse.Status) async throws -> Response
    {
        let t = pages.strings(PageRenderer.language(identity: identity, request: request))
        let users = try await store.users.list()
        let teams = try await store.teams.list().map { team -> [String: Any] in
            [
                "id": team.id.rawValue, "name": team.name, "shares": team.sharesRecords,
                "managers": users.map { ["id": $0.id.rawValue, "name": $0.name, "selected": $0.id == team.managerID] },
                "members": users.map { ["id": $0.id.rawValue, "name": $0.name, "selected": team.memberIDs.contains($0.id)] },
                "member_names": users.filter { team.memberIDs.contains($0.id) }.map(\.name).joined(separator: ", "),
            ]
        }
        let data: [String: Any] = [
            "teams": teams, "users": users.map { ["id": $0.id.rawValue, "name": $0.name] },
            "errors": errors.map { pages.message($0, t) }, "has_errors": !errors.isEmpty,
        ]
        return pages.render("admin_teams", data, identity: identity, request: request, status: status, title: t["nav_teams"])
    }

    private func tokensPage(
        _ identity: Identity,
        _ request: Request,
        secret: String?,
        errors: [ValidationError],
        status: HTTPResponse.Status
    ) async throws -> Response {
        let t = pages.strings(PageRenderer.language(identity: identity, request: request))
        let format = pages.formatter(identity)
        let tokens = try await store.tokens.list(identity.access, user: identity.user.id).map { token -> [String: Any] in
            [
                "id": token.id, "name": token.name, "prefix": token.prefix, "created": format.dateTime(token.createdAt),
                "last_used": token.lastUsedAt.map(format.dateTime) ?? "—", "revoked": token.revokedAt != nil,
            ]
        }
        let data: [String: Any] = [
            "tokens": tokens, "secret": secret ?? "", "has_secret": secret != nil,
            "errors": errors.map { pages.message($0, t) }, "has_errors": !errors.isEmpty,
        ]
        return pages.render("tokens", data, identity: identity, request: request, status: status, title: t["nav_tokens"])
    }
}
