import CRMCore
import Foundation
import Testing

@Suite("Report arithmetic")
struct AnalyticsTests {
    func date(_ text: String) throws -> CalendarDate { try CalendarDate(parsing: text) }

    func stages(_ count: Int) -> [Stage] {
        (0..<count).map { Stage(id: StageID(Int64($0 + 1)), pipelineID: PipelineID(1), name: "S\($0)", position: $0, probability: 10 * $0) }
    }

    @Test("periods start on Monday, the first of the month or of the quarter, and tile without gaps")
    func periods() throws {
        let sunday = try date("2026-11-29")
        #expect(ReportPeriod.containing(sunday, unit: .week).from == (try date("2026-11-23")))
        #expect(ReportPeriod.containing(sunday, unit: .quarter) == (try ReportPeriod(from: date("2026-10-01"), to: date("2027-01-01"))))
        let year = try ReportPeriod(from: date("2026-01-01"), to: date("2027-01-01"))
        let months = year.split(by: .month)
        #expect(months.count == 12 && zip(months, months.dropFirst()).allSatisfy { $0.to == $1.from })
        #expect(months[1].previous == months[0])
        #expect(throws: ValidationError.self) { try ReportPeriod(from: date("2026-02-01"), to: date("2026-02-01")) }
        // March in Warsaw starts at 23:00 UTC the day before, and April (after the clocks change) at 22:00.
        let march = ReportPeriod.containing(try date("2026-03-15"), unit: .month).bounds(in: TimeZone(identifier: "Europe/Warsaw")!)
        #expect(march.from.iso8601.hasPrefix("2026-02-28T23:00") && march.to.iso8601.hasPrefix("2026-03-31T22:00"))
    }

    @Test("the required top of the funnel divides the target back through each stage's conversion")
    func requiredFunnel() throws {
        let s = stages(3)
        // With conversions: 100 → 50 → 20 → 10 won; 10 won worth 50,000.00 in all.
        let tally = FunnelTally(reached: [s[0].id: 100, s[1].id: 50, s[2].id: 20], won: 10, wonAmount: MoneyTotals(["EUR": 5_000_000]))
        let measured = FunnelReport(stages: s, tally: tally, mode: .withConversions)
        #expect(measured.rows.map(\.deals) == [100, 50, 20])
        let byDeals = RequiredFunnel(target: .wonDeals(5), measured: measured, plans: [])
        #expect(byDeals.rows.map(\.required) == [50, 25, 10])
        let eur = try Currency(code: "EUR")
        let byAmount = RequiredFunnel(target: .wonAmount(Money(minorUnits: 1_200_000, currency: eur)), measured: measured, plans: [])
        #expect(byAmount.wonDealsNeeded == 3 && byAmount.averageWonAmount == Money(minorUnits: 500_000, currency: eur))
        let stalled = RequiredFunnel(
            target: .wonDeals(5),
            measured: FunnelReport(stages: s, tally: FunnelTally(reached: [s[0].id: 4]), mode: .withConversions),
            plans: []
        )
        #expect(stalled.rows.map(\.required) == [nil, nil, nil])
    }

    @Test("a rep is flagged only where they convert worse by more than the margin with enough deals")
    func repComparison() {
        let s = stages(2)
        let company = FunnelReport(stages: s, tally: FunnelTally(reached: [s[0].id: 100, s[1].id: 50], won: 25), mode: .withConversions)
        let weak = FunnelReport(stages: s, tally: FunnelTally(reached: [s[0].id: 10, s[1].id: 3], won: 1), mode: .withConversions)
        let few = FunnelReport(stages: s, tally: FunnelTally(reached: [s[0].id: 3], won: 0), mode: .withConversions)
        let report = RepComparison(average: company, reps: [UserID(1): weak, UserID(2): few], settings: .init(margin: 10, minimumDeals: 5))
        // Company: 100 → 50 (50%) → 25 won (50%). Weak: 10 → 3 (30%) → 1 (33%). Few: 3 → 0 → 0.
        #expect(report.reps[0].cells.map(\.isFlagged) == [true, false])
        #expect(report.reps[0].cells[0].difference.map { ($0 * 10).rounded() / 10 } == -20)
        #expect(report.reps[1].flags == 0)
    }

    @Test("fulfilment colours follow the thresholds, and bad thresholds are refused")
    func thresholds() throws {
        let thresholds = try FulfilmentThresholds(amber: 80, green: 110)
        #expect([0.5, 0.8, 1.0, 1.1, nil].map { thresholds.level($0) } == [.red, .amber, .amber, .green, FulfilmentThresholds.Level.none])
        #expect(throws: ValidationError.self) { try FulfilmentThresholds(amber: 90, green: 50) }
    }

    @Test("report figures name their deals in links that read back")
    func drillTokens() throws {
        let drills: [ReportDrill] = [
            .entered(StageID(3)), .reached(StageID(4)), .won, .lost(stage: nil, reason: LossReasonID(2)), .lost(stage: StageID(1), reason: nil),
            .open(nil), .open(StageID(9)),
        ]
        for drill in drills { #expect(try ReportDrill(token: drill.token) == drill) }
        for bad in ["", "entered", "entered:x", "won:1", "lost:1:2:3", "open:-1"] {
            #expect(throws: ValidationError.self) { try ReportDrill(token: bad) }
        }
    }

    @Test("velocity is open deals × win rate × average won amount ÷ cycle days; slippage counts pushed dates")
    func kpis() throws {
        var inputs = FunnelKPIs.Inputs()
        inputs.won = 4
        inputs.lost = 4
        inputs.wonAmount = MoneyTotals(["PLN": 400_000])
        inputs.wonCycleMilliseconds = 4 * 20 * 86_400_000
        inputs.openDeals = 10
        inputs.closeDateChanges = [
            .init(dealID: DealID(1), from: try date("2026-03-01"), to: try date("2026-03-11")),
            .init(dealID: DealID(1), from: try date("2026-03-11"), to: try date("2026-03-31")),
            .init(dealID: DealID(2), from: try date("2026-03-11"), to: try date("2026-03-01")),
        ]
        let kpis = FunnelKPIs(inputs)
        #expect(kpis.winRate == 0.5 && kpis.averageCycleDays == 20)
        #expect(kpis.salesVelocityPerDay == MoneyTotals(["PLN": 25_000]))
        #expect(kpis.slippage.changes == 3 && kpis.slippage.dealsMoved == 2 && kpis.slippage.pushed == 2 && kpis.slippage.averageDaysPushed == 15)
    }
}

@Suite("Marking stage-log rows")
struct DealProgressTests {
    @Test("a row is marked with the first entry, the stages first reached, the first win and the stay it ends")
    func marks() {
        let s = (1...4).map { StageID(Int64($0)) }
        var progress = DealProgress()
        func at(_ day: Int64) -> Timestamp { Timestamp(rawValue: day * 86_400_000) }
        let created = progress.record(kind: .created, stage: s[0], status: .open, level: 1, top: 4, at: at(1))
        #expect(created == .init(firstTime: true, reachFrom: 0, reachTo: 1, stayMilliseconds: nil))
        let skip = progress.record(kind: .moved, stage: s[2], status: .open, level: 3, top: 4, at: at(3))
        #expect(skip == .init(firstTime: true, reachFrom: 1, reachTo: 3, stayMilliseconds: 2 * 86_400_000))
        let back = progress.record(kind: .moved, stage: s[1], status: .open, level: 2, top: 4, at: at(4))
        #expect(back.firstTime && back.reachFrom == 3 && back.reachTo == 3, "a back move reaches nothing new")
        let again = progress.record(kind: .moved, stage: s[2], status: .open, level: 3, top: 4, at: at(5))
        #expect(!again.firstTime, "re-entering a stage is not a first entry")
        let amount = progress.record(kind: .amountChanged, stage: s[2], status: .open, level: 3, top: 4, at: at(6))
        #expect(!amount.firstTime && amount.stayMilliseconds == nil)
        let won = progress.record(kind: .won, stage: s[2], status: .won, level: 3, top: 4, at: at(7))
        #expect(won == .init(firstTime: true, reachFrom: 3, reachTo: 4, stayMilliseconds: 2 * 86_400_000))
        _ = progress.record(kind: .reopened, stage: s[3], status: .open, level: 4, top: 4, at: at(8))
        let wonAgain = progress.record(kind: .won, stage: s[3], status: .won, level: 4, top: 4, at: at(9))
        #expect(!wonAgain.firstTime && wonAgain.reachFrom == wonAgain.reachTo, "a second win counts nothing new")

        let history = [(TransitionKind.created, s[0], DealStatus.open, 1, at(1)), (.moved, s[2], .open, 3, at(3))]
        var rebuilt = DealProgress(history: history.map { (kind: $0.0, stage: $0.1, status: $0.2, reachTo: $0.3, at: $0.4) })
        #expect(
            rebuilt.record(kind: .moved, stage: s[2], status: .open, level: 3, top: 4, at: at(4))
                == .init(firstTime: false, reachFrom: 3, reachTo: 3, stayMilliseconds: 86_400_000)
        )
    }
}
