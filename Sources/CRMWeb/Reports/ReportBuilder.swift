import CRMCore
import CRMStore
import Foundation
import HTTPTypes

/// Turns a report request into a `ReportView`: asks the store for the figures, does the arithmetic of
/// `CRMCore/Analytics`, and lays out tables and charts in the reader's language. Pages, CSV and the API all
/// come through here.
struct ReportBuilder: Sendable {
    let store: Store
    let identity: Identity
    let request: ReportRequest
    let t: [String: String]
    let language: String
    let format: DisplayFormatter
    /// Where the deals behind a figure are listed: the page or the API.
    let dealsPath: String

    private var access: AccessContext { identity.access }
    private var stages: [Stage] { request.pipeline.stages.sorted { $0.position < $1.position } }

    private func label(_ key: String) -> String { t[key] ?? key }

    private func drill(_ drill: ReportDrill, _ overrides: [String: String?] = [:]) -> String {
        request.link(dealsPath, overrides.merging(["drill": drill.token]) { $1 })
    }

    func build(_ kind: ReportKind) async throws -> ReportView {
        switch kind {
        case .snapshot: try await snapshot()
        case .funnel: try await funnel()
        case .losses: try await losses()
        case .plan: try await planFact()
        case .reps: try await reps()
        case .required: try await required()
        case .velocity: try await velocity()
        case .forecast: try await forecast()
        }
    }

    // MARK: Snapshot

    func snapshot() async throws -> ReportView {
        let at = request.asOf.map { $0.adding(days: 1).start(in: request.timeZone).adding(seconds: 0) }
        let snapshot = try await store.reports.snapshot(
            access,
            request.filter,
            at: at.map { Timestamp(rawValue: $0.rawValue - 1) },
            timeZone: request.timeZone
        )
        var view = ReportView(name: "snapshot", title: label("report_snapshot"))
        if let asOf = request.asOf { view.notes.append("\(label("report_as_of")) \(asOf)") }
        var table = ReportTable(
            name: "stages",
            title: label("report_snapshot"),
            columns: [
                ("stage", label("report_stage")), ("deals", label("report_deals")), ("amount", label("report_amount")),
                ("probability", label("report_probability")), ("weighted", label("report_weighted")),
            ]
        )
        for row in snapshot.rows {
            // Only the present can be listed: past positions are not deals' current state.
            let link = request.asOf == nil ? drill(.open(row.stage.id)) : nil
            table.add([
                .init(.text(row.stage.name(in: language))), .init(.count(row.deals), link: link), .init(.money(row.amount)),
                .init(.share(Double(row.stage.probability) / 100)), .init(.money(row.weighted)),
            ])
        }
        table.add([
            .init(.text(label("report_total"))), .init(.count(snapshot.deals), link: request.asOf == nil ? drill(.open(nil)) : nil),
            .init(.money(snapshot.amount)), .init(.text("")), .init(.money(snapshot.weighted)),
        ])
        view.charts.append(
            SVGChart.funnel(
                title: label("report_snapshot"),
                stages: snapshot.rows.map { $0.stage.name(in: language) },
                counts: snapshot.rows.map(\.deals),
                notes: snapshot.rows.map { ReportTable.Cell.Value.money($0.amount).display(format) },
                links: snapshot.rows.map { request.asOf == nil ? drill(.open($0.stage.id)) : nil }
            )
        )
        view.tables.append(table)
        return view
    }

    // MARK: Historical funnel and conversion

    func funnel() async throws -> ReportView {
        let tallies = try await store.reports.funnel(access, request.filter, timeZone: request.timeZone, grouping: request.grouping)
        var total = FunnelTally()
        for tally in tallies.values { total.add(tally) }
        let report = FunnelReport(stages: stages, tally: total, mode: request.mode)
        var view = ReportView(name: "funnel", title: label("report_funnel"))
        view.notes.append(label(request.mode == .passed ? "report_mode_passed_note" : "report_mode_conversions_note"))
        let reach: (StageID) -> ReportDrill = { request.mode == .passed ? .entered($0) : .reached($0) }
        var table = ReportTable(
            name: "stages",
            title: label("report_funnel"),
            columns: [
                ("stage", label("report_stage")), ("deals", label("report_deals")), ("conversion_to_next", label("report_conversion_next")),
                ("conversion_from_first", label("report_conversion_first")), ("drop_off", label("report_drop_off")),
            ]
        )
        for row in report.rows {
            table.add([
                .init(.text(row.stage.name(in: language))), .init(.count(row.deals), link: drill(reach(row.stage.id))),
                .init(.share(row.conversionToNext)), .init(.share(row.conversionFromFirst)), .init(.count(row.dropOff)),
            ])
        }
        table.add([
            .init(.text(label("report_won"))), .init(.count(report.won), link: drill(.won)), .init(.text("")),
            .init(.share(report.overallConversion)), .init(.text("")),
        ])
        table.add([
            .init(.text(label("report_lost"))), .init(.count(report.lost), link: drill(.lost(stage: nil, reason: nil))), .init(.text("")),
            .init(.text("")), .init(.text("")),
        ])
        view.charts.append(
            SVGChart.funnel(
                title: label("report_funnel"),
                stages: report.rows.map { $0.stage.name(in: language) } + [label("report_won")],
                counts: report.rows.map(\.deals) + [report.won],
                notes: [""] + report.rows.map { ReportTable.Cell.Value.share($0.conversionToNext).display(format) },
                links: report.rows.map { drill(reach($0.stage.id)) } + [drill(.won)]
            )
        )
        view.tables.append(table)
        if request.grouping != .none {
            try await view.tables.append(groups(tallies, reach: reach))
            if request.grouping == .period {
                let buckets = tallies.keys.compactMap { key -> ReportPeriod? in if case .bucket(let period) = key { period } else { nil } }.sorted {
                    $0.from < $1.from
                }
                let reports = buckets.map { FunnelReport(stages: stages, tally: tallies[.bucket($0)]!, mode: request.mode) }
                view.charts.append(
                    SVGChart.lines(
                        title: label("report_trend"),
                        categories: buckets.map(\.from.description),
                        series: [
                            SVGChart.Series(
                                name: stages.first?.name(in: language) ?? "",
                                values: reports.map { Double($0.rows.first?.deals ?? 0) },
                                labels: reports.map { String($0.rows.first?.deals ?? 0) }
                            ),
                            SVGChart.Series(
                                name: label("report_won"),
                                values: reports.map { Double($0.won) },
                                labels: reports.map { String($0.won) }
                            ),
                        ]
                    )
                )
            }
        }
        return view
    }

    /// One row per group (rep, team, source or period): deals per stage and the win rate.
    private func groups(_ tallies: [ReportGroupKey: FunnelTally], reach: (StageID) -> ReportDrill) async throws -> ReportTable {
        let names = try await groupNames()
        var table = ReportTable(
            name: "groups",
            title: label("report_by_\(request.grouping.rawValue)"),
            columns: [("group", label("report_group"))]
                + stages.map { ("stage_\($0.id.rawValue)", $0.name(in: language)) } + [
                    ("won", label("report_won")), ("win_rate", label("report_conversion_first")),
                ]
        )
        for (key, tally) in tallies.sorted(by: { names($0.key) < names($1.key) }) {
            let report = FunnelReport(stages: stages, tally: tally, mode: request.mode)
            let narrowed = narrowing(key)
            table.add(
                [.init(.text(names(key)))] + report.rows.map { .init(.count($0.deals), link: drill(reach($0.stage.id), narrowed)) }
                    + [.init(.count(report.won), link: drill(.won, narrowed)), .init(.share(report.overallConversion))]
            )
        }
        return table
    }

    /// The filter change that lists one group's deals.
    private func narrowing(_ key: ReportGroupKey) -> [String: String?] {
        switch key {
        case .all: [:]
        case .owner(let id): ["owner_id": String(id.rawValue)]
        case .team(let id): ["team_id": id.map { String($0.rawValue) }]
        case .source(let source): ["source": source]
        case .bucket(let period): ["from": period.from.description, "to": period.to.description, "unit": nil, "start": nil]
        }
    }

    private func groupNames() async throws -> (ReportGroupKey) -> String {
        let users = try await store.users.names()
        let teams = Dictionary(uniqueKeysWithValues: try await store.teams.list().map { ($0.id, $0.name) })
        let noTeam = label("report_no_team")
        let noSource = label("report_no_source")
        return { key in
            switch key {
            case .all: ""
            case .owner(let id): users[id] ?? "#\(id.rawValue)"
            case .team(let id): id.map { teams[$0] ?? "#\($0.rawValue)" } ?? noTeam
            case .source(let source): source.isEmpty ? noSource : source
            case .bucket(let period): period.from.description
            }
        }
    }

    // MARK: Losses

    func losses() async throws -> ReportView {
        let cells = try await store.reports.losses(access, request.filter, timeZone: request.timeZone)
        let tally = try await store.reports.funnel(access, request.filter, timeZone: request.timeZone)[.all] ?? FunnelTally()
        let report = LossReport(cells: cells, stages: stages, entered: tally.entered)
        let reasons = Dictionary(
            uniqueKeysWithValues: try await store.pipelines.lossReasons(includeInactive: true).map { ($0.id, $0.name(in: language)) }
        )
        let users = try await store.users.names()
        var view = ReportView(name: "losses", title: label("report_losses"))
        let names = Dictionary(uniqueKeysWithValues: stages.map { ($0.id, $0.name(in: language)) })
        var byStage = ReportTable(
            name: "by_stage",
            title: label("report_losses_by_stage"),
            columns: [
                ("stage", label("report_stage")), ("lost", label("report_lost")), ("amount", label("report_amount")),
                ("share", label("report_share")), ("loss_rate", label("report_loss_rate")),
            ]
        )
        for line in report.byStage {
            byStage.add([
                .init(.text(names[line.key] ?? "#\(line.key.rawValue)"), tone: line.isHotspot ? "hotspot" : nil),
                .init(.count(line.deals), link: drill(.lost(stage: line.key, reason: nil)), tone: line.isHotspot ? "hotspot" : nil),
                .init(.money(line.amount)), .init(.share(line.share)), .init(.share(line.lossRate)),
            ])
        }
        var byReason = ReportTable(
            name: "by_reason",
            title: label("report_losses_by_reason"),
            columns: [
                ("reason", label("report_reason")), ("lost", label("report_lost")), ("amount", label("report_amount")),
                ("share", label("report_share")),
            ]
        )
        for line in report.byReason {
            byReason.add([
                .init(.text(line.key.flatMap { reasons[$0] } ?? label("report_no_reason"))),
                .init(.count(line.deals), link: drill(.lost(stage: nil, reason: line.key))), .init(.money(line.amount)), .init(.share(line.share)),
            ])
        }
        var byOwner = ReportTable(
            name: "by_owner",
            title: label("report_losses_by_owner"),
            columns: [
                ("owner", label("report_owner")), ("lost", label("report_lost")), ("amount", label("report_amount")),
                ("share", label("report_share")),
            ]
        )
        for line in report.byOwner {
            byOwner.add([
                .init(.text(users[line.key] ?? "#\(line.key.rawValue)")),
                .init(.count(line.deals), link: drill(.lost(stage: nil, reason: nil), ["owner_id": String(line.key.rawValue)])),
                .init(.money(line.amount)), .init(.share(line.share)),
            ])
        }
        view.charts.append(
            SVGChart.bars(
                title: label("report_losses_by_stage"),
                categories: report.byStage.map { names[$0.key] ?? "" },
                series: [
                    SVGChart.Series(
                        name: label("report_lost"),
                        values: report.byStage.map { Double($0.deals) },
                        links: report.byStage.map { drill(.lost(stage: $0.key, reason: nil)) },
                        labels: report.byStage.map { String($0.deals) }
                    )
                ]
            )
        )
        view.tables += [byStage, byReason, byOwner]
        return view
    }

    // MARK: Plan vs fact

    func planFact() async throws -> ReportView {
        guard let unit = request.unit else {
            throw APIError.badParameters([
                ValidationError(field: "unit", code: "required", message: "plans are per week, month, quarter or year: give unit and start")
            ])
        }
        let plans = try await store.reports.plans(
            access,
            pipeline: request.pipeline.id,
            scope: request.scope,
            unit: unit,
            periodStart: request.filter.period.from
        )
        var filter = request.filter
        switch request.scope {
        case .company: break
        case .team(let team): filter.teamID = team
        case .user(let user): filter.ownerIDs = [user]
        }
        let fact = try await store.reports.funnel(access, filter, timeZone: request.timeZone)[.all] ?? FunnelTally()
        let report = PlanFactReport(stages: stages, plans: plans, fact: fact, thresholds: request.thresholds)
        var view = ReportView(name: "plan", title: label("report_plan"))
        var table = ReportTable(
            name: "plan",
            title: label("report_plan"),
            columns: [
                ("stage", label("report_stage")), ("plan", label("report_plan_target")), ("fact", label("report_fact")),
                ("fulfilment", label("report_fulfilment")),
            ]
        )
        let narrowed: [String: String?] =
            switch request.scope {
            case .company: [:]
            case .team(let team): ["team_id": String(team.rawValue)]
            case .user(let user): ["owner_id": String(user.rawValue)]
            }
        for row in report.rows {
            let tone = row.level == .none ? nil : row.level.rawValue
            table.add([
                .init(.text(row.stage?.name(in: language) ?? label("report_won"))), .init(row.plan.map { .count($0) } ?? .text("")),
                .init(.count(row.fact), link: drill(row.stage.map { .entered($0.id) } ?? .won, narrowed)), .init(.share(row.fulfilment), tone: tone),
            ])
        }
        view.charts.append(
            SVGChart.bars(
                title: label("report_plan"),
                categories: report.rows.map { $0.stage?.name(in: language) ?? label("report_won") },
                series: [
                    SVGChart.Series(
                        name: label("report_plan_target"),
                        values: report.rows.map { Double($0.plan ?? 0) },
                        labels: report.rows.map { $0.plan.map(String.init) ?? "—" }
                    ),
                    SVGChart.Series(
                        name: label("report_fact"),
                        values: report.rows.map { Double($0.fact) },
                        links: report.rows.map { drill($0.stage.map { .entered($0.id) } ?? .won, narrowed) },
                        labels: report.rows.map { String($0.fact) }
                    ),
                ]
            )
        )
        view.tables.append(table)
        return view
    }

    // MARK: Rep vs company

    func reps() async throws -> ReportView {
        var filter = request.filter
        let owners = filter.ownerIDs
        filter.ownerIDs = []
        let byOwner = try await store.reports.funnel(access, filter, timeZone: request.timeZone, grouping: .owner)
        var total = FunnelTally()
        var reps: [UserID: FunnelReport] = [:]
        for (key, tally) in byOwner {
            total.add(tally)
            if case .owner(let id) = key, owners.isEmpty || owners.contains(id) {
                reps[id] = FunnelReport(stages: stages, tally: tally, mode: .withConversions)
            }
        }
        let comparison = RepComparison(
            average: FunnelReport(stages: stages, tally: total, mode: .withConversions),
            reps: reps,
            settings: request.comparison
        )
        let users = try await store.users.names()
        var view = ReportView(name: "reps", title: label("report_reps"))
        view.notes.append(label("report_reps_note"))
        // Each deal counts in the period it first got that far, so adjacent periods add up; a deal that entered the
        // funnel in an earlier period and moved on in this one counts at the later stage only, which can lift a
        // stage-to-stage share above 100 %. That is the counting, not an error; the page says so where it happens.
        let shares = comparison.average.rows.map(\.conversionToNext) + comparison.reps.flatMap { $0.cells.map(\.conversion) }
        if shares.contains(where: { ($0 ?? 0) > 1 }) { view.notes.append(label("report_over_100_note")) }
        var table = ReportTable(
            name: "reps",
            title: label("report_reps"),
            columns: [("owner", label("report_owner"))]
                + stages.map { ("stage_\($0.id.rawValue)", $0.name(in: language) + " →") } + [
                    ("win_rate", label("report_conversion_first")), ("flags", label("report_flags")),
                ]
        )
        table.add(
            [.init(.text(filter.teamID == nil ? label("report_company_average") : label("report_team_average")))]
                + comparison.average.rows.map { .init(.share($0.conversionToNext)) } + [
                    .init(.share(comparison.average.overallConversion)), .init(.text("")),
                ]
        )
        for rep in comparison.reps.sorted(by: { (users[$0.ownerID] ?? "") < (users[$1.ownerID] ?? "") }) {
            table.add(
                [.init(.text(users[rep.ownerID] ?? label("report_former_user")))]
                    + rep.cells.map {
                        .init(
                            .share($0.conversion),
                            link: drill(.reached($0.stageID), ["owner_id": String(rep.ownerID.rawValue)]),
                            tone: $0.isFlagged ? "flag" : ($0.conversion ?? 0) > 1 ? "over" : nil
                        )
                    } + [.init(.share(rep.winRate)), .init(.count(rep.flags), tone: rep.flags > 0 ? "flag" : nil)]
            )
        }
        view.tables.append(table)
        view.charts.append(
            SVGChart.bars(
                title: label("report_reps"),
                categories: [label("report_company_average")] + comparison.reps.map { users[$0.ownerID] ?? "" },
                series: [
                    SVGChart.Series(
                        name: label("report_conversion_first"),
                        values: [comparison.average.overallConversion ?? 0] + comparison.reps.map { $0.winRate ?? 0 },
                        labels: [ReportTable.Cell.Value.share(comparison.average.overallConversion).display(format)]
                            + comparison.reps.map { ReportTable.Cell.Value.share($0.winRate).display(format) }
                    )
                ]
            )
        )
        return view
    }

    // MARK: Required top of funnel

    func required() async throws -> ReportView {
        guard let target = request.target else {
            throw APIError.badParameters([
                ValidationError(
                    field: "target_deals",
                    code: "required",
                    message: "give a number of won deals (target_deals) or an amount (target_amount)"
                )
            ])
        }
        // Rates come from the period before the one planned, which has already happened.
        var measuredFilter = request.filter
        measuredFilter.period = request.filter.period.previous
        let tally = try await store.reports.funnel(access, measuredFilter, timeZone: request.timeZone)[.all] ?? FunnelTally()
        let measured = FunnelReport(stages: stages, tally: tally, mode: .withConversions)
        let plans =
            request.unit == nil
            ? []
            : try await store.reports.plans(
                access,
                pipeline: request.pipeline.id,
                scope: request.scope,
                unit: request.unit!,
                periodStart: request.filter.period.from
            )
        let result = RequiredFunnel(target: target, measured: measured, plans: plans)
        var view = ReportView(name: "required", title: label("report_required"))
        view.notes.append("\(label("report_rates_from")) \(measuredFilter.period.from) – \(measuredFilter.period.to.adding(days: -1))")
        if let average = result.averageWonAmount { view.notes.append("\(label("report_average_won")): \(format.money(average))") }
        var table = ReportTable(
            name: "required",
            title: label("report_required"),
            columns: [
                ("stage", label("report_stage")), ("conversion_to_next", label("report_conversion_next")),
                ("required", label("report_required_deals")), ("plan", label("report_plan_target")),
            ]
        )
        for (row, measuredRow) in zip(result.rows, measured.rows) {
            table.add([
                .init(.text(row.stage.name(in: language))), .init(.share(measuredRow.conversionToNext)),
                .init(
                    row.required.map { .count($0) } ?? .text(label("report_unreachable")),
                    tone: row.required == nil ? "red" : (row.plan.map { $0 < (row.required ?? 0) } == true ? "amber" : nil)
                ),
                .init(row.plan.map { .count($0) } ?? .text("")),
            ])
        }
        table.add([
            .init(.text(label("report_won"))), .init(.text("")),
            .init(result.wonDealsNeeded.map { .count($0) } ?? .text(label("report_unreachable"))),
            .init(plans.first { $0.stageID == nil }.map { .count($0.target) } ?? .text("")),
        ])
        view.charts.append(
            SVGChart.bars(
                title: label("report_required"),
                categories: result.rows.map { $0.stage.name(in: language) },
                series: [
                    SVGChart.Series(
                        name: label("report_required_deals"),
                        values: result.rows.map { Double($0.required ?? 0) },
                        labels: result.rows.map { $0.required.map(String.init) ?? "—" }
                    ),
                    SVGChart.Series(
                        name: label("report_plan_target"),
                        values: result.rows.map { Double($0.plan ?? 0) },
                        labels: result.rows.map { $0.plan.map(String.init) ?? "—" }
                    ),
                ]
            )
        )
        view.tables.append(table)
        return view
    }

    // MARK: Velocity and KPIs

    func velocity() async throws -> ReportView {
        let kpis = FunnelKPIs(try await store.reports.kpis(access, request.filter, timeZone: request.timeZone))
        var view = ReportView(name: "velocity", title: label("report_velocity"))
        var headline = ReportTable(
            name: "kpis",
            title: label("report_kpis"),
            columns: [("kpi", label("report_kpi")), ("value", label("report_value"))]
        )
        headline.add([.init(.text(label("report_win_rate"))), .init(.share(kpis.winRate))])
        headline.add([.init(.text(label("report_cycle_days"))), .init(.days(kpis.averageCycleDays), link: drill(.won))])
        headline.add([.init(.text(label("report_average_won"))), .init(.money(kpis.averageWonAmount))])
        headline.add([.init(.text(label("report_open_deals"))), .init(.count(kpis.openDeals), link: drill(.open(nil)))])
        headline.add([.init(.text(label("report_sales_velocity"))), .init(.money(kpis.salesVelocityPerDay))])
        headline.add([.init(.text(label("report_slipped_deals"))), .init(.count(kpis.slippage.dealsMoved))])
        headline.add([.init(.text(label("report_slip_changes"))), .init(.count(kpis.slippage.changes))])
        headline.add([.init(.text(label("report_slip_pushed"))), .init(.count(kpis.slippage.pushed))])
        headline.add([.init(.text(label("report_slip_days"))), .init(.days(kpis.slippage.averageDaysPushed))])
        headline.add([
            .init(.text(label("report_average_discount"))), .init(.text(kpis.averageDiscount.map { String($0) } ?? label("report_needs_quotes"))),
        ])
        var perStage = ReportTable(
            name: "stages",
            title: label("report_days_in_stage"),
            columns: [
                ("stage", label("report_stage")), ("average_days", label("report_average_days")), ("stale", label("report_stale")),
            ]
        )
        for stage in stages {
            perStage.add([
                .init(.text(stage.name(in: language))), .init(.days(kpis.averageDaysInStage[stage.id])),
                .init(.count(kpis.staleByStage[stage.id] ?? 0), link: "/pipelines/\(request.pipeline.id.rawValue)/board?stale=true"),
            ])
        }
        view.charts.append(
            SVGChart.bars(
                title: label("report_days_in_stage"),
                categories: stages.map { $0.name(in: language) },
                series: [
                    SVGChart.Series(
                        name: label("report_average_days"),
                        values: stages.map { kpis.averageDaysInStage[$0.id] ?? 0 },
                        labels: stages.map { ReportTable.Cell.Value.days(kpis.averageDaysInStage[$0.id]).display(format) }
                    )
                ]
            )
        )
        view.tables += [headline, perStage]
        return view
    }

    // MARK: Forecast

    func forecast() async throws -> ReportView {
        let unit = request.unit ?? .quarter
        let overrides = try await store.reports.forecastOverrides(
            access,
            pipeline: request.pipeline.id,
            unit: unit,
            periodStart: request.filter.period.from
        )
        let report = ForecastReport(
            tallies: try await store.reports.forecastTallies(access, request.filter, timeZone: request.timeZone),
            overrides: overrides
        )
        let users = try await store.users.names()
        let teams = Dictionary(uniqueKeysWithValues: try await store.teams.list().map { ($0.id, $0.name) })
        var view = ReportView(name: "forecast", title: label("report_forecast"))
        view.notes.append(label("report_forecast_note"))
        let columns: [(key: String, label: String)] = [
            ("name", label("report_owner")), ("closed_won", label("report_closed_won")), ("commit", label("report_commit")),
            ("best_case", label("report_best_case")),
            ("pipeline", label("report_pipeline")), ("weighted", label("report_weighted")), ("override", label("report_override")),
        ]
        func row(_ name: String, _ line: ForecastReport.Line, narrowed: [String: String?]) -> [ReportTable.Cell] {
            [
                .init(.text(name)), .init(.money(line.closedWon), link: drill(.won, narrowed)),
                .init(.money(line.commit), tone: line.override == nil ? nil : "amber"),
                .init(.money(line.bestCase), tone: line.override == nil ? nil : "amber"), .init(.money(line.pipeline)), .init(.money(line.weighted)),
                .init(.text(line.override.map { "\($0.comment) (\(users[$0.byUserID ?? UserID(0)] ?? "—"), \(format.dateTime($0.at)))" } ?? "")),
            ]
        }
        var reps = ReportTable(name: "reps", title: label("report_forecast_reps"), columns: columns)
        for line in report.reps { reps.add(row(users[line.ownerID!] ?? "", line, narrowed: ["owner_id": String(line.ownerID!.rawValue)])) }
        var teamTable = ReportTable(name: "teams", title: label("report_forecast_teams"), columns: columns)
        for line in report.teams { teamTable.add(row(teams[line.teamID!] ?? "", line, narrowed: ["team_id": String(line.teamID!.rawValue)])) }
        teamTable.add(row(label("report_company"), report.company, narrowed: [:]))
        view.tables += [reps, teamTable]
        if request.filter.period.to.start(in: request.timeZone) <= .now {
            // A past period: the forecast as the log showed it when the period began, against what was won.
            let before = ForecastReport(
                tallies: try await store.reports.forecastTallies(
                    access,
                    request.filter,
                    timeZone: request.timeZone,
                    asOf: request.filter.period.from.start(in: request.timeZone)
                ),
                overrides: []
            )
            var accuracy = ReportTable(
                name: "accuracy",
                title: label("report_forecast_accuracy"),
                columns: [
                    ("name", label("report_owner")), ("forecast_commit", label("report_commit")), ("forecast_best_case", label("report_best_case")),
                    ("forecast_weighted", label("report_weighted")), ("actual_won", label("report_actual")),
                ]
            )
            for line in before.reps + [before.company] {
                let actual =
                    line.ownerID.map { owner in report.reps.first { $0.ownerID == owner }?.closedWon ?? MoneyTotals() } ?? report.company.closedWon
                accuracy.add([
                    .init(.text(line.ownerID.map { users[$0] ?? "" } ?? label("report_company"))), .init(.money(line.commit)),
                    .init(.money(line.bestCase)), .init(.money(line.weighted)), .init(.money(actual)),
                ])
            }
            view.tables.append(accuracy)
        }
        let code = request.pipeline.currency.code
        func amount(_ totals: MoneyTotals) -> Double { Double(totals.minorUnits[code] ?? 0) / pow(10, Double(request.pipeline.currency.minorDigits)) }
        view.charts.append(
            SVGChart.bars(
                title: label("report_forecast"),
                categories: [label("report_closed_won"), label("report_commit"), label("report_best_case"), label("report_weighted")],
                series: [
                    SVGChart.Series(
                        name: label("report_company"),
                        values: [
                            amount(report.company.closedWon), amount(report.company.commit), amount(report.company.bestCase),
                            amount(report.company.weighted),
                        ],
                        labels: [report.company.closedWon, report.company.commit, report.company.bestCase, report.company.weighted].map {
                            ReportTable.Cell.Value.money($0).display(format)
                        }
                    )
                ]
            )
        )
        return view
    }
}
