import CRMCore
import CRMStore
import Foundation
import Hummingbird

/// `GET /api/v1/search`: one query across companies, contacts, leads and deals, as the search box asks it.
struct SearchController {
    let store: Store

    static let maxQueryLength = 200

    func addRoutes(to group: RouterGroup<AppContext>) {
        group.get("search", use: search)
    }

    @Sendable func search(_ request: Request, context: AppContext) async throws -> Response {
        let identity = try context.requireIdentity()
        var parameters = QueryParameters(request.queryDictionary, allowed: ["q", "limit"])
        let text = (parameters.text("q") ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        if text.isEmpty {
            parameters.fail(ValidationError(field: "q", code: "required", message: "must name what to search for"))
        } else if text.count > Self.maxQueryLength {
            parameters.fail(ValidationError(field: "q", code: "too_long", message: "may be at most \(Self.maxQueryLength) characters"))
        }
        let limit = parameters.integer("limit", in: 1...50) ?? 10
        try parameters.finish()
        let results = try await store.search(identity.access, text, limit: limit)
        return JSONResponse.ok(
            .object([
                "query": .string(text),
                "companies": .array(results.companies.map(\.json)),
                "contacts": .array(results.contacts.map(\.json)),
                "leads": .array(results.leads.map(\.json)),
                "deals": .array(results.deals.map(\.json)),
            ])
        )
    }
}
