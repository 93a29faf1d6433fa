import CRMCore
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import Prometheus

/// Counts requests by route and status and records their latency, into the app's own Prometheus registry
/// (not the process-global metrics system, so tests and several apps in one process do not mix figures).
struct HTTPMetricsMiddleware: RouterMiddleware {
    typealias Context = AppContext
    let registry: PrometheusCollectorRegistry

    static var requests: MetricNameDescriptor {
        MetricNameDescriptor(
            namespace: "clientele",
            subsystem: "http",
            metricName: "requests",
            unitName: "total",
            helpText: "HTTP requests by route and status"
        )
    }
    static var duration: MetricNameDescriptor {
        MetricNameDescriptor(
            namespace: "clientele",
            subsystem: "http",
            metricName: "request_duration",
            unitName: "seconds",
            helpText: "HTTP request latency by route"
        )
    }
    static let buckets: [Duration] = [
        .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100),
        .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2.5), .seconds(5),
    ]

    func handle(_ request: Request, context: AppContext, next: (Request, AppContext) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        let status: Int
        let response: Response
        do {
            response = try await next(request, context)
            status = Int(response.status.code)
        } catch {
            record(request, context, status: Int((error as? any HTTPResponseError)?.status.code ?? 500), start: start)
            throw error
        }
        record(request, context, status: status, start: start)
        return response
    }

    private func record(_ request: Request, _ context: AppContext, status: Int, start: ContinuousClock.Instant) {
        // The route pattern, not the raw path, keeps label cardinality bounded.
        let route = context.endpointPath ?? "unmatched"
        let labels = [("method", request.method.rawValue), ("route", route), ("status", String(status))]
        registry.makeCounter(descriptor: Self.requests, labels: labels).increment()
        registry.makeDurationHistogram(
            descriptor: Self.duration,
            labels: [("method", request.method.rawValue), ("route", route)],
            buckets: Self.buckets
        ).record(ContinuousClock.now - start)
    }
}
