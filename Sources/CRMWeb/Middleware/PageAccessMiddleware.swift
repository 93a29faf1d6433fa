import CRMCore
import Foundation
import HTTPTypes
import Hummingbird
import Logging

/// Pages need a signed-in user; anyone else is sent to the login page and brought back afterwards. Someone whose
/// role requires two-factor sign-in and who has not set it up reaches only the page where they do.
struct PageAccessMiddleware: RouterMiddleware {
    typealias Context = AppContext
    /// What stays open to someone who must set up two-factor sign-in first.
    static let enrollment = ["/settings/two-factor", "/logout", "/settings/language"]

    func handle(_ request: Request, context: AppContext, next: (Request, AppContext) async throws -> Response) async throws -> Response {
        guard let identity = context.identity else {
            let path = request.uri.path + (request.uri.query.map { "?" + $0 } ?? "")
            return redirect(path == "/" ? "/login" : "/login?next=" + percentEncoded(path))
        }
        if identity.mustEnrollSecondFactor, !Self.enrollment.contains(where: { request.uri.path.hasPrefix($0) }) {
            return redirect("/settings/two-factor")
        }
        return try await next(request, context)
    }
}
