import CRMCore
import CRMStore
import Foundation
import HTTPTypes
import Hummingbird

/// What leads have beyond the record operations: conversion, behaviours, and the admins' scoring and routing
/// rules and web forms.
struct LeadController {
    let store: Store
    let settings: Dependencies.Settings

    func addRoutes(to group: RouterGroup<AppContext>) {
        group.post("leads/:id/convert", use: convert)
        group.post("leads/:id/behaviours", use: behaviour)
        group.get("lead-rules/scoring", use: scoringRules)
        group.put("lead-rules/scoring", use: setScoringRules)
        group.get("lead-rules/routing", use: routingRules)
        group.put("lead-rules/routing", use: setRoutingRules)
        group.get("lead-forms", use: forms)
        group.post("lead-forms", use: createForm)
        group.patch("lead-forms/:id", use: updateForm)
    }

    /// `{"create_company": true, "deal": {"pipeline_id": 1, "title": "…", "amount": "1200.00"}}`, or `"company_id": 7`
    /// for an existing company; `?allow_duplicates=true` creates a look-alike company or contact anyway.
    @Sendable func convert(_ request: Request, context: AppContext) async throws -> Response {
        let identity = try context.requireIdentity()
        var input = try JSONInput(
            try await JSONInput.body(request, context: context),
            request: request,
            allowed: ["company_id", "contact_id", "create_company", "deal"]
        )
        let existing = input.id("company_id") ?? nil
        let existingContact = (input.id("contact_id") ?? nil).map { ContactID($0) }
        let create = input.bool("create_company") ?? false
        if existing != nil && create { input.fail("create_company", "conflicting", "choose an existing company or a new one, not both") }
        var deal: LeadConversion.NewDeal?
        if var inner = input.nested("deal", allowed: ["pipeline_id", "title", "amount"]) {
            let pipeline = inner.id("pipeline_id") ?? nil
            if pipeline == nil { inner.fail("pipeline_id", "required", "say which pipeline the deal opens in") }
            let title = inner.string("title") ?? ""
            var amount: Money?
            if let text = inner.string("amount"), !text.isEmpty, let pipeline {
                let currency = try await store.pipelines.get(PipelineID(pipeline)).currency
                do { amount = try Money(decimal: text, currency: currency) } catch { inner.fail("amount", error.code, error.message) }
            }
            if let pipeline { deal = .init(pipelineID: PipelineID(pipeline), title: title, amount: amount) }
            input.adopt(inner, under: "deal")
        }
        try input.finish()
        var parameters = QueryParameters(request.queryDictionary, allowed: ["allow_duplicates"])
        let allowDuplicates = parameters.bool("allow_duplicates") ?? false
        try parameters.finish()
        let company: LeadConversion.CompanyChoice = existing.map { .existing(CompanyID($0)) } ?? (create ? .create : .none)
        let expected = try RecordController<LeadFields>.expectedVersion(request, required: false)
        do {
            let lead = try await store.leadWork.convert(
                identity.access,
                try context.pathID(),
                expectedVersion: expected,
                LeadConversion(company: company, deal: deal, existingContact: existingContact),
                allowDuplicates: allowDuplicates
            )
            return JSONResponse.ok(lead.json, etag: lead.meta.etag)
        } catch StoreError.possibleDuplicates(let type, let ids) {
            var problem = APIError.from(StoreError.possibleDuplicates(type, ids))!
            let candidates: [JSONValue] =
                type == .company
                ? try await store.companies.many(identity.access, ids).values.sorted { $0.meta.id < $1.meta.id }.map(\.json)
                : try await store.contacts.many(identity.access, ids).values.sorted { $0.meta.id < $1.meta.id }.map(\.json)
            problem.extensions["candidates"] = .array(candidates)
            problem.extensions["record_type"] = .string(type.rawValue)
            throw problem
        }
    }

    /// `{"behaviour": "email_answered"}`: the lead did something its score may reward.
    @Sendable func behaviour(_ request: Request, context: AppContext) async throws -> Response {
        let identity = try context.requireIdentity()
        var input = try JSONInput(try await JSONInput.body(request, context: context), request: request, allowed: ["behaviour"])
        let behaviour = input.choice("behaviour", LeadBehaviour.self) ?? nil
        if behaviour == nil && input.errors.isEmpty { input.fail("behaviour", "required", "say what the lead did") }
        try input.finish()
        let lead = try await store.leadWork.record(identity.access, behaviour!, lead: try context.pathID())
        return JSONResponse.ok(lead.json, etag: lead.meta.etag)
    }

    @Sendable func scoringRules(_ request: Request, context: AppContext) async throws -> Response {
        _ = try context.requireIdentity()
        return JSONResponse.ok(.object(["rules": .array(try await store.leadWork.scoringRules().map(\.json))]))
    }

    /// `{"rules": [{"attribute": "industry", "value": "Manufacturing", "points": 20}, …]}` replaces every rule.
    @Sendable func setScoringRules(_ request: Request, context: AppContext) async throws -> Response {
        let identity = try context.requireIdentity()
        var input = try JSONInput(try await JSONInput.body(request, context: context), request: request, allowed: ["rules"])
        let rules = input.array("rules") { element, path throws(ValidationError) in
            var rule = try Self.object(element, path, allowed: ["attribute", "value", "points"])
            let attribute = rule.choice("attribute", ScoringRule.Attribute.self) ?? nil
            let value = rule.string("value") ?? ""
            let points = rule.integer("points", in: -1000...1000)
            if attribute == nil, rule.errors.isEmpty { rule.fail("attribute", "required", "say which attribute the rule looks at") }
            if points == nil, rule.errors.isEmpty { rule.fail("points", "required", "say how many points the rule gives") }
            if let error = rule.errors.first { throw error.at("\(path).\(error.field ?? "")") }
            return ScoringRule(attribute: attribute!, value: value, points: points!)
        }
        if rules == nil, input.errors.isEmpty { input.fail("rules", "required", "send the rules as an array") }
        try input.finish()
        try await store.leadWork.setScoringRules(identity.access, rules!)
        return JSONResponse.ok(.object(["rules": .array(try await store.leadWork.scoringRules().map(\.json))]))
    }

    @Sendable func routingRules(_ request: Request, context: AppContext) async throws -> Response {
        _ = try context.requireIdentity()
        return JSONResponse.ok(.object(["rules": .array(try await store.leadWork.routingRules().map(\.json))]))
    }

    /// `{"rules": [{"country": "PL", "method": "round_robin", "team_id": 2}, {"method": "least_loaded", "team_id": 1}]}`.
    @Sendable func setRoutingRules(_ request: Request, context: AppContext) async throws -> Response {
        let identity = try context.requireIdentity()
        var input = try JSONInput(try await JSONInput.body(request, context: context), request: request, allowed: ["rules"])
        let rules = input.array("rules") { element, path throws(ValidationError) in
            var rule = try Self.object(element, path, allowed: ["country", "region", "source", "method", "user_id", "team_id"])
            let method = rule.choice("method", RoutingRule.Method.self) ?? nil
            if method == nil, rule.errors.isEmpty { rule.fail("method", "required", "say how the rule picks an owner") }
            let result = RoutingRule(
                country: rule.string("country") ?? "",
                region: rule.string("region") ?? "",
                source: rule.string("source") ?? "",
                method: method ?? .user,
                userID: (rule.id("user_id") ?? nil).map { UserID($0) },
                teamID: (rule.id("team_id") ?? nil).map { TeamID($0) }
            )
            if let error = rule.errors.first { throw error.at("\(path).\(error.field ?? "")") }
            return result
        }
        if rules == nil, input.errors.isEmpty { input.fail("rules", "required", "send the rules as an array") }
        try input.finish()
        try await store.leadWork.setRoutingRules(identity.access, rules!)
        return JSONResponse.ok(.object(["rules": .array(try await store.leadWork.routingRules().map(\.json))]))
    }

    @Sendable func forms(_ request: Request, context: AppContext) async throws -> Response {
        _ = try context.requireIdentity()
        let origin = WebFormPages.origin(request, settings: settings)
        return JSONResponse.ok(.object(["items": .array(try await store.leadWork.forms().map { $0.json(origin: origin) })]))
    }

    /// `{"name": "Contact us", "source": "website", "campaign": "spring", "redirect_url": "https://…/thanks", "owner_id": 3}`.
    @Sendable func createForm(_ request: Request, context: AppContext) async throws -> Response {
        let identity = try context.requireIdentity()
        var input = try JSONInput(try await JSONInput.body(request, context: context), request: request, allowed: LeadForm.inputFields)
        var form = LeadForm(name: "", ownerID: identity.user.id)
        form.apply(&input)
        try input.finish()
        let created = try await store.leadWork.createForm(identity.access, form)
        return JSONResponse.ok(created.json(origin: WebFormPages.origin(request, settings: settings)), status: .created)
    }

    @Sendable func updateForm(_ request: Request, context: AppContext) async throws -> Response {
        let identity = try context.requireIdentity()
        let id = try context.pathID()
        var input = try JSONInput(try await JSONInput.body(request, context: context), request: request, allowed: LeadForm.inputFields)
        var form = try await store.leadWork.form(id: id)
        form.apply(&input)
        try input.finish()
        let updated = try await store.leadWork.updateForm(identity.access, id, form)
        return JSONResponse.ok(updated.json(origin: WebFormPages.origin(request, settings: settings)))
    }

    private static func object(_ element: JSONValue, _ path: String, allowed: Set<String>) throws(ValidationError) -> JSONInput {
        guard case .object(let members) = element else { throw ValidationError(field: path, code: "wrong_type", message: "must be an object") }
        if let extra = Set(members.keys).subtracting(allowed).sorted().first {
            throw ValidationError(field: "\(path).\(extra)", code: "unknown_field", message: "is not a field here")
        }
        return JSONInput.wrapping(members)
    }
}

extension LeadForm {
    static let inputFields: Set<String> = ["name", "source", "campaign", "redirect_url", "owner_id", "is_active", "consent_text"]

    mutating func apply(_ input: inout JSONInput) {
        if let value = input.string("name") { name = value }
        if let value = input.string("source") { source = value }
        if let value = input.string("campaign") { campaign = value }
        if let value = input.string("redirect_url") { redirectURL = value }
        if let value = input.id("owner_id") {
            if let value { ownerID = UserID(value) } else { input.fail("owner_id", "required", "a form needs an owner") }
        }
        if let value = input.bool("is_active") { isActive = value }
        if let value = input.string("consent_text") { consentText = value }
    }

    func json(origin: String) -> JSONValue {
        .object([
            "id": .int(id), "key": .string(key), "name": .string(name), "source": .string(source), "campaign": .string(campaign),
            "redirect_url": .string(redirectURL), "owner_id": .int(ownerID.rawValue), "is_active": .bool(isActive),
            "consent_text": .string(consentText),
            "action": .string(origin + "/forms/" + key), "snippet": .string(WebFormPages.snippet(self, origin: origin)),
        ])
    }
}

extension RoutingRule {
    var json: JSONValue {
        .object([
            "country": .string(country), "region": .string(region), "source": .string(source), "method": .string(method.rawValue),
            "user_id": .optional(userID?.rawValue), "team_id": .optional(teamID?.rawValue),
        ])
    }
}
