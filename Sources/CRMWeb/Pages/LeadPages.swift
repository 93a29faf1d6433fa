import CRMCore
import CRMStore
import Foundation
import HTTPTypes
import Hummingbird

/// The pages leads have beyond the record pages: what a lead's card shows of its score and conversion, the
/// conversion form, and the admins' settings (scoring rules, routing rules, web forms).
struct LeadPages {
    let store: Store
    let pages: PageRenderer
    let settings: Dependencies.Settings

    func addRoutes(to group: RouterGroup<AppContext>) {
        group.get("leads/:id/convert", use: convertForm)
        group.post("leads/:id/convert", use: convert)
        group.get("admin/leads", use: settingsForm)
        group.post("admin/leads/scoring", use: saveScoring)
        group.post("admin/leads/routing", use: saveRouting)
        group.post("admin/leads/forms", use: createForm)
        group.post("admin/leads/forms/:id", use: updateForm)
    }

    /// The lead card's own panels: status, score and its reasons, conversion links, and the contacts that look like
    /// this person (same e-mail, phone or name), so a rep sees a known customer before calling. (Look-alike leads
    /// are offered for merging by the merge panel.)
    func details(_ identity: Identity, _ lead: Lead, _ t: [String: String]) async throws -> [String: any Sendable] {
        var data: [String: any Sendable] = [
            "status_label": t["lead_status_\(lead.fields.status.rawValue)"] ?? lead.fields.status.rawValue,
            "score": lead.fields.score.total,
            "score_reasons": lead.fields.score.reasons.map { reason in
                [
                    "points": reason.points > 0 ? "+\(reason.points)" : String(reason.points),
                    "attribute": t["lead_attribute_\(reason.attribute.rawValue)"] ?? reason.attribute.rawValue,
                    "value": reason.attribute == .behaviour ? t["lead_behaviour_\(reason.value)"] ?? reason.value : reason.value,
                ] as [String: any Sendable]
            },
            "behaviours": lead.fields.behaviours.map { t["lead_behaviour_\($0.rawValue)"] ?? $0.rawValue },
        ]
        if let consent = lead.fields.consent {
            data["consent"] = ["text": consent.text, "at": pages.formatter(identity).dateTime(consent.at)] as [String: any Sendable]
        }
        if lead.fields.conversion == nil {
            let contacts = try await store.contacts.duplicates(identity.access, of: lead.fields.contactFields(company: nil))
            let known: [[String: any Sendable]] = contacts.map { ["href": "/contacts/\($0.meta.id)", "title": $0.fields.displayName] }
            data["known"] = known
            data["has_known"] = !known.isEmpty
        }
        if let conversion = lead.fields.conversion {
            // What the lead became, by name; a record the reader may not see is named by its kind alone.
            var converted: [String: any Sendable] = [
                "contact_id": conversion.contactID.rawValue, "at": pages.formatter(identity).dateTime(conversion.at),
            ]
            converted["contact_name"] =
                try await store.contacts.many(identity.access, [conversion.contactID.rawValue]).values.first?.fields.displayName ?? t["open"] ?? ""
            if let company = conversion.companyID {
                converted["company_id"] = company.rawValue
                converted["company_name"] =
                    try await store.companies.many(identity.access, [company.rawValue]).values.first?.fields.name ?? t["open"] ?? ""
            }
            if let deal = conversion.dealID {
                converted["deal_id"] = deal.rawValue
                converted["deal_name"] = try await store.deals.many(identity.access, [deal.rawValue]).values.first?.fields.title ?? t["open"] ?? ""
            }
            data["converted_to"] = converted
        }
        return data
    }

    @Sendable func convertForm(_ request: Request, context: AppContext) async throws -> Response {
        let identity = try context.requireIdentity()
        let lead = try await store.leads.get(identity.access, try context.pathID())
        return try await convertPage(identity, request, lead, errors: [], duplicates: [], status: .ok)
    }

    @Sendable func convert(_ request: Request, context: AppContext) async throws -> Response {
        let identity = try context.requireIdentity()
        let form = try await FormInput(request, context: context, csrf: identity.csrfToken)
        let lead = try await store.leads.get(identity.access, try context.pathID())
        var errors: [ValidationError] = []
        let company: LeadConversion.CompanyChoice
        if let other = Int64(form["company_id"]) {
            company = .existing(CompanyID(other))
        } else if let chosen = Int64(form["company"]) {
            company = .existing(CompanyID(chosen))
        } else {
            company = form["company"] == "new" ? .create : .none
        }
        var deal: LeadConversion.NewDeal?
        if form["create_deal"] == "1" {
            if let pipelineID = Int64(form["pipeline_id"]) {
                let pipeline = try await store.pipelines.get(PipelineID(pipelineID))
                var amount: Money?
                let typed = form["amount"].trimmingWhitespace()
                if !typed.isEmpty {
                    do { amount = try Money(typed: typed, currency: pipeline.currency) } catch { errors.append(error.at("amount")) }
                }
                deal = .init(pipelineID: pipeline.id, title: form["deal_title"], amount: amount)
            } else {
                errors.append(ValidationError(field: "pipeline_id", code: "required", message: "choose a pipeline for the deal"))
            }
        }
        let existingContact = Int64(form["contact"]).map { ContactID($0) }
        guard errors.isEmpty else {
            return try await convertPage(identity, request, lead, errors: errors, duplicates: [], status: .unprocessableContent, typed: form)
        }
        do {
            _ = try await store.leadWork.convert(
                identity.access,
                lead.meta.id,
                expectedVersion: Int64(form["version"]),
                LeadConversion(company: company, deal: deal, existingContact: existingContact),
                allowDuplicates: form["allow_duplicates"] == "1"
            )
            return redirect("/leads/\(lead.meta.id)", notice: Notice(key: "lead_converted", subject: lead.fields.title))
        } catch StoreError.possibleDuplicates(let type, let ids) {
            let found: [(href: String, title: String)] =
                type == .company
                ? try await store.companies.many(identity.access, ids).values.map { ("/companies/\($0.meta.id)", $0.fields.name) }
                : try await store.contacts.many(identity.access, ids).values.map { ("/contacts/\($0.meta.id)", $0.fields.displayName) }
            return try await convertPage(
                identity,
                request,
                lead,
                errors: [],
                duplicates: found.sorted { $0.href < $1.href },
                status: .conflict,
                typed: form
            )
        } catch let error as StoreError {
            return try await convertPage(
                identity,
                request,
                lead,
                errors: error.formErrors,
                duplicates: [],
                status: .unprocessableContent,
                typed: form
            )
        }
    }

    private func convertPage(
        _ identity: Identity,
        _ request: Request,
        _ lead: Lead,
        errors: [ValidationError],
        duplicates: [(href: String, title: String)],
        status: HTTPResponse.Status,
        typed: FormInput? = nil
    ) async throws -> Response {
        let t = pages.strings(PageRenderer.language(identity: identity, request: request))
        // Companies the lead's company name matches are offered first, so a conversion joins the customer we have;
        // people we know by the lead's e-mail, phone or name likewise.
        let matches = lead.fields.companyName.isEmpty ? [] : try await store.companies.duplicates(identity.access, of: lead.fields.companyFields)
        let people = try await store.contacts.duplicates(identity.access, of: lead.fields.contactFields(company: nil))
        let chosenContact = typed?["contact"]
        // The lead's budget (its first money field) is the deal's amount unless the rep types another.
        let budget = try await store.leads.customFields().filter { $0.kind == .money }.lazy.compactMap { field -> Money? in
            if case .money(let money)? = lead.fields.custom[field.key] { money } else { nil }
        }.first
        let data: [String: Any] = [
            "id": lead.meta.id, "version": lead.meta.version, "title": lead.fields.title, "company_name": lead.fields.companyName,
            "deal_title": typed?["deal_title"] ?? lead.fields.dealTitle,
            "amount": typed?["amount"] ?? budget.map { pages.formatter(identity).decimal($0) } ?? "",
            "create_deal": typed?["create_deal"] == "1",
            "matches": matches.enumerated().map { index, company in
                [
                    "id": company.meta.id, "name": company.fields.name,
                    "selected": typed.map { $0["company"] == String(company.meta.id) } ?? (index == 0),
                ]
            },
            "has_matches": !matches.isEmpty,
            "people": people.enumerated().map { index, contact in
                [
                    "id": contact.meta.id, "name": contact.fields.displayName,
                    "selected": chosenContact.map { $0 == String(contact.meta.id) } ?? (index == 0),
                ]
            },
            "has_people": !people.isEmpty, "new_contact_chosen": chosenContact.map { $0 == "new" } ?? people.isEmpty,
            "companies": try await FormChoices.companies(store, identity, chosen: nil, hidden: ""),
            "pipelines": try await store.pipelines.list().filter(\.isActive).map { ["id": $0.id.rawValue, "name": $0.name] },
            "errors": errors.map { pages.message($0, t) }, "has_errors": !errors.isEmpty,
            "duplicates": duplicates.map { ["href": $0.href, "title": $0.title] }, "has_duplicates": !duplicates.isEmpty,
        ]
        return pages.render("lead_convert", data, identity: identity, request: request, status: status, title: t["lead_convert"])
    }

    // MARK: Settings

    @Sendable func settingsForm(_ request: Request, context: AppContext) async throws -> Response {
        let identity = try context.require(.manageLeadRules)
        return try await settingsPage(identity, request, errors: [], status: .ok)
    }

    /// Rows of the rules table arrive as parallel lists (`attribute`, `value`, `points`); rows left blank are dropped.
    @Sendable func saveScoring(_ request: Request, context: AppContext) async throws -> Response {
        let identity = try context.require(.manageLeadRules)
        let form = try await FormInput(request, context: context, csrf: identity.csrfToken)
        let (attributes, values, points) = (form.all("attribute"), form.all("value"), form.all("points"))
        var rules: [ScoringRule] = []
        var errors: [ValidationError] = []
        for index in attributes.indices where index < values.count && index < points.count && !values[index].trimmingWhitespace().isEmpty {
            guard let attribute = ScoringRule.Attribute(rawValue: attributes[index]), let number = Int(points[index].trimmingWhitespace()) else {
                errors.append(
                    ValidationError(field: "rules[\(rules.count)].points", code: "invalid_number", message: "points must be a whole number")
                )
                continue
            }
            rules.append(ScoringRule(attribute: attribute, value: values[index], points: number))
        }
        return try await save(identity, request, errors) { try await store.leadWork.setScoringRules(identity.access, rules) }
    }

    @Sendable func saveRouting(_ request: Request, context: AppContext) async throws -> Response {
        let identity = try context.require(.manageLeadRules)
        let form = try await FormInput(request, context: context, csrf: identity.csrfToken)
        let methods = form.all("method")
        let (countries, regions, sources, targets) = (form.all("country"), form.all("region"), form.all("source"), form.all("target"))
        var rules: [RoutingRule] = []
        for index in methods.indices where index < targets.count {
            guard let method = RoutingRule.Method(rawValue: methods[index]) else { continue }
            // The target select holds "user:3" or "team:2", as the method needs.
            let target = targets[index].split(separator: ":")
            let id = target.count == 2 ? Int64(target[1]) : nil
            rules.append(
                RoutingRule(
                    country: index < countries.count ? countries[index] : "",
                    region: index < regions.count ? regions[index] : "",
                    source: index < sources.count ? sources[index] : "",
                    method: method,
                    userID: target.first == "user" ? id.map { UserID($0) } : nil,
                    teamID: target.first == "team" ? id.map { TeamID($0) } : nil
                )
            )
        }
        return try await save(identity, request, []) { try await store.leadWork.setRoutingRules(identity.access, rules) }
    }

    @Sendable func createForm(_ request: Request, context: AppContext) async throws -> Response {
        let identity = try context.require(.manageLeadRules)
        let form = try await FormInput(request, context: context, csrf: identity.csrfToken)
        let leadForm = Self.leadForm(form, id: 0, fallbackOwner: identity.user.id)
        return try await save(identity, request, []) { _ = try await store.leadWork.createForm(identity.access, leadForm) }
    }

    @Sendable func updateForm(_ request: Request, context: AppContext) async throws -> Response {
        let identity = try context.require(.manageLeadRules)
        let id = try context.pathID()
        let form = try await FormInput(request, context: context, csrf: identity.csrfToken)
        let leadForm = Self.leadForm(form, id: id, fallbackOwner: identity.user.id)
        return try await save(identity, request, []) { _ = try await store.leadWork.updateForm(identity.access, id, leadForm) }
    }

    private static func leadForm(_ form: FormInput, id: Int64, fallbackOwner: UserID) -> LeadForm {
        LeadForm(
            id: id,
            name: form["name"],
            source: form["source"],
            campaign: form["campaign"],
            redirectURL: form["redirect_url"],
            ownerID: Int64(form["owner_id"]).map { UserID($0) } ?? fallbackOwner,
            isActive: form["active"] == "on",
            consentText: form["consent_text"]
        )
    }

    private func save(
        _ identity: Identity,
        _ request: Request,
        _ readErrors: [ValidationError],
        _ change: () async throws -> Void
    ) async throws -> Response {
        guard readErrors.isEmpty else { return try await settingsPage(identity, request, errors: readErrors, status: .unprocessableContent) }
        do {
            try await change()
            return redirect("/admin/leads", notice: Notice(key: "saved"))
        } catch let error as StoreError {
            return try await settingsPage(identity, request, errors: error.formErrors, status: .unprocessableContent)
        }
    }

    private func settingsPage(
        _ identity: Identity,
        _ request: Request,
        errors: [ValidationError],
        status: HTTPResponse.Status
    ) async throws -> Response {
        let t = pages.strings(PageRenderer.language(identity: identity, request: request))
        let users = try await store.users.list().filter(\.isActive)
        let teams = try await store.teams.list()
        let scoring = try await store.leadWork.scoringRules()
        let routing = try await store.leadWork.routingRules()
        let origin = WebFormPages.origin(request, settings: settings)
        // A form's snippet speaks the website's language, which need not be the admin's: `?snippet_language=`.
        let snippetLanguage =
            request.uri.queryParameters["snippet_language"].map { MessageCatalog.language(of: String($0)) }
            ?? MessageCatalog.language(of: identity.user.locale)
        let snippetWords = pages.strings(snippetLanguage)
        func attributes(_ chosen: ScoringRule.Attribute?) -> [[String: Any]] {
            ScoringRule.Attribute.allCases.map {
                ["value": $0.rawValue, "label": t["lead_attribute_\($0.rawValue)"] ?? $0.rawValue, "selected": $0 == chosen]
            }
        }
        func methods(_ chosen: RoutingRule.Method?) -> [[String: Any]] {
            RoutingRule.Method.allCases.map {
                ["value": $0.rawValue, "label": t["lead_method_\($0.rawValue)"] ?? $0.rawValue, "selected": $0 == chosen]
            }
        }
        func targets(_ rule: RoutingRule?) -> [[String: Any]] {
            users.map { ["value": "user:\($0.id)", "label": $0.name, "selected": rule?.userID == $0.id] }
                + teams.map { ["value": "team:\($0.id)", "label": "\(t["team"] ?? "Team"): \($0.name)", "selected": rule?.teamID == $0.id] }
        }
        // Three blank rows under the rules in force, for adding new ones.
        let blankRows = 3
        let data: [String: Any] = [
            "errors": errors.map { pages.message($0, t) }, "has_errors": !errors.isEmpty,
            "scoring": scoring.map { ["attributes": attributes($0.attribute), "value": $0.value, "points": $0.points] }
                + (0..<blankRows).map { _ in ["attributes": attributes(nil), "value": "", "points": ""] },
            "routing": routing.map {
                ["methods": methods($0.method), "targets": targets($0), "country": $0.country, "region": $0.region, "source": $0.source]
            }
                + (0..<blankRows).map { _ in ["methods": methods(nil), "targets": targets(nil), "country": "", "region": "", "source": ""] },
            "forms": try await store.leadWork.forms().map { form in
                [
                    "id": form.id, "name": form.name, "source": form.source, "campaign": form.campaign, "redirect_url": form.redirectURL,
                    "consent_text": form.consentText,
                    "active": form.isActive, "snippet": WebFormPages.snippet(form, origin: origin, t: snippetWords),
                    "owners": users.map { ["id": $0.id.rawValue, "name": $0.name, "selected": $0.id == form.ownerID] },
                ] as [String: Any]
            },
            "snippet_languages": MessageCatalog.languages.map {
                ["code": $0, "name": MessageCatalog.languageNames[$0] ?? $0, "selected": $0 == snippetLanguage]
            },
            "owners": users.map { ["id": $0.id.rawValue, "name": $0.name, "selected": $0.id == identity.user.id] },
        ]
        return pages.render("admin_leads", data, identity: identity, request: request, status: status, title: t["lead_settings"])
    }
}
