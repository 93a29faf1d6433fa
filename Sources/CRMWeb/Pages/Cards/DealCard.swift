import CRMCore
import CRMStore

/// What a deal's page shows beside its fields (its stage log, contacts, processes: `FunnelPages.dealDetails`) and a
/// quick way to add an activity; the form's choices of company, stage and forecast category; the list's extras.
struct DealCard {
    let store: Store
    let pages: PageRenderer
    let activities: ActivityPages
    let funnel: FunnelPages

    @Sendable func related(_ identity: Identity, _ deal: Record<DealFields>) async throws -> [String: any Sendable] {
        var links = ["deal_id": deal.meta.id]
        if let company = deal.fields.companyID { links["company_id"] = company.rawValue }
        return try await funnel.dealDetails(identity, deal).merging(activities.quickAdd(identity, links: links)) { $1 }
    }

    @Sendable func formExtras(_ identity: Identity, _ deal: DealFields) async throws -> [String: any Sendable] {
        let language = MessageCatalog.language(of: identity.user.locale)
        let t = pages.strings(language)
        return [
            "companies": try await FormChoices.companies(store, identity, chosen: deal.companyID, hidden: t["hidden_company"] ?? "—"),
            "stage_choices": try await FormChoices.stages(store, chosen: deal.stageID, language: language),
            "forecast_categories": FormChoices.forecastCategories(chosen: deal.forecastCategory, t),
        ]
    }

    @Sendable func listExtras(
        _ identity: Identity,
        _ deals: [Record<DealFields>],
        _ query: ListQuery
    ) async throws -> RecordPages<DealFields>.ListExtras {
        try await funnel.dealList(identity, deals, query)
    }
}
