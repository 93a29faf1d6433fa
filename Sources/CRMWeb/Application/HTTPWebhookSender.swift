import AsyncHTTPClient
public import CRMCore
import Foundation
import NIOCore
import NIOHTTP1

/// Sends the webhooks of process service tasks with the shared HTTP client: ten seconds to answer, and at
/// most 1 MiB of reply read, so a slow or chatty receiver cannot hold a worker.
public struct HTTPWebhookSender: WebhookSending {
    let client: HTTPClient = .shared
    let timeout: TimeAmount = .seconds(10)
    let maxReply = 64 << 10

    public init() {}

    public func send(_ call: WebhookCall) async throws -> WebhookReply {
        var request = HTTPClientRequest(url: call.url.absoluteString)
        request.method = HTTPMethod(rawValue: call.method)
        for (name, value) in call.headers.sorted(by: { $0.key < $1.key }) { request.headers.add(name: name, value: value) }
        if let body = call.body { request.body = .bytes(ByteBuffer(bytes: body)) }
        let response = try await client.execute(request, timeout: timeout)
        var reply = try await response.body.collect(upTo: maxReply)
        return WebhookReply(status: Int(response.status.code), body: Data(reply.readBytes(length: reply.readableBytes) ?? []))
    }
}
