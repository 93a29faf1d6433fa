public import CRMCore
public import CRMStore
import Foundation

/// Six deals with hand-derived figures for March 2026 (see `ReportStoreTests`): wins, losses, skips, a back
/// move, a deal carried in from February and one reopened after an earlier win.
///
/// Stages S0–S4 of `World.salesPipeline()`; all times at noon UTC.
public struct ReportFixture: Sendable {
    public let world: World
    public let pipeline: Pipeline
    public let reasons: [LossReason]
    public let deals: [String: DealID]

    public static let march = try! ReportPeriod(from: CalendarDate(year: 2026, month: 3, day: 1), to: CalendarDate(year: 2026, month: 4, day: 1))

    public static func noon(_ month: Int, _ day: Int) -> Timestamp {
        try! CalendarDate(year: 2026, month: month, day: day).start(in: TimeZone(identifier: "UTC")!).adding(seconds: 12 * 3600)
    }

    public static func make(_ store: Store) async throws -> ReportFixture {
        try await make(world: try await World.make(store))
    }

    public static func make(world: World) async throws -> ReportFixture {
        let store = world.store
        let (pipeline, reasons) = try await world.salesPipeline()
        let s = pipeline.stages.map(\.id)
        let price = reasons[0].id
        let competitor = reasons[1].id
        func deal(
            _ title: String,
            owner: User,
            amount: Int64,
            created: Timestamp,
            close: String? = nil,
            _ events: [(Timestamp, FunnelMove)]
        ) -> ImportedDeal {
            var fields = DealFields(
                title: title,
                pipelineID: pipeline.id,
                stageID: s[0],
                amount: Money(minorUnits: amount * 100, currency: pipeline.currency)
            )
            fields.expectedCloseDate = close.flatMap { try? CalendarDate(parsing: $0) }
            let team = owner.id == world.sergei.id ? world.south.id : world.north.id
            return ImportedDeal(fields: fields, owner: owner.id, team: team, createdAt: created, events: events.map { (at: $0.0, move: $0.1) })
        }
        let imported: [(String, ImportedDeal)] = [
            (
                "A",
                deal(
                    "A",
                    owner: world.rafal,
                    amount: 1_000,
                    created: noon(3, 2),
                    [(noon(3, 5), .move(to: s[1])), (noon(3, 8), .move(to: s[2])), (noon(3, 20), .win)]
                )
            ),
            (
                "B",
                deal(
                    "B",
                    owner: world.rafal,
                    amount: 2_000,
                    created: noon(3, 2),
                    [(noon(3, 4), .move(to: s[2])), (noon(3, 6), .move(to: s[1])), (noon(3, 10), .lose(reason: price, comment: ""))]
                )
            ),
            ("C", deal("C", owner: world.roza, amount: 300, created: noon(3, 3), [(noon(3, 4), .lose(reason: competitor, comment: ""))])),
            (
                "D",
                deal(
                    "D",
                    owner: world.roza,
                    amount: 5_000,
                    created: noon(2, 10),
                    close: "2026-03-31",
                    [(noon(2, 20), .move(to: s[1])), (noon(3, 15), .move(to: s[3]))]
                )
            ),
            ("E", deal("E", owner: world.sergei, amount: 700, created: noon(3, 5), close: "2026-03-20", [])),
            (
                "F",
                deal(
                    "F",
                    owner: world.sergei,
                    amount: 4_000,
                    created: noon(1, 5),
                    [
                        (noon(1, 10), .move(to: s[1])), (noon(1, 20), .win), (noon(3, 10), .reopen(to: s[4])),
                        (noon(3, 12), .lose(reason: price, comment: "")),
                    ]
                )
            ),
        ]
        let ids = try await store.funnel.importDeals(World.system, imported.map(\.1))
        return ReportFixture(world: world, pipeline: pipeline, reasons: reasons, deals: Dictionary(uniqueKeysWithValues: zip(imported.map(\.0), ids)))
    }

    public var marchFilter: ReportFilter { ReportFilter(pipelineID: pipeline.id, period: Self.march) }
}
