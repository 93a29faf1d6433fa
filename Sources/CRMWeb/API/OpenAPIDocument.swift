import CRMCore
import Foundation
import HTTPTypes
import Hummingbird
import Logging

/// The API contract, `Resources/openapi.json`, written by hand (spec first) and served as it is.
/// `OpenAPIContractTests` keeps it and the router in step: every route is documented and every documented
/// operation is routed.
enum OpenAPIDocument {
    static let bytes: [UInt8] = {
        guard let data = try? Data(contentsOf: WebResources.directory.appendingPathComponent("openapi.json")) else {
            return Array("{}".utf8)
        }
        return Array(data)
    }()

    static func response() -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "application/json; charset=utf-8"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}
