import CRMStore
import Hummingbird
import Logging
import NIOCore

/// A long run answered as it goes (`application/x-ndjson`): a line of JSON for each step of its progress, then
/// one with its outcome, or with `problem` when it failed. The run goes on if the client leaves, as any
/// request's would; the progress never leaves the process that does the work, so any node can answer it.
enum ProgressStream {
    static let contentType = "application/x-ndjson"

    /// Whether the client asked for progress as it goes.
    static func wanted(_ request: Request) -> Bool {
        request.headers[.accept]?.contains(contentType) == true
    }

    static func response(
        logger: Logger,
        _ run: @escaping @Sendable (_ progress: @escaping @Sendable (ImportProgress) async -> Void) async throws -> JSONValue
    ) -> Response {
        let (stream, continuation) = AsyncStream<ByteBuffer>.makeStream()
        @Sendable func send(_ value: JSONValue) { continuation.yield(ByteBuffer(bytes: value.encoded() + [0x0A])) }
        Task {
            do {
                let outcome = try await run { progress in
                    send(
                        .object(["phase": .string(progress.phase.rawValue), "done": .int(Int64(progress.done)), "total": .int(Int64(progress.total))])
                    )
                }
                send(outcome)
            } catch {
                let problem =
                    APIError.from(error)
                    ?? {
                        logger.error("unhandled error", metadata: ["error": .string(String(reflecting: error))])
                        return APIError(.internalServerError, code: "internal", detail: "something went wrong on our side; the server's log has it")
                    }()
                send(.object(["problem": problem.document]))
            }
            continuation.finish()
        }
        var headers = HTTPFields()
        headers[.contentType] = contentType
        headers[.cacheControl] = "no-store"
        return Response(status: .ok, headers: headers, body: ResponseBody(asyncSequence: stream))
    }
}
