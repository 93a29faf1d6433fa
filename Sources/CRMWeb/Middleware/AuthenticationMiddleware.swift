import CRMCore
import CRMStore
import Foundation
import HTTPTypes
import Hummingbird
import Logging

/// Resolves who is calling, from a bearer token or the session cookie, and puts it in the context.
/// It never refuses by itself, except a bearer token that is wrong: a client that sends one expects it to count.
struct AuthenticationMiddleware: RouterMiddleware {
    typealias Context = AppContext
    let store: Store
    static let sessionCookie = "clientele_session"
    /// Style sheets and scripts: public, so nobody is looked up for them.
    static let assets = "/assets"

    func handle(_ request: Request, context: AppContext, next: (Request, AppContext) async throws -> Response) async throws -> Response {
        if request.uri.path.hasPrefix(Self.assets + "/") { return try await next(request, context) }
        var context = context
        if let authorization = request.headers[.authorization] {
            let parts = authorization.split(separator: " ", maxSplits: 1)
            guard parts.count == 2, parts[0].lowercased() == "bearer",
                let user = try await store.tokens.authenticate(secret: String(parts[1]).trimmingWhitespace())
            else {
                var problem = APIError(.unauthorized, code: "invalid_token", detail: "the API token is unknown, revoked or malformed")
                problem.headers[.wwwAuthenticate] = "Bearer realm=\"clientele\", error=\"invalid_token\""
                throw problem
            }
            context.identity = Identity(user: user, access: try await store.users.accessContext(for: user), credential: .apiToken)
        } else if let token = request.cookies[Self.sessionCookie]?.value, let session = try await store.sessions.resolve(token: token),
            !session.secondFactorDue
        {
            // A session still waiting for its code identifies nobody; only the code page reads it (AuthPages).
            let access = try await store.users.accessContext(for: session.user)
            context.identity = Identity(
                user: session.user,
                access: access,
                credential: .session(token: token, csrf: session.csrfToken),
                mustEnrollSecondFactor: session.mustEnroll,
                // Only pages show the bell; the API's own calls need not count.
                unreadNotifications: request.uri.path.hasPrefix("/api/") ? nil : try await store.notifications.unreadCount(access)
            )
        }
        return try await next(request, context)
    }
}

/// Guards the API: a caller must be identified, and a browser session must echo its CSRF token in
/// `X-CSRF-Token` on every state-changing request (API tokens are not sent automatically by browsers, so they
/// need no such proof).
struct APIAccessMiddleware: RouterMiddleware {
    typealias Context = AppContext

    func handle(_ request: Request, context: AppContext, next: (Request, AppContext) async throws -> Response) async throws -> Response {
        let identity = try context.requireIdentity()
        if identity.mustEnrollSecondFactor {
            throw APIError(.forbidden, code: "two_factor_required", detail: "your role requires two-factor sign-in; set it up in Settings first")
        }
        if request.method.isUnsafe, case .session(_, let csrf) = identity.credential {
            guard let sent = request.headers[.csrfToken], Secrets.constantTimeEqual(sent, csrf) else {
                throw APIError(.forbidden, code: "csrf", detail: "send the session's CSRF token in X-CSRF-Token")
            }
        }
        return try await next(request, context)
    }
}

extension HTTPRequest.Method {
    var isUnsafe: Bool { ![.get, .head, .options].contains(self) }
}
