import CRMStore
import CRMTestSupport
import CRMWeb
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

/// The OpenAPI document is written by hand; this keeps it and the router in step.
@Suite("OpenAPI contract")
struct OpenAPIContractTests {
    /// `/api/v1/companies/:id` → `/api/v1/companies/{id}`, the OpenAPI spelling.
    static func normalize(_ path: String) -> String {
        path.split(separator: "/").map { $0.hasPrefix(":") ? "{\($0.dropFirst())}" : String($0) }.joined(separator: "/").replacingOccurrences(
            of: "//",
            with: "/"
        )
        .withLeadingSlash
    }

    @Test("every API route is documented and every documented operation is routed")
    func specMatchesRoutes() async throws {
        try await TestDatabase.withStore(.sqlite) { store in
            let dependencies = try await Dependencies(store: store, logger: TestDatabase.logger)
            let router = buildRouter(dependencies)
            let routed = Set(
                router.routes.map { "\($0.method.rawValue.lowercased()) \(Self.normalize($0.path.description))" }.filter { $0.contains(" /api/") }
            )
            #expect(routed.count >= 25)
            let app = Application(router: router)
            try await app.test(.router) { client in
                let response = try await client.execute(uri: "/api/v1/openapi.json", method: .get)
                #expect(response.status == .ok)
                let document = try #require(try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [String: Any])
                #expect(document["openapi"] as? String == "3.1.0")
                let paths = try #require(document["paths"] as? [String: [String: Any]])
                var documented = Set<String>()
                for (path, item) in paths {
                    for method in item.keys where ["get", "post", "put", "patch", "delete"].contains(method) {
                        documented.insert("\(method) \(path)")
                    }
                }
                #expect(routed.subtracting(documented).isEmpty, "routes missing from openapi.json: \(routed.subtracting(documented).sorted())")
                #expect(documented.subtracting(routed).isEmpty, "documented but not routed: \(documented.subtracting(routed).sorted())")
            }
        }
    }
}

extension String {
    var withLeadingSlash: String { hasPrefix("/") ? self : "/" + self }
}
