import CRMCore
import CRMStore
import CRMWeb
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import SQLKit

/// The customer card at scale: a company's page (details, contacts, deals, the activity timeline, processes,
/// audit trail) and a contact's page through the router, for customers holding about a thousandth of the
/// deals each, beside the same reads written by hand in the `sqlite3` CLI.
struct CardBenchmark {
    let store: Store
    let dataset: Dataset
    let runs: Int
    let dataPath: String?

    func run(into report: inout Report) async throws {
        let (companies, contacts) = try await store.database.read { db in
            (
                try await db.raw("SELECT id FROM companies ORDER BY id LIMIT 50").all().map { try $0.decode(column: "id", as: Int64.self) },
                try await db.raw("SELECT id FROM contacts ORDER BY id LIMIT 50").all().map { try $0.decode(column: "id", as: Int64.self) }
            )
        }
        guard let first = companies.first else { throw BenchError("the dataset has no companies") }
        let deals = try await store.database.read { db in
            try await db.raw("SELECT COUNT(*) AS n FROM deals WHERE company_id = \(bind: first)").first()?.decode(column: "n", as: Int.self) ?? 0
        }
        report.note("Customer cards: each company holds about \(deals) deals and a tenth as many logged calls; 50 companies and 50 contacts in turn.")
        var logger = Logger(label: "bench")
        logger.logLevel = .error
        let dependencies = try await Dependencies(store: store, logger: logger)
        let session = try await store.sessions.create(for: dataset.admin, address: "127.0.0.1", userAgent: "bench")
        let app = Application(router: buildRouter(dependencies), logger: logger)
        let runs = self.runs
        let timings = try await app.test(.router) { client -> [Timing] in
            var cookie = HTTPFields()
            cookie[.cookie] = "clientele_session=\(session.token)"
            var turn = 0
            let company = try await Timing.measure("customer card: company page through the router, admin", runs: runs) {
                turn += 1
                let response = try await client.execute(uri: "/companies/\(companies[turn % companies.count])", method: .get, headers: cookie)
                guard response.status == .ok else { throw BenchError("company page answered \(response.status)") }
            }
            let contact = try await Timing.measure("customer card: contact page through the router, admin", runs: runs) {
                turn += 1
                let response = try await client.execute(uri: "/contacts/\(contacts[turn % contacts.count])", method: .get, headers: cookie)
                guard response.status == .ok else { throw BenchError("contact page answered \(response.status)") }
            }
            return [company, contact]
        }
        report.timings += timings
        // Where a company page's time goes, read by read.
        let admin = try await store.users.accessContext(for: dataset.admin)
        let id = CompanyID(first)
        report.timings.append(
            try await Timing.measure("customer card part: the company's contacts", runs: runs) {
                _ = try await store.contacts.list(admin, ListQuery(companyID: id, limit: ListQuery.maxLimit))
            }
        )
        report.timings.append(
            try await Timing.measure("customer card part: the company's deals (counted and summed by outcome, the latest 10 of each)", runs: runs) {
                _ = try await store.funnel.deals(admin, of: id)
                for status in DealStatus.allCases {
                    var query = ListQuery(companyID: id, sort: Sort(field: .updatedAt, descending: true), limit: 10)
                    query.status = status
                    _ = try await store.deals.list(admin, query)
                }
            }
        )
        var activities = ListQuery(companyID: id, sort: Sort(field: .createdAt, descending: true))
        activities.limit = 50
        report.timings.append(
            try await Timing.measure("customer card part: the activity timeline (latest 50)", runs: runs) {
                _ = try await store.activities.list(admin, activities)
            }
        )
        let company = try await store.companies.get(admin, first)
        report.timings.append(
            try await Timing.measure("customer card part: look-alikes for the merge panel", runs: runs) {
                _ = try await store.companies.duplicates(admin, of: company.fields, excluding: first)
            }
        )
        report.timings.append(
            try await Timing.measure("customer card part: audit trail", runs: runs) {
                _ = try await store.companies.history(admin, first)
            }
        )
        report.timings.append(
            try await Timing.measure("customer card part: bound processes", runs: runs) {
                _ = try await store.processes.instances(admin, boundTo: (.company, first))
            }
        )
        // A timeline of 50 entries formats about a hundred dates, a deals table fifty amounts.
        let format = DisplayFormatter(localeIdentifier: "pl_PL", timeZoneIdentifier: "Europe/Warsaw")
        report.timings.append(
            await Timing.measure("customer card part: 100 dates formatted", runs: runs) {
                for offset in 0..<100 { _ = format.dateTime(Timestamp(rawValue: 1_800_000_000_000 + Int64(offset) * 60_000)) }
            }
        )
        let amount = try Money(decimal: "12500.50", currency: Currency(code: "PLN"))
        report.timings.append(
            await Timing.measure("customer card part: 50 amounts formatted", runs: runs) {
                for _ in 0..<50 { _ = format.money(amount) }
            }
        )
        // What the company page reads, by hand: the row, its contacts, its latest deals, its latest activities and its audit trail.
        let sql = """
            SELECT * FROM companies WHERE id = \(first);
            SELECT * FROM contacts WHERE company_id = \(first) AND deleted_at IS NULL ORDER BY sort_key LIMIT 200;
            SELECT * FROM deals WHERE company_id = \(first) AND deleted_at IS NULL ORDER BY sort_key LIMIT 50;
            SELECT * FROM activities WHERE company_id = \(first) AND deleted_at IS NULL ORDER BY id DESC LIMIT 50;
            SELECT * FROM audit_log WHERE record_type = 'company' AND record_id = \(first) ORDER BY id DESC;
            """
        if let cli = try SQLiteCLI.timing("customer card reads by hand, sqlite3 CLI (floor)", path: dataPath, sql: sql, runs: runs) {
            report.timings.append(cli)
            report.compare("company page", timings[0], with: cli)
        }
    }
}
