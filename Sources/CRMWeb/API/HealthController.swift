import CRMCore
import CRMStore
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import Prometheus

/// Liveness, readiness and metrics for operators and load balancers.
struct HealthController {
    let store: Store
    let registry: PrometheusCollectorRegistry

    func addRoutes(to router: Router<AppContext>) {
        router.get("healthz") { _, _ in JSONResponse.ok(.object(["status": .string("ok")])) }
        router.get("readyz", use: ready)
        router.get("metrics", use: metrics)
    }

    /// Ready means the database answers and its schema is current; a node with pending migrations must not
    /// take traffic, since it would run against tables it does not expect.
    @Sendable func ready(_ request: Request, context: AppContext) async throws -> Response {
        do {
            try await store.ping()
            let status = try await store.migrator.status()
            guard status.isCurrent else {
                return JSONResponse.ok(
                    .object(["status": .string("migrations_pending"), "pending": .array(status.pending.map { .int(Int64($0.number)) })]),
                    status: .serviceUnavailable
                )
            }
            return JSONResponse.ok(.object(["status": .string("ready"), "engine": .string(store.database.engine.rawValue)]))
        } catch {
            context.logger.warning("not ready", metadata: ["error": .string(String(describing: error))])
            return JSONResponse.ok(.object(["status": .string("database_unreachable")]), status: .serviceUnavailable)
        }
    }

    static var inUse: MetricNameDescriptor {
        MetricNameDescriptor(
            namespace: "clientele",
            subsystem: "db",
            metricName: "connections_in_use",
            unitName: "",
            helpText: "Database connections lent out now"
        )
    }
    static var waiting: MetricNameDescriptor {
        MetricNameDescriptor(
            namespace: "clientele",
            subsystem: "db",
            metricName: "connection_waiters",
            unitName: "",
            helpText: "Requests waiting for a database connection"
        )
    }
    static var acquired: MetricNameDescriptor {
        MetricNameDescriptor(
            namespace: "clientele",
            subsystem: "db",
            metricName: "connections_acquired",
            unitName: "",
            helpText: "Database connections lent out since start"
        )
    }

    @Sendable func metrics(_ request: Request, context: AppContext) async throws -> Response {
        let pool = store.database.poolStatistics
        registry.makeGauge(descriptor: Self.inUse).set(Double(pool.inUse))
        registry.makeGauge(descriptor: Self.waiting).set(Double(pool.waiting))
        registry.makeGauge(descriptor: Self.acquired).set(Double(pool.acquiredTotal))
        var headers = HTTPFields()
        headers[.contentType] = "text/plain; version=0.0.4; charset=utf-8"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: registry.emitToBuffer())))
    }
}
