import CRMCore
import CRMStore
import CRMWeb
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import SQLKit

/// The kanban board at scale: the store query for an admin (all deals) and a rep (own deals), the JSON API and
/// the HTML page through the router, the same aggregate in the `sqlite3` CLI as a floor, and a check that the
/// board's sums equal a plain SQL sum.
struct BoardBenchmark {
    let store: Store
    let dataset: Dataset
    let runs: Int
    /// The SQLite file, for the `sqlite3` CLI floor; nil on PostgreSQL.
    let dataPath: String?

    func run(into report: inout Report) async throws {
        let admin = try await store.users.accessContext(for: dataset.admin)
        let rep = try await store.users.accessContext(for: dataset.rep)
        let pipeline = dataset.pipeline.id

        report.timings.append(
            try await Timing.measure("board, store query, admin (all deals)", runs: runs) {
                _ = try await store.funnel.board(admin, pipeline: pipeline, filter: .init(), cardsPerStage: 20)
            }
        )
        report.timings.append(
            try await Timing.measure("board, store query, rep (own deals)", runs: runs) {
                _ = try await store.funnel.board(rep, pipeline: pipeline, filter: .init(), cardsPerStage: 20)
            }
        )

        var logger = Logger(label: "bench")
        logger.logLevel = .error
        let dependencies = try await Dependencies(store: store, logger: logger)
        let session = try await store.sessions.create(for: dataset.admin, address: "127.0.0.1", userAgent: "bench")
        let token = try await store.tokens.create(.system(reason: "benchmark"), user: dataset.admin.id, name: "bench").secret
        let app = Application(router: buildRouter(dependencies), logger: logger)
        let runs = self.runs
        let routed = try await app.test(.router) { client in
            var cookie = HTTPFields()
            cookie[.cookie] = "clientele_session=\(session.token)"
            let page = try await Timing.measure("board, HTML page through the router, admin", runs: runs) {
                let response = try await client.execute(uri: "/pipelines/\(pipeline)/board", method: .get, headers: cookie)
                guard response.status == .ok else { throw BenchError("board page answered \(response.status)") }
            }
            var bearer = HTTPFields()
            bearer[.authorization] = "Bearer \(token)"
            let api = try await Timing.measure("board, JSON API through the router, admin", runs: runs) {
                let response = try await client.execute(uri: "/api/v1/pipelines/\(pipeline)/board", method: .get, headers: bearer)
                guard response.status == .ok else { throw BenchError("board API answered \(response.status)") }
            }
            return [page, api]
        }
        report.timings += routed
        if let cli = try sqliteCLITiming() {
            report.timings.append(cli)
            if let page = report.timings.first(where: { $0.name.contains("HTML page") }) { report.compare("board HTML page", page, with: cli) }
        }
        try await checkSums(admin, pipeline: pipeline, into: &report)
    }

    /// The aggregate behind the column headers, run by the `sqlite3` CLI on the same file: the floor any
    /// implementation on this machine could reach for that part of the work.
    private func sqliteCLITiming() throws -> Timing? {
        let query =
            "SELECT stage_id, currency, COUNT(*), SUM(amount_minor) FROM deals WHERE pipeline_id = \(dataset.pipeline.id) AND status = 'open' AND deleted_at IS NULL GROUP BY stage_id, currency;"
        return try SQLiteCLI.timing("column counts and sums alone, sqlite3 CLI (floor)", path: dataPath, sql: query, runs: runs)
    }

    private func checkSums(_ admin: AccessContext, pipeline: PipelineID, into report: inout Report) async throws {
        let (_, columns) = try await store.funnel.board(admin, pipeline: pipeline, filter: .init(), cardsPerStage: 1)
        let plain = try await store.database.read { db in
            try await db.raw(
                "SELECT stage_id, COUNT(*) AS n, CAST(SUM(amount_minor) AS BIGINT) AS total FROM deals WHERE status = 'open' AND deleted_at IS NULL GROUP BY stage_id"
            ).all()
        }
        var equal = true
        for row in plain {
            let stage = try row.decode(column: "stage_id", as: Int64.self)
            let column = columns.first { $0.stage.id.rawValue == stage }
            let count = try row.decode(column: "n", as: Int.self)
            let total = try row.decode(column: "total", as: Int64.self)
            equal = equal && column?.count == count && column?.sums["PLN"] == total
        }
        report.checks.append("Board column counts and sums equal a plain SQL GROUP BY: \(equal ? "yes" : "NO")")
        report.checks.append("Open deals on the board: \(columns.map(\.count).reduce(0, +))")
        if !equal { throw BenchError("the board's sums differ from plain SQL") }
    }
}
