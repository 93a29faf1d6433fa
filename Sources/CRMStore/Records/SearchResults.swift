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
    /// Searches companies, contacts, leads and deals at once, up to `limit` of each.
    public func search(_ context: AccessContext, _ text: String, limit: Int) async throws -> SearchResults {
        async let companies = self.companies.search(context, text, limit: limit)
        async let contacts = self.contacts.search(context, text, limit: limit)
        async let leads = self.leads.search(context, text, limit: limit)
        async let deals = self.deals.search(context, text, limit: limit)
        return SearchResults(companies: try await companies, contacts: try await contacts, leads: try await leads, deals: try await deals)
    }
}
