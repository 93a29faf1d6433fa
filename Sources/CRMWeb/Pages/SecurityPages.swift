import CRMCore
import CRMStore
import Foundation
import HTTPTypes
import Hummingbird

/// A user's own sign-in security: two-factor sign-in (set up, recovery codes, turn off) and the sessions signed
/// in as them, each of which they can end. Admins require two-factor sign-in per role on the roles page.
struct SecurityPages {
    let store: Store
    let pages: PageRenderer

    func addRoutes(to group: RouterGroup<AppContext>) {
        group.get("settings/two-factor", use: twoFactor)
        group.post("settings/two-factor/begin", use: begin)
        group.post("settings/two-factor/confirm", use: confirm)
        group.post("settings/two-factor/recovery-codes", use: recoveryCodes)
        group.post("settings/two-factor/disable", use: disable)
        group.get("settings/sessions", use: sessions)
        group.post("settings/sessions/end", use: endSessions)
        group.post("admin/roles/two-factor", use: requireForRoles)
        group.post("admin/users/:id/two-factor/reset", use: reset)
    }

    @Sendable func twoFactor(_ request: Request, context: AppContext) async throws -> Response {
        let identity = try context.requireIdentity()
        return try await twoFactorPage(identity, request, codes: [], errors: [], status: .ok)
    }

    @Sendable func begin(_ request: Request, context: AppContext) async throws -> Response {
        let identity = try context.requireIdentity()
        _ = try await FormInput(request, context: context, csrf: identity.csrfToken)
        _ = try await store.twoFactor.begin(identity.user)
        return redirect("/settings/two-factor")
    }

    @Sendable func confirm(_ request: Request, context: AppContext) async throws -> Response {
        try await withCode(request, context) { identity, code in
            let codes = try await store.twoFactor.confirm(identity.user, code: code)
            return try await twoFactorPage(identity, request, codes: codes, errors: [], status: .ok, enabledNow: true)
        }
    }

    @Sendable func recoveryCodes(_ request: Request, context: AppContext) async throws -> Response {
        try await withCode(request, context) { identity, code in
            let codes = try await store.twoFactor.newRecoveryCodes(identity.user, code: code)
            return try await twoFactorPage(identity, request, codes: codes, errors: [], status: .ok)
        }
    }

    @Sendable func disable(_ request: Request, context: AppContext) async throws -> Response {
        try await withCode(request, context) { identity, code in
            try await store.twoFactor.disable(identity.user, code: code)
            return redirect("/settings/two-factor")
        }
    }

    /// Runs a change that needs a current code; a wrong one shows the page again with the store's reason.
    private func withCode(_ request: Request, _ context: AppContext, _ change: (Identity, String) async throws -> Response) async throws -> Response {
        let identity = try context.requireIdentity()
        let form = try await FormInput(request, context: context, csrf: identity.csrfToken)
        do {
            return try await change(identity, form["code"])
        } catch let error as StoreError {
            return try await twoFactorPage(identity, request, codes: [], errors: error.formErrors, status: .unprocessableContent)
        }
    }

    private func twoFactorPage(
        _ identity: Identity,
        _ request: Request,
        codes: [String],
        errors: [ValidationError],
        status: HTTPResponse.Status,
        enabledNow: Bool = false
    ) async throws -> Response {
        let t = pages.strings(PageRenderer.language(identity: identity, request: request))
        let state = try await store.twoFactor.status(identity.user)
        var data: [String: Any] = [
            "enabled": state.enabled, "required": state.required, "codes_left": state.recoveryCodesLeft,
            "recovery_codes": codes, "has_recovery_codes": !codes.isEmpty, "enabled_now": enabledNow,
            "must_enroll": identity.mustEnrollSecondFactor && !state.enabled,
            "errors": errors.map { pages.message($0, t) }, "has_errors": !errors.isEmpty,
        ]
        if let pending = state.pending { data["pending"] = ["key": pending.key, "url": pending.url] }
        return pages.render("two_factor", data, identity: identity, request: request, status: status, title: t["two_factor"])
    }

    @Sendable func sessions(_ request: Request, context: AppContext) async throws -> Response {
        let identity = try context.requireIdentity()
        let t = pages.strings(PageRenderer.language(identity: identity, request: request))
        let format = pages.formatter(identity)
        let current: String? = if case .session(let token, _) = identity.credential { Secrets.digest(token) } else { nil }
        let listed = try await store.sessions.list(identity.user.id).map { session -> [String: Any] in
            [
                "id": session.id, "created": format.dateTime(session.createdAt), "last_seen": format.dateTime(session.lastSeenAt),
                "address": session.address, "browser": Browser.describe(session.userAgent), "agent": session.userAgent,
                "current": session.id == current,
            ]
        }
        return pages.render(
            "sessions",
            ["sessions": listed, "others": listed.count > 1],
            identity: identity,
            request: request,
            title: t["nav_sessions"]
        )
    }

    /// Ends one session (`id`), or every other one (`all=others`): signed out wherever they are.
    @Sendable func endSessions(_ request: Request, context: AppContext) async throws -> Response {
        let identity = try context.requireIdentity()
        let form = try await FormInput(request, context: context, csrf: identity.csrfToken)
        let current: String? = if case .session(let token, _) = identity.credential { token } else { nil }
        if form["all"] == "others" {
            try await store.sessions.end(identity.user.id, id: nil, keeping: current)
        } else if !form["id"].isEmpty {
            try await store.sessions.end(identity.user.id, id: form["id"])
        }
        return redirect("/settings/sessions")
    }

    @Sendable func reset(_ request: Request, context: AppContext) async throws -> Response {
        let identity = try context.require(.manageUsers)
        _ = try await FormInput(request, context: context, csrf: identity.csrfToken)
        try await store.twoFactor.reset(identity.access, UserID(try context.pathID()))
        return redirect("/admin/users", notice: Notice(key: "two_factor_reset_done"))
    }

    @Sendable func requireForRoles(_ request: Request, context: AppContext) async throws -> Response {
        let identity = try context.require(.manageUsers)
        let form = try await FormInput(request, context: context, csrf: identity.csrfToken)
        let roles = Set(form.all("two_factor").compactMap(Role.init(rawValue:)))
        try await store.twoFactor.setRequiredRoles(identity.access, roles)
        return redirect("/admin/roles", notice: Notice(key: "saved"))
    }
}
