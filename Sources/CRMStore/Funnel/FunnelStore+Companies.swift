public import CRMCore
import SQLKit

/// How many of a company's deals are open, won and lost, and what they come to in each currency.
public struct CompanyDeals: Sendable, Equatable {
    public struct Tally: Sendable, Equatable {
        public var count: Int
        public var sums: MoneyTotals

        public init(count: Int = 0, sums: MoneyTotals = MoneyTotals()) {
            self.count = count
            self.sums = sums
        }
    }

    public var tallies: [DealStatus: Tally] = [:]

    public subscript(status: DealStatus) -> Tally { tallies[status] ?? Tally() }
}

extension FunnelStore {
    /// The company's live deals the context may see, counted and summed by outcome, for its card.
    public func deals(_ context: AccessContext, of company: CompanyID) async throws -> CompanyDeals {
        try await database.read { db in
            let rows = try await db.raw(
                """
                SELECT status, currency, COUNT(*) AS n, CAST(SUM(amount_minor) AS BIGINT) AS total FROM deals
                WHERE company_id = \(bind: company.rawValue) AND deleted_at IS NULL AND \(AccessPredicate.sql(context.visibility))
                GROUP BY status, currency
                """
            ).all()
            var result = CompanyDeals()
            for row in rows {
                guard let status = DealStatus(rawValue: try row.value("status")) else { continue }
                result.tallies[status, default: .init()].count += try row.value("n", as: Int.self)
                result.tallies[status, default: .init()].sums.add(
                    try row.value("total", as: Int64.self),
                    currency: try row.value("currency", as: String.self)
                )
            }
            return result
        }
    }
}
