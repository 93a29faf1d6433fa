import CRMCore
import CRMStore

/// What a contact's page shows beside its fields: the company, their deals, the timeline, the lead they came from,
/// merges and processes; and the company choices of the form.
struct ContactCard {
    let store: Store
    let pages: PageRenderer
    let activities: ActivityPages
    let funnel: FunnelPages
    let merges: MergePages<ContactFields>

    @Sendable func related(_ identity: Identity, _ contact: Record<ContactFields>) async throws -> [String: any Sendable] {
        var query = ListQuery()
        query.contactID = contact.id
        var links = ["contact_id": contact.meta.id]
        if let company = contact.fields.companyID { links["company_id"] = company.rawValue }
        var related = try await activities.timeline(identity, query, links: links)
        if let companyID = contact.fields.companyID,
            let company = try? await store.companies.get(identity.access, companyID.rawValue, includeDeleted: true)
        {
            related["company"] = ["id": company.meta.id, "name": company.fields.name] as [String: any Sendable]
        }
        related["contact_deals"] = try await funnel.contactDeals(identity, contact)
        related.merge(try await merges.panel(identity, contact)) { $1 }
        if let lead = try await store.leadWork.source(identity.access, of: .contact, contact.meta.id) {
            related["from_lead"] = ["id": lead.meta.id, "name": lead.fields.title] as [String: any Sendable]
        }
        let t = pages.strings(MessageCatalog.language(of: identity.user.locale))
        return related.merging(try await ProcessPages.panel(store, identity, t, record: (.contact, contact.meta.id))) { $1 }
    }

    @Sendable func formExtras(_ identity: Identity, _ contact: ContactFields) async throws -> [String: any Sendable] {
        let t = pages.strings(MessageCatalog.language(of: identity.user.locale))
        return ["companies": try await FormChoices.companies(store, identity, chosen: contact.companyID, hidden: t["hidden_company"] ?? "—")]
    }
}
