import CRMCore
import CRMStore
import Foundation
import Hummingbird

/// `/search`: the search box's results page, companies, contacts, leads and deals together, each linking to the full
/// list filtered by the same words.
struct SearchPages {
    let store: Store
    let pages: PageRenderer

    func addRoutes(to group: RouterGroup<AppContext>) {
        group.get("search", use: search)
    }

    @Sendable func search(_ request: Request, context: AppContext) async throws -> Response {
        let identity = try context.requireIdentity()
        let t = pages.strings(PageRenderer.language(identity: identity, request: request))
        let label = { (key: String) in t[key] ?? key }
        let text = String(
            (request.queryDictionary["q"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines).prefix(SearchController.maxQueryLength)
        )
        var data: [String: Any] = ["query": text, "searched": !text.isEmpty]
        if !text.isEmpty {
            let results = try await store.search(identity.access, text, limit: 20)
            let format = pages.formatter(identity)
            let more = "?q=" + (text.addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed.subtracting(["&", "+", "="])) ?? "")
            data["groups"] = [
                group(
                    label("nav_companies"),
                    "companies",
                    more,
                    results.companies.map { company in
                        (
                            company.meta.id, company.fields.name,
                            [
                                company.fields.industry, company.fields.addresses.first?.city ?? "",
                                company.fields.phones.first?.number.international ?? "",
                            ]
                        )
                    }
                ),
                group(
                    label("nav_contacts"),
                    "contacts",
                    more,
                    results.contacts.map { contact in
                        (
                            contact.meta.id, contact.fields.displayName,
                            [
                                contact.fields.jobTitle, contact.fields.emails.first?.address.value ?? "",
                                contact.fields.phones.first?.number.international ?? "",
                            ]
                        )
                    }
                ),
                group(
                    label("nav_leads"),
                    "leads",
                    more,
                    results.leads.map { lead in
                        (
                            lead.meta.id, lead.fields.displayName,
                            [
                                lead.fields.companyName, lead.fields.emails.first?.address.value ?? "",
                                label("lead_status_\(lead.fields.status.rawValue)"),
                            ]
                        )
                    }
                ),
                group(
                    label("nav_deals"),
                    "deals",
                    more,
                    results.deals.map { deal in
                        (deal.meta.id, deal.fields.title, [format.money(deal.fields.amount), label("status_\(deal.fields.status.rawValue)")])
                    }
                ),
            ].filter { !(($0["items"] as? [Any])?.isEmpty ?? true) }
            data["empty"] = results.isEmpty
        }
        return pages.render("search", data, identity: identity, request: request, title: t["search"])
    }

    private func group(_ heading: String, _ collection: String, _ more: String, _ rows: [(Int64, String, [String])]) -> [String: Any] {
        [
            "heading": heading, "collection": collection, "more": "/\(collection)\(more)",
            "items": rows.map { id, title, details in
                ["href": "/\(collection)/\(id)", "title": title, "detail": details.filter { !$0.isEmpty }.joined(separator: " · ")] as [String: Any]
            },
        ]
    }
}
