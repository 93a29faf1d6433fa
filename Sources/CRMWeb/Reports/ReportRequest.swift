import CRMCore
import CRMStore
import Foundation
import HTTPTypes

/// What a report was asked for, read strictly from query parameters, the same for pages, CSV and the API.
///
/// The period is `unit` (week, month, quarter, year; month by default) with `start` (any day in it; today by
/// default), or an explicit `from`–`to` (to exclusive). Owners are a comma-separated `owner_id` list.
struct ReportRequest: Sendable {
    var filter: ReportFilter
    var pipeline: Pipeline
    var unit: PeriodUnit?
    var mode: CountingMode
    var grouping: ReportGrouping
    var asOf: CalendarDate?
    var thresholds: FulfilmentThresholds
    var comparison: RepComparison.Settings
    var target: RequiredFunnel.Target?
    var scope: PlanScope
    var drill: ReportDrill?
    var timeZone: TimeZone
    /// The query string without the output format, for links that keep the filter.
    var query: [String: String]

    static let parameters: Set<String> = [
        "pipeline_id", "unit", "start", "from", "to", "owner_id", "team_id", "source", "created_from", "created_to", "company_priority",
        "company_tag", "mode", "group", "as_of", "amber", "green", "margin", "min_deals", "target_deals", "target_amount", "scope", "drill",
    ]

    private static let earliest = try! CalendarDate(year: 1900, month: 1, day: 1)
    private static let latest = try! CalendarDate(year: 2999, month: 12, day: 31)

    /// - Parameter extra: parameters the caller reads itself (such as `format`).
    init(_ values: [String: String], identity: Identity, store: Store, extra: Set<String> = []) async throws {
        var p = QueryParameters(values, allowed: Self.parameters.union(extra))
        timeZone = TimeZone(identifier: identity.user.timeZone) ?? TimeZone(identifier: "UTC")!
        let pipelines = try await store.pipelines.list()
        let pipelineID = p.id("pipeline_id")
        guard let pipeline = pipelineID.map({ id in pipelines.first { $0.id.rawValue == id } }) ?? pipelines.first(where: \.isActive) else {
            throw APIError(
                pipelineID == nil ? .conflict : .notFound,
                code: pipelineID == nil ? "no_pipeline" : "not_found",
                detail: pipelineID == nil ? "there is no pipeline yet" : "no such pipeline"
            )
        }
        self.pipeline = pipeline
        let today = CalendarDate(Timestamp.now, in: timeZone)
        let from = p.date("from")
        let to = p.date("to")
        let unit = p.choice("unit", PeriodUnit.self)
        let start = p.date("start")
        var period = ReportPeriod.containing(start ?? today, unit: unit ?? .month)
        self.unit = unit ?? .month
        switch (from, to) {
        case (let from?, let to?):
            if unit != nil || start != nil {
                p.fail(ValidationError(field: "from", code: "conflicting_period", message: "give either unit and start, or from and to"))
            }
            do { period = try ReportPeriod(from: from, to: to) } catch { p.fail(error) }
            self.unit = period.unit
        case (nil, nil): break
        default: p.fail(ValidationError(field: from == nil ? "from" : "to", code: "required", message: "from and to go together"))
        }
        var owners: [UserID] = []
        if let text = p.text("owner_id") {
            for part in text.split(separator: ",", omittingEmptySubsequences: false) {
                guard let id = Int64(part.trimmingCharacters(in: .whitespaces)), id > 0 else {
                    p.fail(ValidationError(field: "owner_id", code: "invalid_id", message: "must be user ids separated by commas"))
                    break
                }
                owners.append(UserID(id))
            }
        }
        var created: ReportPeriod?
        let createdFrom = p.date("created_from")
        let createdTo = p.date("created_to")
        if createdFrom != nil || createdTo != nil {
            do throws(ValidationError) { created = try ReportPeriod(from: createdFrom ?? Self.earliest, to: createdTo ?? Self.latest) } catch {
                p.fail(error.at("created_to"))
            }
        }
        filter = ReportFilter(
            pipelineID: pipeline.id,
            period: period,
            ownerIDs: owners,
            teamID: p.id("team_id").map { TeamID($0) },
            source: p.text("source"),
            created: created,
            companyPriority: p.choice("company_priority", Priority.self, normalize: { $0.uppercased() }),
            companyTag: p.text("company_tag")
        )
        mode = p.choice("mode", CountingMode.self) ?? .withConversions
        grouping = p.choice("group", ReportGrouping.self) ?? .none
        asOf = p.date("as_of")
        let amber = p.integer("amber", in: 0...1_000)
        let green = p.integer("green", in: 0...1_000)
        do {
            thresholds = try FulfilmentThresholds(
                amber: amber ?? FulfilmentThresholds.standard.amber,
                green: green ?? FulfilmentThresholds.standard.green
            )
        } catch {
            p.fail(error)
            thresholds = .standard
        }
        comparison = RepComparison.Settings(
            margin: p.integer("margin", in: 0...100) ?? RepComparison.Settings.standard.margin,
            minimumDeals: p.integer("min_deals", in: 1...100_000) ?? RepComparison.Settings.standard.minimumDeals
        )
        if let deals = p.integer("target_deals", in: 1...1_000_000) {
            target = .wonDeals(deals)
        } else if let amount = p.text("target_amount") {
            do { target = .wonAmount(try Money(typed: amount, currency: pipeline.currency)) } catch { p.fail(error.at("target_amount")) }
        }
        scope = .company
        if let text = p.text("scope") {
            let parts = text.split(separator: ":").map(String.init)
            do { scope = try PlanScope(kind: parts[0], subjectID: parts.count == 2 ? Int64(parts[1]) : nil) } catch { p.fail(error.at("scope")) }
        }
        if let token = p.text("drill") {
            do { drill = try ReportDrill(token: token) } catch { p.fail(error) }
        }
        try p.finish()
        query = values.filter { Self.parameters.contains($0.key) && !$0.value.isEmpty }
    }

    /// A link to `path` with this request's parameters, changed by `overrides` (nil removes one).
    func link(_ path: String, _ overrides: [String: String?] = [:]) -> String {
        var values = query
        for (key, value) in overrides { values[key] = value }
        values = values.filter { !$0.value.isEmpty }
        guard !values.isEmpty else { return path }
        var components = URLComponents()
        components.queryItems = values.sorted { $0.key < $1.key }.map { URLQueryItem(name: $0.key, value: $0.value) }
        return path + "?" + (components.percentEncodedQuery ?? "")
    }
}
