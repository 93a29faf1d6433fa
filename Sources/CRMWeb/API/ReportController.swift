import CRMCore
import CRMStore
import Foundation
import HTTPTypes
import Hummingbird

/// The reports as JSON: the same tables the pages show, plans, and forecast overrides.
struct ReportController {
    let store: Store
    let pages: PageRenderer

    func addRoutes(to group: RouterGroup<AppContext>) {
        for kind in ReportKind.allCases {
            group.get("reports/\(kind.rawValue)") { request, context in try await report(kind, request, context) }
        }
        group.get("reports/deals", use: deals)
        group.get("plans", use: plans)
        group.put("plans", use: setPlans)
        group.get("forecast-overrides", use: overrides)
        group.post("forecast-overrides", use: createOverride)
    }

    private func builder(_ request: Request, _ context: AppContext) async throws -> ReportBuilder {
        let identity = try context.require(.seeReports)
        let language = PageRenderer.language(identity: identity, request: request)
        let parsed = try await ReportRequest(request.queryDictionary, identity: identity, store: store)
        return ReportBuilder(
            store: store,
            identity: identity,
            request: parsed,
            t: pages.strings(language),
            language: language,
            format: pages.formatter(identity),
            dealsPath: "/api/v1/reports/deals"
        )
    }

    func report(_ kind: ReportKind, _ request: Request, _ context: AppContext) async throws -> Response {
        let builder = try await builder(request, context)
        let view = try await builder.build(kind)
        let filter = builder.request.filter
        return JSONResponse.ok(
            .object([
                "report": .string(kind.rawValue), "pipeline_id": .int(filter.pipelineID.rawValue),
                "period": .object(["from": .string(filter.period.from.description), "to": .string(filter.period.to.description)]),
                "notes": .array(view.notes.map { .string($0) }), "tables": .array(view.tables.map(\.json)),
            ])
        )
    }

    @Sendable func deals(_ request: Request, context: AppContext) async throws -> Response {
        let identity = try context.requireIdentity()
        let parsed = try await ReportRequest(request.queryDictionary, identity: identity, store: store)
        guard let drill = parsed.drill else {
            throw APIError.badParameters([ValidationError(field: "drill", code: "required", message: "name the figure, e.g. entered:12 or won")])
        }
        let deals = try await store.reports.deals(identity.access, parsed.filter, drill: drill, timeZone: parsed.timeZone)
        return JSONResponse.ok(.object(["items": .array(deals.map(\.json))]))
    }

    // MARK: Plans

    @Sendable func plans(_ request: Request, context: AppContext) async throws -> Response {
        let identity = try context.requireIdentity()
        let parsed = try await ReportRequest(request.queryDictionary, identity: identity, store: store)
        let plans = try await store.reports.plans(
            identity.access,
            pipeline: parsed.pipeline.id,
            scope: parsed.scope,
            unit: parsed.unit ?? .month,
            periodStart: parsed.filter.period.from
        )
        return JSONResponse.ok(
            .object([
                "pipeline_id": .int(parsed.pipeline.id.rawValue), "unit": .string((parsed.unit ?? .month).rawValue),
                "period_start": .string(parsed.filter.period.from.description),
                "scope": .string(Self.scopeText(parsed.scope)),
                "items": .array(
                    plans.map { .object(["stage_id": $0.stageID.map { .int($0.rawValue) } ?? .null, "target": .int(Int64($0.target))]) }
                ),
            ])
        )
    }

    /// Replaces one scope's targets for a period: `{"pipeline_id": 1, "unit": "month", "period_start": "2026-03-01",
    /// "scope": "user:7", "targets": [{"stage_id": 3, "target": 15}, {"stage_id": null, "target": 2}]}` (null is won).
    @Sendable func setPlans(_ request: Request, context: AppContext) async throws -> Response {
        let identity = try context.requireIdentity()
        var input = try JSONInput(
            try await JSONInput.body(request, context: context),
            request: request,
            allowed: ["pipeline_id", "unit", "period_start", "scope", "targets"]
        )
        let key = Self.periodKey(&input)
        var scope = PlanScope.company
        if let text = input.string("scope") {
            let parts = text.split(separator: ":").map(String.init)
            do throws(ValidationError) { scope = try PlanScope(kind: parts.first ?? "", subjectID: parts.count == 2 ? Int64(parts[1]) : nil) } catch {
                input.fail("scope", error.code, error.message)
            }
        }
        let targets = input.array("targets") { element, path throws(ValidationError) -> (StageID?, Int) in
            guard case .object(let object) = element, Set(object.keys).isSubset(of: ["stage_id", "target"]), case .int(let target)? = object["target"]
            else {
                throw ValidationError(field: path, code: "wrong_type", message: "must be {\"stage_id\": id or null, \"target\": number}")
            }
            switch object["stage_id"] {
            case .int(let id)? where id > 0: return (StageID(id), Int(clamping: target))
            case nil, .null?: return (nil, Int(clamping: target))
            default: throw ValidationError(field: "\(path).stage_id", code: "wrong_type", message: "must be a stage id or null for won")
            }
        }
        if targets == nil { input.fail("targets", "required", "list the targets") }
        var byStage: [StageID?: Int] = [:]
        for (stage, target) in targets ?? [] {
            if byStage[stage] != nil { input.fail("targets", "duplicate_stage", "each stage appears once") }
            byStage[stage] = target
        }
        try input.finish()
        guard let key else { throw APIError.invalid([]) }
        try await store.reports.setPlans(
            identity.access,
            pipeline: key.pipeline,
            scope: scope,
            unit: key.unit,
            periodStart: key.start,
            targets: byStage
        )
        let plans = try await store.reports.plans(identity.access, pipeline: key.pipeline, scope: scope, unit: key.unit, periodStart: key.start)
        return JSONResponse.ok(
            .object([
                "items": .array(plans.map { .object(["stage_id": $0.stageID.map { .int($0.rawValue) } ?? .null, "target": .int(Int64($0.target))]) })
            ])
        )
    }

    // MARK: Forecast overrides

    @Sendable func overrides(_ request: Request, context: AppContext) async throws -> Response {
        let identity = try context.requireIdentity()
        let parsed = try await ReportRequest(request.queryDictionary, identity: identity, store: store)
        let unit = parsed.unit ?? .quarter
        let list = try await store.reports.forecastOverrides(
            identity.access,
            pipeline: parsed.pipeline.id,
            unit: unit,
            periodStart: parsed.filter.period.from
        )
        return JSONResponse.ok(.object(["items": .array(list.map(Self.json))]))
    }

    /// A manager's override of a rep's forecast: `{"pipeline_id": 1, "unit": "quarter", "period_start": "2026-10-01",
    /// "owner_id": 7, "commit": "120000.00", "best_case": "150000.00", "comment": "..."}`, in the pipeline's currency.
    @Sendable func createOverride(_ request: Request, context: AppContext) async throws -> Response {
        let identity = try context.requireIdentity()
        var input = try JSONInput(
            try await JSONInput.body(request, context: context),
            request: request,
            allowed: ["pipeline_id", "unit", "period_start", "owner_id", "commit", "best_case", "comment"]
        )
        let key = Self.periodKey(&input)
        let owner = input.id("owner_id") ?? nil
        if owner == nil { input.fail("owner_id", "required", "name the rep") }
        var pipeline: Pipeline?
        if let key { pipeline = try await store.pipelines.get(key.pipeline) }
        func amount(_ field: String) -> Money? {
            guard let text = input.string(field), let pipeline else {
                input.fail(field, "required", "give an amount")
                return nil
            }
            do throws(ValidationError) { return try Money(decimal: text, currency: pipeline.currency) } catch {
                input.fail(field, error.code, error.message)
                return nil
            }
        }
        let commit = amount("commit")
        let bestCase = amount("best_case")
        let comment = input.string("comment") ?? ""
        try input.finish()
        guard let key, let owner, let commit, let bestCase else { throw APIError.invalid([]) }
        let override = ForecastReport.Override(
            ownerID: UserID(owner),
            commit: commit,
            bestCase: bestCase,
            comment: comment,
            byUserID: identity.user.id,
            at: .now
        )
        try await store.reports.overrideForecast(identity.access, pipeline: key.pipeline, unit: key.unit, periodStart: key.start, override: override)
        let list = try await store.reports.forecastOverrides(identity.access, pipeline: key.pipeline, unit: key.unit, periodStart: key.start)
        return JSONResponse.ok(Self.json(list.first { $0.ownerID == override.ownerID } ?? override), status: .created)
    }

    static func json(_ override: ForecastReport.Override) -> JSONValue {
        .object([
            "owner_id": .int(override.ownerID.rawValue), "commit": .string(override.commit.decimalString),
            "best_case": .string(override.bestCase.decimalString),
            "currency": .string(override.commit.currency.code), "comment": .string(override.comment),
            "by_user_id": override.byUserID.map { .int($0.rawValue) } ?? .null, "at": .string(override.at.iso8601),
        ])
    }

    static func scopeText(_ scope: PlanScope) -> String {
        scope.subjectID.map { "\(scope.kind):\($0)" } ?? scope.kind
    }

    /// The pipeline, unit and period start every plan and override names.
    private static func periodKey(_ input: inout JSONInput) -> (pipeline: PipelineID, unit: PeriodUnit, start: CalendarDate)? {
        let pipeline = input.id("pipeline_id") ?? nil
        if pipeline == nil { input.fail("pipeline_id", "required", "name the pipeline") }
        let unit = input.choice("unit", PeriodUnit.self) ?? nil
        if unit == nil { input.fail("unit", "required", "week, month, quarter or year") }
        var start: CalendarDate?
        if let text = input.string("period_start") {
            do { start = try CalendarDate(parsing: text) } catch { input.fail("period_start", error.code, error.message) }
        } else {
            input.fail("period_start", "required", "the first day of the period")
        }
        guard let pipeline, let unit, let start else { return nil }
        return (PipelineID(pipeline), unit, start)
    }
}
