import HTTPTypes
import Hummingbird

/// The headers a customer's security review looks for, on every answer (pages, API, files, errors):
/// - a Content-Security-Policy that runs only our own scripts and styles (no inline ones: pages have none) and lets
///   no other site frame a page;
/// - no MIME sniffing, no referrer sent to other sites, no framing for browsers without CSP;
/// - HSTS when Clientele is reached over HTTPS (`--secure-cookies`), so browsers keep to it.
struct SecurityHeadersMiddleware: RouterMiddleware {
    typealias Context = AppContext
    let https: Bool

    static let contentSecurityPolicy = [
        "default-src 'self'", "script-src 'self'", "style-src 'self'", "img-src 'self' data:", "object-src 'none'",
        "base-uri 'self'", "form-action 'self'", "frame-ancestors 'none'",
    ].joined(separator: "; ")

    func handle(_ request: Request, context: AppContext, next: (Request, AppContext) async throws -> Response) async throws -> Response {
        var response = try await next(request, context)
        // A download sets its own, stricter policy (a sandbox); pages and the API get the common one.
        if response.headers[.contentSecurityPolicy] == nil {
            response.headers[.contentSecurityPolicy] = Self.contentSecurityPolicy
        }
        response.headers[HTTPField.Name("X-Content-Type-Options")!] = "nosniff"
        response.headers[HTTPField.Name("X-Frame-Options")!] = "DENY"
        response.headers[HTTPField.Name("Referrer-Policy")!] = "same-origin"
        if https { response.headers[HTTPField.Name("Strict-Transport-Security")!] = "max-age=31536000; includeSubDomains" }
        return response
    }
}
