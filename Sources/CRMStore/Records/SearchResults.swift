public import CRMCore

/// What one search box finds across the record types, each list filtered by the permission layer.
public struct SearchResults: Sendable {
    public let companies: [Record<CompanyFields>]
    public let contacts: [Record<ContactFields>]
    public let leads: [Record<LeadFields>]
    public let deals: [Record<DealFields>]

    public var isEmpty: Bool { companies.isEmpty && contacts.isEmpty && leads.isEmpty && deals.isEmpty }
}

extension Store {
    /// Searches companies, contacts, leads and deals at once, up to `limit` of each. A rep types the customer's
    /// name to find its deal, so deals of the companies found follow the deals whose own words match.
    public func search(_ context: AccessContext, _ text: String, limit: Int) async throws -> SearchResults {
        async let companies = self.companies.search(context, text, limit: limit)
        async let contacts = self.contacts.search(context, text, limit: limit)
        async let leads = self.leads.search(context, text, limit: limit)
        async let named = self.deals.search(context, text, limit: limit)
        let found = try await companies
        var deals = try await named
        for company in found.prefix(3) where deals.count < limit {
            let query = ListQuery(companyID: company.id, sort: Sort(field: .updatedAt, descending: true), limit: limit - deals.count)
            let theirs = try await self.deals.list(context, query).items
            deals += theirs.filter { deal in !deals.contains { $0.id == deal.id } }
        }
        return SearchResults(companies: found, contacts: try await contacts, leads: try await leads, deals: deals)
    }
}
