import CRMCore
import Foundation
import HTTPTypes
import Hummingbird
import Logging

/// Turns every error into an answer: problem+json under `/api/`, an error page elsewhere. Faults nobody
/// anticipated become a 500 whose body says only the request id, while the log keeps the details.
struct ErrorMiddleware: RouterMiddleware {
    typealias Context = AppContext
    let pages: PageRenderer

    func handle(_ request: Request, context: AppContext, next: (Request, AppContext) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            let requestID = context.logger[metadataKey: "request_id"]?.description ?? context.id
            let problem =
                APIError.from(error)
                ?? {
                    context.logger.error("unhandled error", metadata: ["error": .string(String(reflecting: error))])
                    var problem = APIError(
                        .internalServerError,
                        code: "internal",
                        detail: "something went wrong on our side; quote request id \(requestID)"
                    )
                    problem.extensions["request_id"] = .string(requestID)
                    return problem
                }()
            if request.uri.path.hasPrefix("/api/") || request.headers[.accept]?.contains("json") == true {
                return problem.response()
            }
            return pages.errorPage(problem, identity: context.identity, request: request)
        }
    }
}
