import CRMCore
import CRMStore
import Foundation
import HTTPTypes
public import Hummingbird
import Logging

/// Builds the router from its dependencies. Tests call this directly and send requests to it without a socket.
public func buildRouter(_ dependencies: Dependencies) -> Router<AppContext> {
    let store = dependencies.store
    let pages = dependencies.pages
    let settings = dependencies.settings
    let router = Router(context: AppContext.self)
    // Outermost, so error answers carry the headers too.
    router.add(middleware: SecurityHeadersMiddleware(https: settings.secureCookies))
    router.add(middleware: RequestLogMiddleware())
    router.add(middleware: HTTPMetricsMiddleware(registry: dependencies.metrics))
    router.add(middleware: ErrorMiddleware(pages: pages))
    router.add(middleware: AuthenticationMiddleware(store: store))
    // Again inside, where the caller is known: an error page then has the reader's language and navigation. The
    // outer one answers what fails before that (a wrong API token).
    router.add(middleware: ErrorMiddleware(pages: pages))
    // Innermost: it serves a file when the routes answer "not found", which the error pages above would otherwise
    // have turned into a page already.
    router.add(
        middleware: FileMiddleware(
            pages.publicDirectory,
            urlBasePath: AuthenticationMiddleware.assets,
            cacheControl: .init([(MediaType(type: .any), [.maxAge(3600)])]),
            searchForIndexHtml: false,
            logger: dependencies.logger
        )
    )

    HealthController(store: store, registry: dependencies.metrics).addRoutes(to: router)
    router.get("api/v1/openapi.json") { _, _ in try await OpenAPIDocument.response(fields: store.fields) }
    WebFormPages(store: store, pages: pages, settings: settings).addRoutes(to: router)
    let auth = AuthPages(store: store, pages: pages, settings: settings)
    auth.addRoutes(to: router)

    let api = router.group("api/v1").add(middleware: APIAccessMiddleware())
    RecordController(records: store.companies, settings: settings).addRoutes(to: api)
    RecordController(records: store.contacts, settings: settings).addRoutes(to: api)
    RecordController(records: store.leads, settings: settings).addRoutes(to: api)
    LeadController(store: store, settings: settings).addRoutes(to: api)
    FieldController(store: store).addRoutes(to: api)
    RecordController(records: store.deals, settings: settings).addRoutes(to: api)
    RecordController(records: store.activities, settings: settings).addRoutes(to: api)
    FunnelController(store: store).addRoutes(to: api)
    ReportController(store: store, pages: pages).addRoutes(to: api)
    api.get("my-day") { request, context in try await ActivityAPI(store: store).myDay(request, context: context) }
    IdentityController(store: store).addRoutes(to: api)
    ProcessController(store: store, defaultCountryCode: settings.defaultCountryCode).addRoutes(to: api)
    SegmentController(store: store, defaultCountryCode: settings.defaultCountryCode).addRoutes(to: api)
    ImportController(store: store, settings: settings).addRoutes(to: api)
    ExportController(store: store).addRoutes(to: api)
    SearchController(store: store).addRoutes(to: api)
    MergeController(records: store.companies).addRoutes(to: api)
    MergeController(records: store.contacts).addRoutes(to: api)
    MergeController(records: store.leads).addRoutes(to: api)
    VCardController(store: store, settings: settings).addRoutes(to: api)

    let web = router.group().add(middleware: PageAccessMiddleware())
    let activityPages = ActivityPages(store: store, pages: pages)
    HomePages(store: store, pages: pages, activities: activityPages).addRoutes(to: web)
    auth.addProtectedRoutes(to: web)
    let funnelPages = FunnelPages(store: store, pages: pages)
    let companyMerges = MergePages(store: store, records: store.companies, pages: pages)
    let contactMerges = MergePages(store: store, records: store.contacts, pages: pages)
    companyMerges.addRoutes(to: web)
    contactMerges.addRoutes(to: web)
    RecordPages(store: store, records: store.companies, pages: pages, settings: settings) { identity, company in
        let contacts = try await store.contacts.list(identity.access, ListQuery(companyID: company.id, limit: ListQuery.maxLimit))
        var related = try await activityPages.timeline(identity, ListQuery(companyID: company.id), links: ["company_id": company.meta.id])
        related["contacts"] = contacts.items.map {
            ["id": $0.meta.id, "name": $0.fields.displayName, "job_title": $0.fields.jobTitle] as [String: any Sendable]
        }
        related["deal_groups"] = try await funnelPages.companyDeals(identity, company)
        related.merge(try await companyMerges.panel(identity, company)) { $1 }
        return related.merging(
            try await ProcessPages.panel(
                store,
                identity,
                pages.strings(MessageCatalog.language(of: identity.user.locale)),
                record: (.company, company.meta.id)
            )
        ) { $1 }
    }.addRoutes(to: web)
    RecordPages(
        store: store,
        records: store.contacts,
        pages: pages,
        settings: settings,
        related: { identity, contact in
            var query = ListQuery()
            query.contactID = contact.id
            var links = ["contact_id": contact.meta.id]
            if let company = contact.fields.companyID { links["company_id"] = company.rawValue }
            var related = try await activityPages.timeline(identity, query, links: links)
            if let companyID = contact.fields.companyID,
                let company = try? await store.companies.get(identity.access, companyID.rawValue, includeDeleted: true)
            {
                related["company"] = ["id": company.meta.id, "name": company.fields.name] as [String: any Sendable]
            }
            related["contact_deals"] = try await funnelPages.contactDeals(identity, contact)
            related.merge(try await contactMerges.panel(identity, contact)) { $1 }
            if let lead = try await store.leadWork.source(identity.access, of: .contact, contact.meta.id) {
                related["from_lead"] = ["id": lead.meta.id, "name": lead.fields.title] as [String: any Sendable]
            }
            return related.merging(
                try await ProcessPages.panel(
                    store,
                    identity,
                    pages.strings(MessageCatalog.language(of: identity.user.locale)),
                    record: (.contact, contact.meta.id)
                )
            ) { $1 }
        },
        formExtras: { identity, contact in
            [
                "companies": try await FormChoices.companies(
                    store,
                    identity,
                    chosen: contact.companyID,
                    hidden: pages.strings(MessageCatalog.language(of: identity.user.locale))["hidden_company"] ?? "—"
                )
            ]
        }
    ).addRoutes(to: web)
    let leadPages = LeadPages(store: store, pages: pages, settings: settings)
    let leadMerges = MergePages(store: store, records: store.leads, pages: pages)
    leadMerges.addRoutes(to: web)
    RecordPages(store: store, records: store.leads, pages: pages, settings: settings) { identity, lead in
        var query = ListQuery()
        query.leadID = lead.id
        // After conversion, what is added on the lead belongs to the customer it became as well.
        var links = ["lead_id": lead.meta.id]
        if let conversion = lead.fields.conversion {
            links["contact_id"] = conversion.contactID.rawValue
            if let company = conversion.companyID { links["company_id"] = company.rawValue }
        }
        var related = try await activityPages.timeline(identity, query, links: links)
        let t = pages.strings(MessageCatalog.language(of: identity.user.locale))
        related.merge(try await leadPages.details(identity, lead, t)) { $1 }
        related.merge(try await ProcessPages.panel(store, identity, t, record: (.lead, lead.meta.id))) { $1 }
        return related.merging(try await leadMerges.panel(identity, lead)) { $1 }
    }.addRoutes(to: web)
    leadPages.addRoutes(to: web)
    RecordPages(
        store: store,
        records: store.deals,
        pages: pages,
        settings: settings,
        related: { identity, deal in
            var links = ["deal_id": deal.meta.id]
            if let company = deal.fields.companyID { links["company_id"] = company.rawValue }
            return try await funnelPages.dealDetails(identity, deal).merging(activityPages.quickAdd(identity, links: links)) { $1 }
        },
        formExtras: { identity, deal in
            [
                "companies": try await FormChoices.companies(
                    store,
                    identity,
                    chosen: deal.companyID,
                    hidden: pages.strings(MessageCatalog.language(of: identity.user.locale))["hidden_company"] ?? "—"
                ),
                "stage_choices": try await FormChoices.stages(
                    store,
                    chosen: deal.stageID,
                    language: MessageCatalog.language(of: identity.user.locale)
                ),
                "forecast_categories": FormChoices.forecastCategories(
                    chosen: deal.forecastCategory,
                    pages.strings(MessageCatalog.language(of: identity.user.locale))
                ),
            ]
        },
        listExtras: { identity, deals, query in
            try await funnelPages.dealList(identity, deals, query)
        }
    ).addRoutes(to: web)
    funnelPages.addRoutes(to: web)
    RecordPages(store: store, records: store.activities, pages: pages, settings: settings) { identity, activity in
        try await activityPages.details(identity, activity)
    }.addRoutes(to: web)
    activityPages.addRoutes(to: web)
    AdminPages(store: store, pages: pages).addRoutes(to: web)
    SecurityPages(store: store, pages: pages).addRoutes(to: web)
    FieldPages(store: store, pages: pages).addRoutes(to: web)
    ReportPages(store: store, pages: pages).addRoutes(to: web)
    ProcessPages(store: store, pages: pages, defaultCountryCode: settings.defaultCountryCode).addRoutes(to: web)
    SegmentPages(store: store, pages: pages, defaultCountryCode: settings.defaultCountryCode).addRoutes(to: web)
    ImportPages(store: store, pages: pages, settings: settings).addRoutes(to: web)
    SearchPages(store: store, pages: pages).addRoutes(to: web)
    return router
}

/// Where and how the server listens.
public struct ServerSettings: Sendable {
    public var host: String
    public var port: Int

    public init(host: String = "127.0.0.1", port: Int = 8080) {
        self.host = host
        self.port = port
    }
}

/// The whole HTTP application. `runService()` on it serves until SIGTERM or SIGINT, then stops accepting
/// connections and lets requests in flight finish before returning.
public func buildApplication(
    _ dependencies: Dependencies,
    server: ServerSettings,
    onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
) -> some ApplicationProtocol {
    var application = Application(
        router: buildRouter(dependencies),
        configuration: .init(address: .hostname(server.host, port: server.port), serverName: "Clientele"),
        onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? server.port) },
        logger: dependencies.logger
    )
    application.addServices(ProcessWorker(store: dependencies.store, logger: dependencies.logger))
    return application
}
