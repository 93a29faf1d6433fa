import CRMCore
import Foundation
import HTTPTypes
import Hummingbird
import Logging

/// Gives every request an id (kept from `X-Request-ID` when a proxy sent a sane one), puts it in the logger's
/// metadata and the response, and logs one structured line per request.
struct RequestLogMiddleware: RouterMiddleware {
    typealias Context = AppContext

    func handle(_ request: Request, context: AppContext, next: (Request, AppContext) async throws -> Response) async throws -> Response {
        var context = context
        let incoming = request.headers[.requestID].flatMap { id in
            id.count <= 64 && id.allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" } ? id : nil
        }
        let requestID = incoming ?? context.id
        context.logger[metadataKey: "request_id"] = .string(requestID)
        let start = ContinuousClock.now
        do {
            var response = try await next(request, context)
            response.headers[.requestID] = requestID
            log(request, context, status: Int(response.status.code), start: start)
            return response
        } catch {
            // The error middleware sits inside this one, so what arrives here is already an HTTP answer or a fault.
            log(request, context, status: Int((error as? any HTTPResponseError)?.status.code ?? 500), start: start)
            throw error
        }
    }

    private func log(_ request: Request, _ context: AppContext, status: Int, start: ContinuousClock.Instant) {
        let elapsed = ContinuousClock.now - start
        let ms = Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
        context.logger.log(
            level: status >= 500 ? .error : .info,
            "request",
            metadata: [
                "method": .string(request.method.rawValue),
                "path": .string(request.uri.path),
                "status": .stringConvertible(status),
                "duration_ms": .string(String(format: "%.2f", ms)),
                "user_id": .string(context.identity?.user.id.description ?? "-"),
            ]
        )
    }
}
