import CRMCore
import CRMStore

/// What a lead's page shows beside its fields: the timeline (with what was added after it became a customer), its
/// score, conversion and consent, processes and merges.
struct LeadCard {
    let store: Store
    let pages: PageRenderer
    let activities: ActivityPages
    let leads: LeadPages
    let merges: MergePages<LeadFields>

    @Sendable func related(_ identity: Identity, _ lead: Record<LeadFields>) async throws -> [String: any Sendable] {
        var query = ListQuery()
        query.leadID = lead.id
        // After conversion, what is added on the lead belongs to the customer it became as well.
        var links = ["lead_id": lead.meta.id]
        if let conversion = lead.fields.conversion {
            links["contact_id"] = conversion.contactID.rawValue
            if let company = conversion.companyID { links["company_id"] = company.rawValue }
        }
        var related = try await activities.timeline(identity, query, links: links)
        let t = pages.strings(MessageCatalog.language(of: identity.user.locale))
        related.merge(try await leads.details(identity, lead, t)) { $1 }
        related.merge(try await ProcessPages.panel(store, identity, t, record: (.lead, lead.meta.id))) { $1 }
        return related.merging(try await merges.panel(identity, lead)) { $1 }
    }
}
