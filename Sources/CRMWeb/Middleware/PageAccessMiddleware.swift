import CRMCore
import Foundation
import HTTPTypes
import Hummingbird
import Logging

/// Pages need a signed-in user; anyone else is sent to the login page and brought back afterwards.
struct PageAccessMiddleware: RouterMiddleware {
    typealias Context = AppContext

    func handle(_ request: Request, context: AppContext, next: (Request, AppContext) async throws -> Response) async throws -> Response {
        guard context.identity != nil else {
            let path = request.uri.path + (request.uri.query.map { "?" + $0 } ?? "")
            return redirect(path == "/" ? "/login" : "/login?next=" + percentEncoded(path))
        }
        return try await next(request, context)
    }
}
