import HTTPTypes
import Hummingbird
import Synchronization

/// Answers 405 with `Allow` when an API path exists but not for the method asked, instead of the router's 404, so a
/// client learns what it may do there (RFC 9110, 15.5.6).
struct MethodNotAllowedMiddleware: RouterMiddleware {
    typealias Context = AppContext
    let routes: RouteMethods

    func handle(_ request: Request, context: AppContext, next: (Request, AppContext) async throws -> Response) async throws -> Response {
        let response = try await next(request, context)
        guard response.status == .notFound, request.uri.path.hasPrefix("/api/") else { return response }
        let allowed = routes.methods(for: request.uri.path)
        guard !allowed.isEmpty, !allowed.contains(request.method) else { return response }
        let names = allowed.map(\.rawValue).sorted()
        var problem = APIError(
            .methodNotAllowed,
            code: "method_not_allowed",
            detail: "\(request.method.rawValue) is not allowed here; use \(names.joined(separator: ", "))"
        )
        problem.headers[.allow] = names.joined(separator: ", ")
        return problem.response()
    }
}

/// The methods each routed path answers, filled in once the routes are defined.
final class RouteMethods: Sendable {
    private let table = Mutex<[(method: HTTPRequest.Method, segments: [Substring])]>([])

    func set(_ routes: [(method: HTTPRequest.Method, path: String)]) {
        table.withLock { $0 = routes.map { ($0.method, $0.path.split(separator: "/")) } }
    }

    /// A route's parameter segment (`:id`, or `{id}` as Hummingbird describes it), matching any one segment.
    static func isParameter(_ segment: Substring) -> Bool {
        segment.hasPrefix(":") || (segment.hasPrefix("{") && segment.hasSuffix("}")) || segment == "*"
    }

    /// The methods of the routes the router would reach `path` by. As the router does, a literal segment wins over
    /// a parameter (`/contacts/export` is the export, never the contact `:id`), without going back.
    func methods(for path: String) -> Set<HTTPRequest.Method> {
        let segments = path.split(separator: "/")
        return table.withLock { routes in
            var candidates = routes.filter { $0.segments.count == segments.count }
            for (index, actual) in segments.enumerated() {
                let literal = candidates.filter { $0.segments[index] == actual }
                candidates = literal.isEmpty ? candidates.filter { Self.isParameter($0.segments[index]) } : literal
            }
            return Set(candidates.map(\.method))
        }
    }
}
