import CRMCore
import CRMStore
import CRMTestSupport
import Foundation
import Testing

@Suite("Funnel reports from the stage log")
struct ReportStoreTests {
    let utc = TimeZone(identifier: "UTC")!

    @Test("the two counting modes give their documented, different answers on skips, back moves and a reopen", arguments: TestEngine.available)
    func countingModes(engine: TestEngine) async throws {
        try await TestDatabase.withStore(engine) { store in
            let fixture = try await ReportFixture.make(store)
            let tally = try await store.reports.funnel(World.system, fixture.marchFilter, timeZone: utc)[.all] ?? FunnelTally()
            let passed = FunnelReport(stages: fixture.pipeline.stages, tally: tally, mode: .passed)
            let converted = FunnelReport(stages: fixture.pipeline.stages, tally: tally, mode: .withConversions)
            #expect(passed.rows.map(\.deals) == [4, 2, 2, 1, 1])
            // With conversions, a deal counts where it first got that far: D reached S0 and S1 in February, F was
            // first won in January, and B's back move from S2 to S1 counts nowhere twice.
            #expect(converted.rows.map(\.deals) == [4, 2, 3, 2, 1])
            #expect(passed.won == 1 && passed.lost == 3)
            #expect(passed.rows.map(\.conversionToNext) == [0.5, 1, 0.5, 1, 1])
            #expect(converted.rows.map(\.dropOff) == [2, 0, 1, 1, 0])
            #expect(converted.overallConversion == 1.0 / 4)
            #expect(tally.wonAmount == MoneyTotals(["PLN": 100_000]))
            #expect(tally.enteredAmount[fixture.pipeline.stages[0].id] == MoneyTotals(["PLN": 400_000]))
        }
    }

    @Test("losses count by the stage lost at and the reason; the worst stages are highlighted", arguments: TestEngine.available)
    func losses(engine: TestEngine) async throws {
        try await TestDatabase.withStore(engine) { store in
            let fixture = try await ReportFixture.make(store)
            let cells = try await store.reports.losses(World.system, fixture.marchFilter, timeZone: utc)
            let tally = try await store.reports.funnel(World.system, fixture.marchFilter, timeZone: utc)[.all] ?? FunnelTally()
            let report = LossReport(cells: cells, stages: fixture.pipeline.stages, entered: tally.entered, hotspots: 1)
            let s = fixture.pipeline.stages.map(\.id)
            #expect(report.total == 3 && report.totalAmount == MoneyTotals(["PLN": 630_000]))
            #expect(report.byStage.map(\.key) == [s[0], s[1], s[4]])
            #expect(report.byStage.map(\.lossRate) == [0.25, 0.5, 1])
            #expect(report.byStage.filter(\.isHotspot).count == 1)
            #expect(report.byReason.first?.key == fixture.reasons[0].id && report.byReason.first?.deals == 2)
        }
    }

    @Test("days in stage, cycle, win rate and the snapshot at a past date come from the log", arguments: TestEngine.available)
    func velocityAndSnapshot(engine: TestEngine) async throws {
        try await TestDatabase.withStore(engine) { store in
            let fixture = try await ReportFixture.make(store)
            let s = fixture.pipeline.stages.map(\.id)
            let kpis = FunnelKPIs(try await store.reports.kpis(World.system, fixture.marchFilter, timeZone: utc))
            #expect(kpis.averageDaysInStage == [s[0]: 2, s[1]: 10, s[2]: 7, s[4]: 2])
            #expect(kpis.averageCycleDays == 18 && kpis.winRate == 0.25)
            #expect(kpis.openDeals == 2 && kpis.averageWonAmount == MoneyTotals(["PLN": 100_000]))
            // D (5000) and E (700) open; E sits in a 7-day rotting stage since March.
            #expect(kpis.staleByStage[s[0]] == 1)

            let past = try await store.reports.snapshot(World.system, fixture.marchFilter, at: ReportFixture.noon(3, 9), timeZone: utc)
            #expect(past.rows.map(\.deals) == [1, 2, 1, 0, 0])
            #expect(past.rows[1].amount == MoneyTotals(["PLN": 700_000]))
            #expect(past.rows[1].weighted == MoneyTotals(["PLN": 175_000]))
            let now = try await store.reports.snapshot(World.system, fixture.marchFilter, at: nil, timeZone: utc)
            #expect(now.rows.map(\.deals) == [1, 0, 0, 1, 0])
        }
    }

    @Test(
        "the sums stay equal to the log through live moves, a new owner and source, the bin and a restore, in any time zone",
        arguments: TestEngine.available
    )
    func sumsEqualTheLog(engine: TestEngine) async throws {
        try await TestDatabase.withStore(engine) { store in
            let fixture = try await ReportFixture.make(store)
            let world = fixture.world
            let s = fixture.pipeline.stages.map(\.id)
            let quarter = try ReportPeriod(from: CalendarDate(year: 2026, month: 1, day: 1), to: CalendarDate(year: 2027, month: 1, day: 1))
            let filter = ReportFilter(pipelineID: fixture.pipeline.id, period: quarter)
            // A creation period covering every deal changes no figure but makes the store read the log itself.
            var fromLog = filter
            fromLog.created = try ReportPeriod(from: CalendarDate(year: 2000, month: 1, day: 1), to: CalendarDate(year: 2100, month: 1, day: 1))
            func expectSame(_ note: String) async throws {
                for zone in ["UTC", "Europe/Warsaw", "Asia/Kolkata", "America/New_York"] {
                    let timeZone = TimeZone(identifier: zone)!
                    for grouping in ReportGrouping.allCases {
                        let summed = try await store.reports.funnel(World.system, filter, timeZone: timeZone, grouping: grouping)
                        let logged = try await store.reports.funnel(World.system, fromLog, timeZone: timeZone, grouping: grouping)
                        #expect(summed == logged, "\(note): funnel by \(grouping) in \(zone)")
                    }
                    let summedKPIs = try await store.reports.kpis(World.system, filter, timeZone: timeZone)
                    let loggedKPIs = try await store.reports.kpis(World.system, fromLog, timeZone: timeZone)
                    #expect(
                        summedKPIs.stageTime == loggedKPIs.stageTime && summedKPIs.wonCycleMilliseconds == loggedKPIs.wonCycleMilliseconds,
                        "\(note): stays in \(zone)"
                    )
                }
                for moment in [
                    ReportFixture.noon(1, 20), ReportFixture.noon(3, 9).adding(seconds: 1_800), ReportFixture.noon(3, 15).adding(seconds: -1),
                    Timestamp.now,
                ] {
                    let summed = try await store.reports.snapshot(World.system, filter, at: moment, timeZone: utc)
                    let logged = try await store.reports.snapshot(World.system, fromLog, at: moment, timeZone: utc)
                    #expect(summed == logged, "\(note): snapshot at \(moment)")
                }
                for moment in [ReportFixture.noon(2, 1), ReportFixture.noon(3, 14).adding(seconds: 5_400), Timestamp.now] {
                    func forecast(_ filter: ReportFilter) async throws -> [String] {
                        try await store.reports.forecastTallies(World.system, filter, timeZone: utc, asOf: moment).map {
                            "\($0.owner)/\(String(describing: $0.team)): \($0.tally)"
                        }
                    }
                    #expect(try await forecast(filter) == forecast(fromLog), "\(note): forecast as of \(moment)")
                }
                let rafal = try await world.context(world.rafal)
                #expect(
                    try await store.reports.losses(rafal, filter, timeZone: utc) == store.reports.losses(rafal, fromLog, timeZone: utc),
                    "\(note): a rep's losses"
                )
            }
            try await expectSame("imported")

            let e = fixture.deals["E"]!.rawValue
            var deal = try await store.funnel.apply(World.system, deal: e, expectedVersion: nil, .move(to: s[2]))
            deal = try await store.funnel.apply(World.system, deal: e, expectedVersion: nil, .move(to: s[1]))
            deal = try await store.funnel.apply(World.system, deal: e, expectedVersion: nil, .win)
            try await expectSame("live moves")
            let byOwner = try await store.reports.funnel(World.system, filter, timeZone: utc, grouping: .owner)
            #expect(byOwner[.owner(world.sergei.id)]?.won == 2, "E's win counts for Sergei, with F's in January")

            var fields = deal.fields
            fields.source = "web"
            let reassigned = try await store.deals.update(
                World.system,
                e,
                expectedVersion: deal.meta.version,
                fields,
                assignment: .init(owner: world.rafal.id, team: .some(world.north.id))
            )
            try await expectSame("reassigned")
            let after = try await store.reports.funnel(World.system, filter, timeZone: utc, grouping: .owner)
            #expect(after[.owner(world.rafal.id)]?.won == 2 && after[.owner(world.sergei.id)]?.won == 1, "E's history moved to its new owner")
            var web = filter
            web.source = "web"
            #expect(try await store.reports.funnel(World.system, web, timeZone: utc)[.all]?.won == 1)

            try await store.deals.delete(World.system, e, expectedVersion: reassigned.meta.version)
            try await expectSame("binned")
            #expect(try await store.reports.funnel(World.system, filter, timeZone: utc, grouping: .owner)[.owner(world.rafal.id)]?.won == 1)
            let restored = try await store.deals.restore(World.system, e)
            try await expectSame("restored")
            var renamed = restored.fields
            renamed.title = "E, renamed"
            renamed.amount = Money(minorUnits: 90_000, currency: restored.fields.amount.currency)
            _ = try await store.deals.update(World.system, e, expectedVersion: restored.meta.version, renamed)
            try await expectSame("renamed, with a new amount")
            let now = try await store.reports.snapshot(World.system, filter, at: nil, timeZone: utc)
            let justNow = try await store.reports.snapshot(World.system, filter, at: .now, timeZone: utc)
            #expect(
                now.rows.map(\.deals) == justNow.rows.map(\.deals) && now.amount == justNow.amount,
                "the open pipeline from the sums is the deals' own"
            )
            #expect(try await store.reports.funnel(World.system, filter, timeZone: utc, grouping: .owner)[.owner(world.rafal.id)]?.won == 2)
        }
    }

    @Test("a rep's report counts only the deals the permission layer shows them; a manager sees their teams", arguments: TestEngine.available)
    func permissions(engine: TestEngine) async throws {
        try await TestDatabase.withStore(engine) { store in
            let fixture = try await ReportFixture.make(store)
            let world = fixture.world
            // North shares records, so Rafał sees Róża's deals too, but never Sergei's in South.
            let rafal = try await store.reports.funnel(try await world.context(world.rafal), fixture.marchFilter, timeZone: utc, grouping: .owner)
            #expect(Set(rafal.keys) == [.owner(world.rafal.id), .owner(world.roza.id)])
            let sergei = try await store.reports.funnel(try await world.context(world.sergei), fixture.marchFilter, timeZone: utc, grouping: .owner)
            #expect(Set(sergei.keys) == [.owner(world.sergei.id)])
            let mikhail = try await store.reports.losses(try await world.context(world.mikhail), fixture.marchFilter, timeZone: utc)
            #expect(mikhail.map(\.ownerID) == [world.sergei.id])
            let drill = try await store.reports.deals(
                try await world.context(world.sergei),
                fixture.marchFilter,
                drill: .entered(fixture.pipeline.stages[0].id),
                timeZone: utc
            )
            #expect(drill.map(\.meta.id) == [fixture.deals["E"]!.rawValue])
        }
    }

    @Test("the deals behind each figure are the ones counted", arguments: TestEngine.available)
    func drillDown(engine: TestEngine) async throws {
        try await TestDatabase.withStore(engine) { store in
            let fixture = try await ReportFixture.make(store)
            let s = fixture.pipeline.stages.map(\.id)
            func titles(_ drill: ReportDrill) async throws -> [String] {
                try await store.reports.deals(World.system, fixture.marchFilter, drill: drill, timeZone: utc).map(\.fields.title).sorted()
            }
            #expect(try await titles(.entered(s[0])) == ["A", "B", "C", "E"])
            #expect(try await titles(.entered(s[1])) == ["A", "B"])
            #expect(try await titles(.reached(s[2])) == ["A", "B", "D"])
            #expect(try await titles(.won) == ["A"])
            #expect(try await titles(.lost(stage: nil, reason: fixture.reasons[0].id)) == ["B", "F"])
            #expect(try await titles(.open(nil)) == ["D", "E"])
        }
    }

    @Test("plans are set by admins and managers for their own people, and read back per scope", arguments: TestEngine.available)
    func plans(engine: TestEngine) async throws {
        try await TestDatabase.withStore(engine) { store in
            let fixture = try await ReportFixture.make(store)
            let world = fixture.world
            let s = fixture.pipeline.stages.map(\.id)
            let march = ReportFixture.march.from
            let maria = try await world.context(world.maria)
            try await store.reports.setPlans(
                maria,
                pipeline: fixture.pipeline.id,
                scope: .user(world.rafal.id),
                unit: .month,
                periodStart: march,
                targets: [s[0]: 3, s[1]: 2, nil: 1]
            )
            let plans = try await store.reports.plans(
                try await world.context(world.rafal),
                pipeline: fixture.pipeline.id,
                scope: .user(world.rafal.id),
                unit: .month,
                periodStart: march
            )
            #expect(plans.map(\.target).sorted() == [1, 2, 3])
            await #expect(throws: StoreError.self) {
                try await store.reports.setPlans(
                    maria,
                    pipeline: fixture.pipeline.id,
                    scope: .user(world.sergei.id),
                    unit: .month,
                    periodStart: march,
                    targets: [s[0]: 3]
                )
            }
            await #expect(throws: StoreError.self) {
                try await store.reports.setPlans(
                    try await world.context(world.rafal),
                    pipeline: fixture.pipeline.id,
                    scope: .user(world.rafal.id),
                    unit: .month,
                    periodStart: march,
                    targets: [s[0]: 30]
                )
            }
            await #expect(throws: StoreError.self) {
                try await store.reports.plans(
                    try await world.context(world.sergei),
                    pipeline: fixture.pipeline.id,
                    scope: .user(world.rafal.id),
                    unit: .month,
                    periodStart: march
                )
            }
            await #expect(throws: StoreError.self) {
                try await store.reports.setPlans(
                    maria,
                    pipeline: fixture.pipeline.id,
                    scope: .user(world.rafal.id),
                    unit: .month,
                    periodStart: march.adding(days: 1),
                    targets: [s[0]: 3]
                )
            }
            var filter = fixture.marchFilter
            filter.ownerIDs = [world.rafal.id]
            let fact = try await store.reports.funnel(World.system, filter, timeZone: utc)[.all] ?? FunnelTally()
            let report = PlanFactReport(stages: fixture.pipeline.stages, plans: plans, fact: fact, thresholds: .standard)
            #expect(report.rows.map(\.fact) == [2, 2, 2, 0, 0, 1])
            #expect(report.rows.map(\.level) == [.red, .green, .none, .none, .none, .green])
        }
    }

    @Test("the forecast sums won and open deals by category, and a manager's override rolls up with its comment", arguments: TestEngine.available)
    func forecast(engine: TestEngine) async throws {
        try await TestDatabase.withStore(engine) { store in
            let fixture = try await ReportFixture.make(store)
            let world = fixture.world
            let tallies = try await store.reports.forecastTallies(World.system, fixture.marchFilter, timeZone: utc)
            var report = ForecastReport(tallies: tallies, overrides: [])
            // A was won in March (1000). D (5000, Proposal: best case, 60%) is expected to close in March; E (700, 10%) too.
            #expect(report.company.closedWon == MoneyTotals(["PLN": 100_000]))
            #expect(report.company.commit == MoneyTotals(["PLN": 100_000]))
            #expect(report.company.bestCase == MoneyTotals(["PLN": 600_000]))
            #expect(report.company.pipeline == MoneyTotals(["PLN": 70_000]))
            #expect(report.company.weighted == MoneyTotals(["PLN": 307_000]))

            let pln = fixture.pipeline.currency
            let proposed = ForecastReport.Override(
                ownerID: world.roza.id,
                commit: Money(minorUnits: 500_000, currency: pln),
                bestCase: Money(minorUnits: 500_000, currency: pln),
                comment: "D signs on the 30th",
                byUserID: nil,
                at: .now
            )
            await #expect(throws: StoreError.self) {
                try await store.reports.overrideForecast(
                    try await world.context(world.mikhail),
                    pipeline: fixture.pipeline.id,
                    unit: .month,
                    periodStart: ReportFixture.march.from,
                    override: proposed
                )
            }
            let blank = ForecastReport.Override(
                ownerID: world.roza.id,
                commit: proposed.commit,
                bestCase: proposed.bestCase,
                comment: " ",
                byUserID: nil,
                at: .now
            )
            await #expect(throws: StoreError.self) {
                try await store.reports.overrideForecast(
                    try await world.context(world.maria),
                    pipeline: fixture.pipeline.id,
                    unit: .month,
                    periodStart: ReportFixture.march.from,
                    override: blank
                )
            }
            try await store.reports.overrideForecast(
                try await world.context(world.maria),
                pipeline: fixture.pipeline.id,
                unit: .month,
                periodStart: ReportFixture.march.from,
                override: proposed
            )
            let overrides = try await store.reports.forecastOverrides(
                try await world.context(world.maria),
                pipeline: fixture.pipeline.id,
                unit: .month,
                periodStart: ReportFixture.march.from
            )
            #expect(overrides.map(\.comment) == ["D signs on the 30th"] && overrides.first?.byUserID == world.maria.id)
            #expect(
                try await store.reports.forecastOverrides(
                    try await world.context(world.sergei),
                    pipeline: fixture.pipeline.id,
                    unit: .month,
                    periodStart: ReportFixture.march.from
                ).isEmpty
            )
            report = ForecastReport(tallies: tallies, overrides: overrides)
            #expect(report.company.commit == MoneyTotals(["PLN": 600_000]))
            #expect(report.reps.first { $0.ownerID == world.roza.id }?.override?.comment == "D signs on the 30th")

            // As it stood on 1 March, only D was open and expected in March (E did not exist yet).
            let before = ForecastReport(
                tallies: try await store.reports.forecastTallies(World.system, fixture.marchFilter, timeZone: utc, asOf: ReportFixture.noon(3, 1)),
                overrides: []
            )
            #expect(before.company.pipeline == MoneyTotals(["PLN": 500_000]) && before.company.weighted == MoneyTotals(["PLN": 125_000]))
        }
    }
}

@Suite("Funnel reports against an independent count")
struct ReportCrossCheckTests {
    /// Replays generated histories in plain Swift, the way a person would count them by hand, and compares every
    /// figure the store computes per owner.
    @Test("entries, stages reached, wins, losses and days in stage per owner match a replay of the events", arguments: TestEngine.available)
    func generatedHistories(engine: TestEngine) async throws {
        try await TestDatabase.withStore(engine) { store in
            let world = try await World.make(store)
            let (pipeline, reasons) = try await world.salesPipeline()
            let warsaw = TimeZone(identifier: "Europe/Warsaw")!
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = warsaw
            let from = Timestamp(calendar.date(from: DateComponents(year: 2026, month: 1, day: 1))!)
            let to = Timestamp(calendar.date(from: DateComponents(year: 2026, month: 4, day: 1))!)
            let generator = DealHistoryGenerator(
                pipelines: [pipeline],
                reasons: reasons.map(\.id),
                now: Timestamp(calendar.date(from: DateComponents(year: 2026, month: 6, day: 30))!)
            )
            var random = SeededRandom(seed: 7)
            let owners = [world.rafal, world.roza, world.sergei]
            var imported: [ImportedDeal] = []
            for index in 0..<400 {
                let owner = owners[index % owners.count]
                imported.append(
                    try generator.deal(
                        company: nil,
                        owner: owner.id,
                        team: owner.id == world.sergei.id ? world.south.id : world.north.id,
                        random: &random
                    )
                )
            }
            _ = try await store.funnel.importDeals(World.system, imported)

            let expected = Self.replay(imported, pipeline: pipeline, from: from, to: to)

            let filter = ReportFilter(
                pipelineID: pipeline.id,
                period: try ReportPeriod(from: CalendarDate(year: 2026, month: 1, day: 1), to: CalendarDate(year: 2026, month: 4, day: 1))
            )
            let tallies = try await store.reports.funnel(World.system, filter, timeZone: warsaw, grouping: .owner)
            #expect(tallies.count == owners.count)
            for owner in owners {
                let tally = tallies[.owner(owner.id)] ?? FunnelTally()
                let e = expected[owner.id] ?? Expected()
                #expect(tally.entered == e.entered, "entries of \(owner.name)")
                #expect(tally.reached == e.reached, "stages reached by \(owner.name)")
                #expect(tally.won == e.won && tally.lost == e.lost, "outcomes of \(owner.name)")
                var ownerFilter = filter
                ownerFilter.ownerIDs = [owner.id]
                let kpis = try await store.reports.kpis(World.system, ownerFilter, timeZone: warsaw)
                #expect(kpis.stageTime.mapValues(\.stays) == e.stays, "stays of \(owner.name)")
                #expect(kpis.stageTime.mapValues(\.milliseconds) == e.stayMilliseconds, "time in stages of \(owner.name)")
            }
            #expect(expected.values.reduce(0) { $0 + $1.won } > 10, "the dataset has wins in the period")
        }
    }

    struct Expected: Equatable {
        var entered: [StageID: Int] = [:]
        var reached: [StageID: Int] = [:]
        var won = 0, lost = 0
        var stayMilliseconds: [StageID: Int64] = [:]
        var stays: [StageID: Int] = [:]
    }

    /// The documented rule (`CountingMode`), applied by hand to each deal's events in order.
    static func replay(_ imported: [ImportedDeal], pipeline: Pipeline, from: Timestamp, to: Timestamp) -> [UserID: Expected] {
        var expected: [UserID: Expected] = [:]
        let ordered = pipeline.stages.sorted { $0.position < $1.position }
        for deal in imported {
            var e = expected[deal.owner] ?? Expected()
            var stage = ordered[0].id
            var enteredAt = deal.createdAt
            var enteredEver: Set<StageID> = []
            var reach = 0
            var wonEver = false
            func inPeriod(_ at: Timestamp) -> Bool { at >= from && at < to }
            func reachUp(to level: Int, at: Timestamp) {
                if inPeriod(at) { for index in reach..<max(reach, level) { e.reached[ordered[index].id, default: 0] += 1 } }
                reach = max(reach, level)
            }
            func enter(_ target: StageID, at: Timestamp) {
                if !enteredEver.contains(target), inPeriod(at) { e.entered[target, default: 0] += 1 }
                enteredEver.insert(target)
                reachUp(to: ordered.firstIndex { $0.id == target }! + 1, at: at)
                stage = target
                enteredAt = at
            }
            func endStay(at: Timestamp) {
                guard inPeriod(at) else { return }
                e.stayMilliseconds[stage, default: 0] += at.rawValue - enteredAt.rawValue
                e.stays[stage, default: 0] += 1
            }
            enter(stage, at: deal.createdAt)
            for (at, move) in deal.events {
                switch move {
                case .move(let target):
                    endStay(at: at)
                    enter(target, at: at)
                case .reopen(let target):
                    enter(target ?? stage, at: at)
                case .win:
                    endStay(at: at)
                    if !wonEver, inPeriod(at) { e.won += 1 }
                    wonEver = true
                    reachUp(to: ordered.count, at: at)
                case .lose:
                    endStay(at: at)
                    if inPeriod(at) { e.lost += 1 }
                }
            }
            expected[deal.owner] = e
        }
        return expected
    }
}
