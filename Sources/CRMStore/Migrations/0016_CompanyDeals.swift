extension Migrations {
    static let companyDeals = Migration(number: 16, name: "company_deals", statements: { _ in
        [
            // The customer card counts and sums a company's deals by outcome, and lists the latest changed of each.
            // A big customer's thousands of deals lie all over the table; these read them from a few index pages (the
            // first holds every column the sums and the permission layer ask for, so the table is not read at all).
            "CREATE INDEX deals_company_totals ON deals (company_id, status, currency, amount_minor, owner_id, team_id, deleted_at)",
            "CREATE INDEX deals_company_status ON deals (company_id, status, updated_at, id)",
        ]
    })
}
