import CRMCore
import CRMStore
import Foundation
import HTTPTypes
import Hummingbird

/// The reports area: a manager's dashboard, each report with its filters, charts and tables, CSV exports, the
/// deals behind every figure, and the forms that set plans and override forecasts.
struct ReportPages {
    let store: Store
    let pages: PageRenderer

    func addRoutes(to group: RouterGroup<AppContext>) {
        group.get("reports", use: dashboard)
        group.get("reports/deals", use: deals)
        for kind in ReportKind.allCases {
            group.get("reports/\(kind.rawValue)") { request, context in try await report(kind, request, context) }
        }
        group.post("reports/plan", use: savePlan)
        group.post("reports/forecast/override", use: saveOverride)
    }

    private func builder(
        _ request: Request,
        _ context: AppContext,
        extra: Set<String> = ["format", "table"],
        values: [String: String]? = nil
    ) async throws -> ReportBuilder {
        let identity = try context.require(.seeReports)
        let language = PageRenderer.language(identity: identity, request: request)
        let parsed = try await ReportRequest(values ?? request.queryDictionary, identity: identity, store: store, extra: extra)
        return ReportBuilder(
            store: store,
            identity: identity,
            request: parsed,
            t: pages.strings(language),
            language: language,
            format: pages.formatter(identity),
            dealsPath: "/reports/deals"
        )
    }

    @Sendable func dashboard(_ request: Request, context: AppContext) async throws -> Response {
        let builder = try await builder(request, context, extra: [])
        var kinds: [ReportKind] = [.snapshot, .velocity, .forecast, .losses]
        // Reps side by side is for those who plan for others; a rep reads their own figures against the average.
        if builder.identity.access.may(.planTeams) { kinds.append(.reps) }
        var views: [ReportView] = []
        for kind in kinds { views.append(try await builder.build(kind)) }
        return try await render(builder, views: views, kind: nil, request: request)
    }

    func report(_ kind: ReportKind, _ request: Request, _ context: AppContext) async throws -> Response {
        let parameters = request.queryDictionary
        let builder: ReportBuilder
        do {
            builder = try await self.builder(request, context)
        } catch let problem as APIError where problem.status == .badRequest && !problem.errors.isEmpty && (parameters["format"] ?? "").isEmpty {
            // A report's form filled in wrong comes back as the form with its errors, without the values at fault.
            let kept = parameters.filter { name, _ in !problem.errors.contains { $0.field == name } }
            let fallback = try await self.builder(request, context, values: kept)
            let views = kind == .required && fallback.request.target == nil ? [] : [try await fallback.build(kind)]
            return try await render(fallback, views: views, kind: kind, request: request, errors: problem.errors, status: .unprocessableContent)
        }
        // The required funnel needs a target; without one the page is its form, waiting for it.
        if kind == .required, builder.request.target == nil, (parameters["format"] ?? "").isEmpty {
            return try await render(builder, views: [], kind: kind, request: request)
        }
        let view = try await builder.build(kind)
        if let format = parameters["format"], !format.isEmpty {
            guard format == "csv" || format == "xlsx" else {
                throw APIError.badParameters([ValidationError(field: "format", code: "invalid_choice", message: "must be csv or xlsx")])
            }
            guard let table = view.table(parameters["table"] ?? view.tables.first?.name ?? "") else {
                throw APIError.badParameters([
                    ValidationError(
                        field: "table",
                        code: "invalid_choice",
                        message: "must be one of " + view.tables.map(\.name).joined(separator: ", ")
                    )
                ])
            }
            // People get the table as the page shows it, for their spreadsheet program; the API's report keeps keys.
            return RecordPages<DealFields>.download(
                table.spreadsheet,
                kind: format,
                name: "\(table.title) \(builder.request.filter.period.from)",
                language: builder.language
            )
        }
        return try await render(builder, views: [view], kind: kind, request: request)
    }

    @Sendable func deals(_ request: Request, context: AppContext) async throws -> Response {
        let builder = try await builder(request, context, extra: [])
        guard let drill = builder.request.drill else {
            throw APIError.badParameters([ValidationError(field: "drill", code: "required", message: "name the figure")])
        }
        let deals = try await store.reports.deals(builder.identity.access, builder.request.filter, drill: drill, timeZone: builder.request.timeZone)
        let owners = try await store.users.names()
        let stages = Dictionary(uniqueKeysWithValues: builder.request.pipeline.stages.map { ($0.id, $0.name(in: builder.language)) })
        let t = builder.t
        let data: [String: Any] = [
            "pipeline": builder.request.pipeline.name,
            "period": "\(builder.request.filter.period.from) – \(builder.request.filter.period.to.adding(days: -1))",
            "count": deals.count, "back": request.headers[.referer].flatMap { $0.hasPrefix("/") || $0.contains("/reports") ? $0 : nil } ?? "/reports",
            "deals": deals.map { deal -> [String: Any] in
                [
                    "id": deal.meta.id, "title": deal.fields.title, "stage": stages[deal.fields.stageID] ?? "",
                    "status": t["status_\(deal.fields.status.rawValue)"] ?? deal.fields.status.rawValue,
                    "amount": builder.format.money(deal.fields.amount), "owner": owners[deal.meta.ownerID] ?? "",
                ]
            },
        ]
        return pages.render("report_deals", data, identity: builder.identity, request: request, title: t["report_deals_behind"] ?? "Deals")
    }

    private func render(
        _ builder: ReportBuilder,
        views: [ReportView],
        kind: ReportKind?,
        request: Request,
        errors: [ValidationError] = [],
        status: HTTPResponse.Status = .ok,
        typed: FormInput? = nil
    ) async throws -> Response {
        let t = builder.t
        let parsed = builder.request
        let path = kind.map { "/reports/\($0.rawValue)" } ?? "/reports"
        let users = try await store.users.list().filter(\.isActive)
        let me = builder.identity.user
        var data: [String: Any] = [
            "path": path, "is_dashboard": kind == nil,
            "kinds": ReportKind.allCases.map {
                ["name": t["report_\($0.rawValue)"] ?? $0.rawValue, "href": parsed.link("/reports/\($0.rawValue)"), "current": $0 == kind]
            },
            "pipelines": try await store.pipelines.list().filter(\.isActive).map {
                ["id": $0.id.rawValue, "name": $0.name, "selected": $0.id == parsed.pipeline.id]
            },
            "units": PeriodUnit.allCases.map {
                ["value": $0.rawValue, "name": t["unit_\($0.rawValue)"] ?? $0.rawValue, "selected": $0 == parsed.unit]
            },
            "start": parsed.filter.period.from.description,
            "period_label": "\(parsed.filter.period.from) – \(parsed.filter.period.to.adding(days: -1))",
            "previous": parsed.link(
                path,
                ["start": parsed.filter.period.previous.from.description, "from": nil, "to": nil, "unit": (parsed.unit ?? .month).rawValue]
            ),
            "next": parsed.link(
                path,
                ["start": parsed.filter.period.to.description, "from": nil, "to": nil, "unit": (parsed.unit ?? .month).rawValue]
            ),
            "owners": users.map { ["id": $0.id.rawValue, "name": $0.name, "selected": parsed.filter.ownerIDs.contains($0.id)] },
            "teams": try await store.teams.list().map { ["id": $0.id.rawValue, "name": $0.name, "selected": $0.id == parsed.filter.teamID] },
            "priorities": Priority.allCases.map { ["value": $0.rawValue, "selected": $0 == parsed.filter.companyPriority] },
            "source": parsed.filter.source ?? "", "company_tag": parsed.filter.companyTag ?? "",
            "created_from": parsed.query["created_from"] ?? "", "created_to": parsed.query["created_to"] ?? "",
            "show_mode": kind == .funnel,
            "modes": CountingMode.allCases.map {
                ["value": $0.rawValue, "name": t["report_mode_\($0.rawValue)"] ?? $0.rawValue, "selected": $0 == parsed.mode]
            },
            "groups": ReportGrouping.allCases.map {
                ["value": $0.rawValue, "name": t["report_group_\($0.rawValue)"] ?? $0.rawValue, "selected": $0 == parsed.grouping]
            },
            "show_as_of": kind == .snapshot, "as_of": parsed.asOf?.description ?? "",
            "show_thresholds": kind == .plan, "amber": parsed.thresholds.amber, "green": parsed.thresholds.green,
            "show_margin": kind == .reps, "margin": parsed.comparison.margin, "min_deals": parsed.comparison.minimumDeals,
            "show_target": kind == .required, "target_deals": request.queryDictionary["target_deals"] ?? "",
            "target_amount": request.queryDictionary["target_amount"] ?? "",
            "ask_target": kind == .required && views.isEmpty,
            "show_scope": kind == .plan || kind == .required,
            "scopes": [["value": "company", "name": t["report_company"] ?? "Company", "selected": parsed.scope == .company]]
                + (try await store.teams.list()).map {
                    ["value": "team:\($0.id.rawValue)", "name": $0.name, "selected": parsed.scope == .team($0.id)]
                }
                + users.map { ["value": "user:\($0.id.rawValue)", "name": $0.name, "selected": parsed.scope == .user($0.id)] },
            "errors": errors.map { pages.message($0, t) }, "has_errors": !errors.isEmpty,
            "views": views.map { view -> [String: Any] in
                [
                    "title": view.title, "notes": view.notes, "charts": view.charts,
                    "tables": view.tables.map { table -> [String: Any] in
                        [
                            "name": table.name, "title": table.title, "columns": table.columns.map(\.label),
                            "csv": parsed.link("/reports/\(view.name)", ["format": "csv", "table": table.name]),
                            "xlsx": parsed.link("/reports/\(view.name)", ["format": "xlsx", "table": table.name]),
                            "rows": table.rows.map { cells in
                                cells.map { cell -> [String: Any] in
                                    [
                                        "text": cell.value.display(builder.format), "link": cell.link ?? "", "tone": cell.tone ?? "",
                                        "numeric": cell.value.isNumeric,
                                    ]
                                }
                            },
                        ]
                    },
                ]
            },
        ]
        if kind == .plan, parsed.unit != nil {
            let plans =
                (try? await store.reports.plans(
                    builder.identity.access,
                    pipeline: parsed.pipeline.id,
                    scope: parsed.scope,
                    unit: parsed.unit!,
                    periodStart: parsed.filter.period.from
                )) ?? []
            let targets = Dictionary(plans.map { ($0.stageID, $0.target) }, uniquingKeysWith: { $1 })
            data["plan_form"] = [
                "pipeline_id": parsed.pipeline.id.rawValue, "unit": parsed.unit!.rawValue, "start": parsed.filter.period.from.description,
                "scope": ReportController.scopeText(parsed.scope),
                "back": parsed.link("/reports/plan"),
                "stages": parsed.pipeline.stages.sorted { $0.position < $1.position }.map {
                    ["id": $0.id.rawValue, "name": $0.name(in: builder.language), "target": targets[$0.id].map(String.init) ?? ""]
                },
                "won_target": targets[nil].map(String.init) ?? "",
            ]
            data["can_plan"] = builder.identity.access.may(.planTeams) || builder.identity.access.may(.planCompany)
        }
        if kind == .forecast, builder.identity.access.may(.planTeams) || builder.identity.access.may(.planCompany) {
            data["override_form"] = [
                "pipeline_id": parsed.pipeline.id.rawValue, "unit": (parsed.unit ?? .quarter).rawValue,
                "start": parsed.filter.period.from.description,
                "currency": parsed.pipeline.currency.code, "back": parsed.link("/reports/forecast"),
                "reps": users.filter { $0.role == .salesRep || $0.role == .salesManager }.map {
                    ["id": $0.id.rawValue, "name": $0.name, "selected": typed?["owner_id"] == String($0.id.rawValue)]
                },
                // A refused override comes back with what was typed and the rep chosen.
                "commit": typed?["commit"] ?? "", "best_case": typed?["best_case"] ?? "", "comment": typed?["comment"] ?? "",
            ]
        }
        let title = kind.map { t["report_\($0.rawValue)"] ?? $0.rawValue } ?? (t["nav_reports"] ?? "Reports")
        return pages.render("reports", data, identity: builder.identity, request: request, status: status, title: title)
    }

    // MARK: Forms

    @Sendable func savePlan(_ request: Request, context: AppContext) async throws -> Response {
        let identity = try context.requireIdentity()
        let form = try await FormInput(request, context: context, csrf: identity.csrfToken)
        let back = AuthPages.safeNext(form["next"].isEmpty ? "/reports/plan" : form["next"])
        var errors: [ValidationError] = []
        var targets: [StageID?: Int] = [:]
        let pipelineID = Int64(form["pipeline_id"]).map { PipelineID($0) }
        var pipeline: Pipeline?
        if let pipelineID { pipeline = try await store.pipelines.get(pipelineID) }
        for stage in pipeline?.stages ?? [] {
            let text = form["target_\(stage.id.rawValue)"]
            if !text.isEmpty {
                if let value = Int(text) {
                    targets[stage.id] = value
                } else {
                    errors.append(ValidationError(field: "target", code: "invalid_number", message: "\(stage.name): '\(text)' is not a whole number"))
                }
            }
        }
        let text = form["target_won"]
        if !text.isEmpty {
            if let value = Int(text) {
                targets[nil] = value
            } else {
                errors.append(ValidationError(field: "target", code: "invalid_number", message: "'\(text)' is not a whole number"))
            }
        }
        let unit = PeriodUnit(rawValue: form["unit"])
        let start = try? CalendarDate(parsing: form["start"])
        let parts = form["scope"].split(separator: ":").map(String.init)
        let scope = try? PlanScope(kind: parts.first ?? "", subjectID: parts.count == 2 ? Int64(parts[1]) : nil)
        guard let pipeline, let unit, let start, let scope else {
            throw APIError.invalid([ValidationError(field: "plan", code: "invalid_plan", message: "the form names no pipeline, period or scope")])
        }
        if errors.isEmpty {
            do {
                try await store.reports.setPlans(
                    identity.access,
                    pipeline: pipeline.id,
                    scope: scope,
                    unit: unit,
                    periodStart: start,
                    targets: targets
                )
                return redirect(back)
            } catch let error as StoreError {
                errors = error.formErrors
            }
        }
        let values = [
            "pipeline_id": String(pipeline.id.rawValue), "unit": unit.rawValue, "start": start.description,
            "scope": form["scope"].isEmpty ? "company" : form["scope"],
        ]
        let language = PageRenderer.language(identity: identity, request: request)
        let parsed = try await ReportRequest(values, identity: identity, store: store)
        let builder = ReportBuilder(
            store: store,
            identity: identity,
            request: parsed,
            t: pages.strings(language),
            language: language,
            format: pages.formatter(identity),
            dealsPath: "/reports/deals"
        )
        return try await render(
            builder,
            views: [try await builder.build(.plan)],
            kind: .plan,
            request: request,
            errors: errors,
            status: .unprocessableContent
        )
    }

    @Sendable func saveOverride(_ request: Request, context: AppContext) async throws -> Response {
        let identity = try context.requireIdentity()
        let form = try await FormInput(request, context: context, csrf: identity.csrfToken)
        let back = AuthPages.safeNext(form["next"].isEmpty ? "/reports/forecast" : form["next"])
        guard let pipelineID = Int64(form["pipeline_id"]), let unit = PeriodUnit(rawValue: form["unit"]),
            let start = try? CalendarDate(parsing: form["start"])
        else {
            throw APIError.invalid([ValidationError(field: "override", code: "invalid_override", message: "the form names no pipeline or period")])
        }
        let pipeline = try await store.pipelines.get(PipelineID(pipelineID))
        var errors: [ValidationError] = []
        func amount(_ field: String) -> Money? {
            do throws(ValidationError) { return try Money(typed: form[field], currency: pipeline.currency) } catch {
                errors.append(error.at(field))
                return nil
            }
        }
        let commit = amount("commit")
        let bestCase = amount("best_case")
        let owner = Int64(form["owner_id"])
        if owner == nil { errors.append(ValidationError(field: "owner_id", code: "required", message: "choose the rep")) }
        if errors.isEmpty, let commit, let bestCase, let owner {
            do {
                let override = ForecastReport.Override(
                    ownerID: UserID(owner),
                    commit: commit,
                    bestCase: bestCase,
                    comment: form["comment"],
                    byUserID: identity.user.id,
                    at: .now
                )
                try await store.reports.overrideForecast(identity.access, pipeline: pipeline.id, unit: unit, periodStart: start, override: override)
                return redirect(back)
            } catch let error as StoreError {
                errors = error.formErrors
            }
        }
        let language = PageRenderer.language(identity: identity, request: request)
        let parsed = try await ReportRequest(
            ["pipeline_id": String(pipelineID), "unit": unit.rawValue, "start": start.description],
            identity: identity,
            store: store
        )
        let builder = ReportBuilder(
            store: store,
            identity: identity,
            request: parsed,
            t: pages.strings(language),
            language: language,
            format: pages.formatter(identity),
            dealsPath: "/reports/deals"
        )
        return try await render(
            builder,
            views: [try await builder.build(.forecast)],
            kind: .forecast,
            request: request,
            errors: errors,
            status: .unprocessableContent,
            typed: form
        )
    }
}

extension ReportTable.Cell.Value {
    var isNumeric: Bool {
        if case .text = self { false } else { true }
    }
}
