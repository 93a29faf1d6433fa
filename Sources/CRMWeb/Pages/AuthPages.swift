import CRMCore
import CRMStore
import Foundation
import HTTPTypes
import Hummingbird
import Logging

/// Signing in and out, and the user's own language.
struct AuthPages {
    let store: Store
    let pages: PageRenderer
    let settings: Dependencies.Settings
    static let loginCSRFCookie = "clientele_login_csrf"

    func addRoutes(to router: Router<AppContext>) {
        router.get("login", use: loginForm)
        router.post("login", use: login)
        router.get("login/code", use: codeForm)
        router.post("login/code", use: code)
        router.post("logout", use: logout)
    }

    func addProtectedRoutes(to group: RouterGroup<AppContext>) {
        group.post("settings/language", use: language)
    }

    /// The login form carries a random value that must match a cookie (double submit), so another site cannot
    /// sign a visitor in to an account of its choosing.
    @Sendable func loginForm(_ request: Request, context: AppContext) async throws -> Response {
        if context.identity != nil { return redirect("/") }
        if try await waitingForCode(request) != nil { return redirect("/login/code") }
        return loginPage(request, error: nil, email: "", status: .ok)
    }

    @Sendable func login(_ request: Request, context: AppContext) async throws -> Response {
        let form = try await FormInput(request, context: context, csrf: request.cookies[Self.loginCSRFCookie]?.value)
        let email = form["email"].trimmingWhitespace()
        let address = Self.clientAddress(request, context, settings)
        let t = pages.strings(PageRenderer.language(identity: nil, request: request))
        if try await store.loginThrottle.isLocked(account: email, address: address) {
            context.logger.warning("login throttled", metadata: ["account": .string(email), "address": .string(address)])
            return loginPage(request, error: t["login_locked"], email: email, status: .tooManyRequests)
        }
        guard let user = try await store.users.authenticate(email: email, password: form["password"]) else {
            try await store.loginThrottle.recordFailure(account: email, address: address)
            return loginPage(request, error: t["login_failed"], email: email, status: .unauthorized)
        }
        // With two-factor sign-in the password opens only the page asking for the code.
        let codeDue = try await store.twoFactor.status(user).enabled
        if !codeDue { try await store.loginThrottle.recordSuccess(account: email) }
        let session = try await store.sessions.create(
            for: user,
            address: address,
            userAgent: request.headers[.userAgent] ?? "",
            secondFactorDue: codeDue
        )
        context.logger.info(codeDue ? "password accepted, code due" : "signed in", metadata: ["user_id": .stringConvertible(user.id)])
        let next = Self.safeNext(form["next"])
        var response = redirect(codeDue ? "/login/code?next=" + percentEncoded(next) : next)
        response.setCookie(
            Cookie(
                name: AuthenticationMiddleware.sessionCookie,
                value: session.token,
                maxAge: Int(SessionStore.idleLifetime),
                path: "/",
                secure: settings.secureCookies,
                httpOnly: true,
                sameSite: .lax
            )
        )
        response.setCookie(
            Cookie(name: Self.loginCSRFCookie, value: "", maxAge: 0, path: "/login", secure: settings.secureCookies, httpOnly: true, sameSite: .lax)
        )
        return response
    }

    /// The session of a password accepted, waiting for its code.
    private func waitingForCode(_ request: Request) async throws -> SessionStore.Session? {
        guard let token = request.cookies[AuthenticationMiddleware.sessionCookie]?.value,
            let session = try await store.sessions.resolve(token: token), session.secondFactorDue
        else { return nil }
        return session
    }

    @Sendable func codeForm(_ request: Request, context: AppContext) async throws -> Response {
        guard let session = try await waitingForCode(request) else { return redirect("/login") }
        let next = Self.safeNext(request.uri.queryParameters.get("next").map { String($0) } ?? "/")
        return codePage(request, session: session, next: next, error: nil, status: .ok)
    }

    /// The second step: a code from the authenticator app, or a recovery code. Wrong codes count against the
    /// account as wrong passwords do, so the six digits cannot be guessed.
    @Sendable func code(_ request: Request, context: AppContext) async throws -> Response {
        guard let session = try await waitingForCode(request) else { return redirect("/login") }
        let form = try await FormInput(request, context: context, csrf: session.csrfToken)
        let account = session.user.email.value
        let address = Self.clientAddress(request, context, settings)
        let t = pages.strings(MessageCatalog.language(of: session.user.locale))
        if try await store.loginThrottle.isLocked(account: account, address: address) {
            return codePage(request, session: session, next: Self.safeNext(form["next"]), error: t["login_locked"], status: .tooManyRequests)
        }
        guard try await store.twoFactor.verify(session.user, code: form["code"]) else {
            try await store.loginThrottle.recordFailure(account: account, address: address)
            context.logger.warning("wrong second-factor code", metadata: ["user_id": .stringConvertible(session.user.id)])
            return codePage(
                request,
                session: session,
                next: Self.safeNext(form["next"]),
                error: t["two_factor_wrong_code"],
                status: .unprocessableContent
            )
        }
        try await store.loginThrottle.recordSuccess(account: account)
        try await store.sessions.completeSecondFactor(token: session.token)
        context.logger.info("signed in", metadata: ["user_id": .stringConvertible(session.user.id)])
        return redirect(Self.safeNext(form["next"]))
    }

    private func codePage(_ request: Request, session: SessionStore.Session, next: String, error: String?, status: HTTPResponse.Status) -> Response {
        pages.render(
            "login_code",
            ["error": error ?? "", "has_error": error != nil, "csrf": session.csrfToken, "next": Self.safeNext(next)],
            identity: nil,
            request: request,
            status: status,
            // Past the password, the page speaks the user's language.
            language: MessageCatalog.language(of: session.user.locale)
        )
    }

    @Sendable func logout(_ request: Request, context: AppContext) async throws -> Response {
        if let identity = context.identity, case .session(let token, let csrf) = identity.credential {
            _ = try await FormInput(request, context: context, csrf: csrf)
            try await store.sessions.delete(token: token)
        } else if let waiting = try await waitingForCode(request) {
            _ = try await FormInput(request, context: context, csrf: waiting.csrfToken)
            try await store.sessions.delete(token: waiting.token)
        }
        var response = redirect("/login")
        response.setCookie(
            Cookie(
                name: AuthenticationMiddleware.sessionCookie,
                value: "",
                maxAge: 0,
                path: "/",
                secure: settings.secureCookies,
                httpOnly: true,
                sameSite: .lax
            )
        )
        return response
    }

    @Sendable func language(_ request: Request, context: AppContext) async throws -> Response {
        let identity = try context.requireIdentity()
        let form = try await FormInput(request, context: context, csrf: identity.csrfToken)
        let language = MessageCatalog.language(of: form["language"])
        _ = try await store.users.update(identity.access, identity.user.id, .init(locale: language))
        return redirect(Self.safeNext(form["next"]))
    }

    private func loginPage(_ request: Request, error: String?, email: String, status: HTTPResponse.Status) -> Response {
        let token = Secrets.randomToken(bytes: 16)
        let next = request.uri.queryParameters.get("next") ?? ""
        var response = pages.render(
            "login",
            ["error": error ?? "", "has_error": error != nil, "email": email, "csrf": token, "next": next],
            identity: nil,
            request: request,
            status: status
        )
        response.setCookie(
            Cookie(
                name: Self.loginCSRFCookie,
                value: token,
                maxAge: 3600,
                path: "/login",
                secure: settings.secureCookies,
                httpOnly: true,
                sameSite: .lax
            )
        )
        return response
    }

    /// Only local paths, so a crafted link cannot bounce a fresh login to another site.
    static func safeNext(_ next: String) -> String {
        next.hasPrefix("/") && !next.hasPrefix("//") && !next.contains("\\") ? next : "/"
    }

    /// Who is asking, for limits kept per address. Behind a reverse proxy the peer is the proxy, and the client is
    /// the last address the proxy appended to `X-Forwarded-For` (earlier ones are whatever the client wrote).
    static func clientAddress(_ request: Request, _ context: AppContext, _ settings: Dependencies.Settings) -> String {
        if settings.behindProxy, let forwarded = request.headers[.xForwardedFor]?.split(separator: ",").last {
            return forwarded.trimmingWhitespace()
        }
        return context.remoteAddress ?? "unknown"
    }
}

extension HTTPField.Name {
    static let xForwardedFor = Self("X-Forwarded-For")!
}
