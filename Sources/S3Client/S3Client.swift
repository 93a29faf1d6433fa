public import AsyncHTTPClient
public import Foundation
public import NIOCore
import NIOHTTP1

/// A small client for the S3 object API: put, get, head and delete objects in one bucket, and create the bucket.
///
/// Path-style addressing (`endpoint/bucket/key`) by default, because that is what self-hosted stores (MinIO,
/// Ceph, Garage) and test servers answer on any host name; virtual-hosted style for AWS when asked.
public struct S3Client: Sendable {
    public struct Configuration: Sendable {
        /// `https://s3.eu-central-1.amazonaws.com` or `http://127.0.0.1:9000`.
        public var endpoint: URL
        public var bucket: String
        public var region: String
        public var accessKey: String
        public var secretKey: String
        /// `bucket.host/key` instead of `host/bucket/key`.
        public var virtualHosted: Bool

        public init(endpoint: URL, bucket: String, region: String, accessKey: String, secretKey: String, virtualHosted: Bool = false) {
            self.endpoint = endpoint
            self.bucket = bucket
            self.region = region
            self.accessKey = accessKey
            self.secretKey = secretKey
            self.virtualHosted = virtualHosted
        }
    }

    public let configuration: Configuration
    private let signer: SignatureV4
    private let http: HTTPClient

    public init(_ configuration: Configuration, http: HTTPClient = .shared) {
        self.configuration = configuration
        self.signer = SignatureV4(accessKey: configuration.accessKey, secretKey: configuration.secretKey, region: configuration.region)
        self.http = http
    }

    /// Creates the bucket; a bucket that already exists and is ours counts as created.
    public func createBucket() async throws {
        let response = try await send("PUT", key: nil, body: nil, payloadHash: SignatureV4.emptyPayloadHash)
        guard (200..<300).contains(response.status.code) else {
            let error = try await Self.error(response)
            if error.code == "BucketAlreadyOwnedByYou" || error.code == "BucketAlreadyExists" { return }
            throw error
        }
    }

    /// Uploads `length` bytes from `body` as `key`; `sha256` (lowercase hex) is checked by the store.
    public func put(
        _ key: String,
        length: Int64,
        sha256: String,
        contentType: String = "application/octet-stream",
        body: some AsyncSequence<ByteBuffer, any Error> & Sendable
    ) async throws {
        let response = try await send(
            "PUT",
            key: key,
            body: .stream(body, length: .known(length)),
            payloadHash: sha256,
            extra: [("content-type", contentType), ("content-length", String(length))]
        )
        guard (200..<300).contains(response.status.code) else { throw try await Self.error(response) }
        _ = try await response.body.collect(upTo: 1 << 16)
    }

    /// Streams the object to `consume`, chunk by chunk as it arrives; throws `S3Error` 404 when absent.
    public func get(_ key: String, _ consume: (ByteBuffer) async throws -> Void) async throws {
        let response = try await send("GET", key: key, body: nil, payloadHash: SignatureV4.emptyPayloadHash)
        guard response.status.code == 200 else { throw try await Self.error(response) }
        for try await chunk in response.body { try await consume(chunk) }
    }

    /// The object's size, or nil when there is no such object.
    public func head(_ key: String) async throws -> Int64? {
        let response = try await send("HEAD", key: key, body: nil, payloadHash: SignatureV4.emptyPayloadHash)
        if response.status.code == 404 { return nil }
        guard response.status.code == 200 else {
            // A HEAD answer has no body to say why; 403 is nearly always the keys or the bucket policy.
            let why = response.status.code == 403 ? "access denied: check the access key, the secret and the bucket's policy" : "HEAD failed"
            throw S3Error(status: Int(response.status.code), code: nil, message: why)
        }
        return response.headers.first(name: "content-length").flatMap { Int64($0) }
    }

    /// Deletes the object; deleting one that is not there is not an error (S3 answers 204 either way).
    public func delete(_ key: String) async throws {
        let response = try await send("DELETE", key: key, body: nil, payloadHash: SignatureV4.emptyPayloadHash)
        guard (200..<300).contains(response.status.code) || response.status.code == 404 else { throw try await Self.error(response) }
        _ = try await response.body.collect(upTo: 1 << 16)
    }

    // MARK: Wire

    private func send(
        _ method: String,
        key: String?,
        body: HTTPClientRequest.Body?,
        payloadHash: String,
        extra: [(String, String)] = []
    ) async throws -> HTTPClientResponse {
        let endpoint = configuration.endpoint
        var host = endpoint.host ?? "localhost"
        var path = endpoint.path.hasSuffix("/") ? String(endpoint.path.dropLast()) : endpoint.path
        if configuration.virtualHosted {
            host = "\(configuration.bucket).\(host)"
        } else {
            path += "/" + SignatureV4.encode(configuration.bucket)
        }
        if let key { path += "/" + SignatureV4.encode(key, keepSlash: true) }
        if path.isEmpty { path = "/" }
        let hostHeader = endpoint.port.map { "\(host):\($0)" } ?? host
        var headers = [("host", hostHeader)] + extra
        headers += signer.sign(method: method, path: path, headers: headers, payloadHash: payloadHash, date: Date())
        var request = HTTPClientRequest(url: "\(endpoint.scheme ?? "https")://\(hostHeader)\(path)")
        request.method = HTTPMethod(rawValue: method)
        for (name, value) in headers where name != "host" { request.headers.add(name: name, value: value) }
        if let body { request.body = body }
        return try await http.execute(request, timeout: .minutes(30))
    }

    private static func error(_ response: HTTPClientResponse) async throws -> S3Error {
        let body = try await response.body.collect(upTo: 1 << 20)
        return S3Error.parse(status: Int(response.status.code), body: String(buffer: body))
    }
}
