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
    let routeMethods = RouteMethods()
    router.add(middleware: MethodNotAllowedMiddleware(routes: routeMethods))
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

    // A calendar app sends no session: the secret in the address is the key.
    router.get("calendar/:file") { request, context in
        try await CalendarFeed.response(request, context: context, store: store, secure: settings.secureCookies)
    }
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
    FileController(store: store).addRoutes(to: api)
    CommentController(store: store).addRoutes(to: api)
    NotificationController(store: store).addRoutes(to: api)
    CalendarFeedController(store: store, secure: settings.secureCookies).addRoutes(to: api)
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
    let leadMerges = MergePages(store: store, records: store.leads, pages: pages)
    let leadPages = LeadPages(store: store, pages: pages, settings: settings)
    companyMerges.addRoutes(to: web)
    contactMerges.addRoutes(to: web)
    leadMerges.addRoutes(to: web)
    let company = CompanyCard(store: store, pages: pages, activities: activityPages, funnel: funnelPages, merges: companyMerges)
    RecordPages(store: store, records: store.companies, pages: pages, settings: settings, related: company.related).addRoutes(to: web)
    let contact = ContactCard(store: store, pages: pages, activities: activityPages, funnel: funnelPages, merges: contactMerges)
    RecordPages(store: store, records: store.contacts, pages: pages, settings: settings, related: contact.related, formExtras: contact.formExtras)
        .addRoutes(to: web)
    let lead = LeadCard(store: store, pages: pages, activities: activityPages, leads: leadPages, merges: leadMerges)
    RecordPages(store: store, records: store.leads, pages: pages, settings: settings, related: lead.related).addRoutes(to: web)
    leadPages.addRoutes(to: web)
    let deal = DealCard(store: store, pages: pages, activities: activityPages, funnel: funnelPages)
    RecordPages(
        store: store,
        records: store.deals,
        pages: pages,
        settings: settings,
        related: deal.related,
        formExtras: deal.formExtras,
        listExtras: deal.listExtras
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
    FilePages(store: store, pages: pages).addRoutes(to: web)
    CommentPages(store: store, pages: pages).addRoutes(to: web)
    NotificationPages(store: store, pages: pages).addRoutes(to: web)
    CalendarPages(store: store, pages: pages, secure: settings.secureCookies).addRoutes(to: web)
    routeMethods.set(router.routes.map { ($0.method, $0.path.description) })
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
    application.addServices(FileSweeper(store: dependencies.store, logger: dependencies.logger))
    return application
}
