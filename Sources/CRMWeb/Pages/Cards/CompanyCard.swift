import CRMCore
import CRMStore

/// What a company's page shows beside its fields: its people, its deals by outcome, the timeline, merges and the
/// processes running on it.
struct CompanyCard {
    let store: Store
    let pages: PageRenderer
    let activities: ActivityPages
    let funnel: FunnelPages
    let merges: MergePages<CompanyFields>

    @Sendable func related(_ identity: Identity, _ company: Record<CompanyFields>) async throws -> [String: any Sendable] {
        let contacts = try await store.contacts.list(identity.access, ListQuery(companyID: company.id, limit: ListQuery.maxLimit))
        var related = try await activities.timeline(identity, ListQuery(companyID: company.id), links: ["company_id": company.meta.id])
        related["contacts"] = contacts.items.map {
            ["id": $0.meta.id, "name": $0.fields.displayName, "job_title": $0.fields.jobTitle] as [String: any Sendable]
        }
        related["deal_groups"] = try await funnel.companyDeals(identity, company)
        related.merge(try await merges.panel(identity, company)) { $1 }
        let t = pages.strings(MessageCatalog.language(of: identity.user.locale))
        return related.merging(try await ProcessPages.panel(store, identity, t, record: (.company, company.meta.id))) { $1 }
    }
}
