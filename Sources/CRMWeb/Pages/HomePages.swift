import CRMCore
import CRMStore
import Foundation
import HTTPTypes
import Hummingbird
import Logging

/// The landing page: what the signed-in user works with, at a glance.
struct HomePages {
    let store: Store
    let pages: PageRenderer
    let activities: ActivityPages

    func addRoutes(to group: RouterGroup<AppContext>) {
        group.get("/", use: dashboard)
    }

    /// Reps and service agents land on their day; managers and admins on the overview.
    @Sendable func dashboard(_ request: Request, context: AppContext) async throws -> Response {
        let identity = try context.requireIdentity()
        if identity.user.role == .salesRep || identity.user.role == .serviceAgent {
            let t = pages.strings(PageRenderer.language(identity: identity, request: request))
            return pages.render("my_day", try await activities.myDayData(identity), identity: identity, request: request, title: t["nav_my_day"])
        }
        let access = identity.access
        let format = pages.formatter(identity)
        let recent = ListQuery(sort: Sort(field: .updatedAt, descending: true), limit: 8)
        async let companyCount = store.companies.count(access, ListQuery())
        async let contactCount = store.contacts.count(access, ListQuery())
        async let myCompanies = store.companies.count(access, ListQuery(ownerID: identity.user.id))
        async let priorityA = store.companies.count(access, ListQuery(priority: .a))
        async let recentCompanies = store.companies.list(access, recent)
        async let recentContacts = store.contacts.list(access, recent)
        let t = pages.strings(MessageCatalog.language(of: identity.user.locale))
        let companies = try await companyCount
        let contacts = try await contactCount
        let data: [String: Any] = [
            "company_count": format.number(companies), "company_word": Plural.word(companies, "company", t),
            "contact_count": format.number(contacts), "contact_word": Plural.word(contacts, "contact", t),
            "my_company_count": format.number(try await myCompanies),
            "priority_a_count": format.number(try await priorityA),
            "recent_companies": try await recentCompanies.items.map {
                ["id": $0.meta.id, "title": $0.fields.name, "updated": format.dateTime($0.meta.updatedAt)]
            },
            "recent_contacts": try await recentContacts.items.map {
                ["id": $0.meta.id, "title": $0.fields.displayName, "updated": format.dateTime($0.meta.updatedAt)]
            },
            "today": format.date(.now),
        ]
        return pages.render(
            "dashboard",
            data,
            identity: identity,
            request: request,
            title: pages.strings(PageRenderer.language(identity: identity, request: request))["nav_dashboard"]
        )
    }
}
