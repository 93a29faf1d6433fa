import CRMCore
import CRMStore
import CRMTestSupport
import SQLKit
import Testing

@Suite("The funnel and its stage log")
struct FunnelStoreTests {
    @Test("every move, skip, back move, loss, reopen and win is logged in order with the figures of the moment", arguments: TestEngine.available)
    func stageLog(engine: TestEngine) async throws {
        try await TestDatabase.withStore(engine) { store in
            let world = try await World.make(store)
            let (pipeline, reasons) = try await world.salesPipeline()
            let rafal = try await world.context(world.rafal)
            let deal = try await world.deal("Łódź textiles", by: world.rafal, in: pipeline, amount: "12500.50")
            let stages = pipeline.stages.map(\.id)
            var current = try await store.funnel.apply(rafal, deal: deal.meta.id, expectedVersion: 1, .move(to: stages[2]))
            current = try await store.funnel.apply(rafal, deal: deal.meta.id, expectedVersion: nil, .move(to: stages[1]))
            await #expect(throws: StoreError.self) {
                try await store.funnel.apply(rafal, deal: deal.meta.id, expectedVersion: nil, .lose(reason: LossReasonID(999), comment: ""))
            }
            current = try await store.funnel.apply(
                rafal,
                deal: deal.meta.id,
                expectedVersion: nil,
                .lose(reason: reasons[0].id, comment: "Too expensive")
            )
            #expect(current.fields.status == .lost && current.fields.lossReasonID == reasons[0].id && current.fields.closedAt != nil)
            await #expect(throws: StoreError.self) {
                try await store.funnel.apply(rafal, deal: deal.meta.id, expectedVersion: nil, .move(to: stages[3]))
            }
            current = try await store.funnel.apply(rafal, deal: deal.meta.id, expectedVersion: nil, .reopen(to: stages[4]))
            var fields = current.fields
            fields.amount = try Money(decimal: "15000", currency: pipeline.currency)
            current = try await store.deals.update(rafal, deal.meta.id, expectedVersion: current.meta.version, fields)
            current = try await store.funnel.apply(rafal, deal: deal.meta.id, expectedVersion: current.meta.version, .win)
            #expect(current.fields.status == .won)

            let log = try await store.funnel.transitions(rafal, deal: deal.meta.id)
            #expect(log.map(\.kind) == [.created, .moved, .moved, .lost, .reopened, .amountChanged, .won])
            #expect(log.map(\.toStageID) == [stages[0], stages[2], stages[1], stages[1], stages[4], stages[4], stages[4]])
            #expect(log.map(\.fromStageID) == [nil, stages[0], stages[2], stages[1], stages[1], stages[4], stages[4]])
            #expect(log.map(\.probability) == [10, 40, 25, 0, 90, 90, 100])
            #expect(log.map(\.amount.minorUnits) == [1_250_050, 1_250_050, 1_250_050, 1_250_050, 1_250_050, 1_500_000, 1_500_000])
            #expect(log[3].lossReasonID == reasons[0].id && log[3].comment == "Too expensive")
            #expect(log.allSatisfy { $0.actorID == world.rafal.id })
            #expect(zip(log, log.dropFirst()).allSatisfy { $0.at <= $1.at })
        }
    }

    @Test("a company's deals are counted and summed by outcome, only those the caller may see and not binned", arguments: TestEngine.available)
    func companyDeals(engine: TestEngine) async throws {
        try await TestDatabase.withStore(engine) { store in
            let world = try await World.make(store)
            let (pipeline, reasons) = try await world.salesPipeline()
            let admin = try await world.context(world.admin)
            let rafal = try await world.context(world.rafal)
            let company = try await world.company("Huta Częstochowa", by: world.admin)
            func deal(_ title: String, by user: User, _ amount: String, _ move: FunnelMove? = nil) async throws {
                var fields = DealFields(
                    title: title,
                    pipelineID: pipeline.id,
                    stageID: pipeline.stages[0].id,
                    amount: try Money(decimal: amount, currency: pipeline.currency)
                )
                fields.companyID = company.id
                // The admin writes them all (a rep may not link another's company) and hands each to its owner.
                let deal = try await store.deals.create(admin, fields, assignment: .init(owner: user.id, team: .some(nil))).record
                if let move { _ = try await store.funnel.apply(admin, deal: deal.meta.id, expectedVersion: nil, move) }
            }
            try await deal("Blachy", by: world.rafal, "1000.50")
            try await deal("Rury", by: world.rafal, "200.00")
            try await deal("Pręty", by: world.sergei, "50.00")
            try await deal("Kształtowniki", by: world.rafal, "700.00", .win)
            try await deal("Walcówka", by: world.sergei, "90.00", .lose(reason: reasons[0].id, comment: ""))
            let binned = try await store.deals.create(
                admin,
                {
                    var f = DealFields(
                        title: "Stara",
                        pipelineID: pipeline.id,
                        stageID: pipeline.stages[0].id,
                        amount: try Money(decimal: "5.00", currency: pipeline.currency)
                    )
                    f.companyID = company.id
                    return f
                }()
            ).record
            try await store.deals.delete(admin, binned.meta.id, expectedVersion: nil)

            let all = try await store.funnel.deals(admin, of: company.id)
            #expect(all[.open] == .init(count: 3, sums: MoneyTotals(["PLN": 125_050])))
            #expect(
                all[.won] == .init(count: 1, sums: MoneyTotals(["PLN": 70_000])) && all[.lost] == .init(count: 1, sums: MoneyTotals(["PLN": 9_000]))
            )
            let own = try await store.funnel.deals(rafal, of: company.id)
            #expect(own[.open] == .init(count: 2, sums: MoneyTotals(["PLN": 120_050])) && own[.won].count == 1 && own[.lost].count == 0)
        }
    }

    @Test("the database refuses to edit or delete stage-log rows", arguments: TestEngine.available)
    func appendOnly(engine: TestEngine) async throws {
        try await TestDatabase.withStore(engine) { store in
            let world = try await World.make(store)
            let (pipeline, _) = try await world.salesPipeline()
            try await world.deal("Kept", by: world.admin, in: pipeline)
            for statement in ["UPDATE stage_transitions SET amount_minor = 0", "DELETE FROM stage_transitions"] {
                await #expect(throws: (any Error).self, "\(statement)") {
                    try await store.database.write { db in try await db.raw(SQLQueryString(statement)).run() }
                }
            }
            if engine == .postgres {
                await #expect(throws: (any Error).self) {
                    try await store.database.write { db in try await db.raw("TRUNCATE stage_transitions CASCADE").run() }
                }
            }
            let count = try await store.database.read { db in
                try await db.raw("SELECT COUNT(*) AS n FROM stage_transitions").first()!.decode(column: "n", as: Int.self)
            }
            #expect(count == 1)
        }
    }

    @Test("bad moves are refused and change nothing", arguments: TestEngine.available)
    func badMoves(engine: TestEngine) async throws {
        try await TestDatabase.withStore(engine) { store in
            let world = try await World.make(store)
            let (pipeline, _) = try await world.salesPipeline()
            let other = try await store.pipelines.create(
                World.system,
                name: "Renewals",
                currency: try Currency(code: "EUR"),
                stages: [.init(name: "Due", probability: 50)]
            )
            let admin = try await world.context(world.admin)
            let free = try await world.deal("Free", by: world.admin, in: pipeline, amount: "0")
            for move in [
                FunnelMove.move(to: other.stages[0].id), .move(to: StageID(9999)), .move(to: pipeline.stages[0].id), .move(to: pipeline.stages[3].id),
                .reopen(to: nil),
            ] {
                await #expect(throws: StoreError.self, "\(move)") {
                    try await store.funnel.apply(admin, deal: free.meta.id, expectedVersion: nil, move)
                }
            }
            var fields = free.fields
            fields.stageID = pipeline.stages[2].id
            await #expect(throws: StoreError.self) { try await store.deals.update(admin, free.meta.id, expectedVersion: 1, fields) }
            await #expect(throws: StoreError.self) {
                try await store.deals.create(
                    admin,
                    DealFields(
                        title: "Wrong",
                        pipelineID: pipeline.id,
                        stageID: other.stages[0].id,
                        amount: Money(minorUnits: 1, currency: pipeline.currency)
                    )
                )
            }
            await #expect(throws: StoreError.self) {
                try await store.deals.create(
                    admin,
                    DealFields(
                        title: "Negative",
                        pipelineID: pipeline.id,
                        stageID: pipeline.stages[0].id,
                        amount: Money(minorUnits: -1, currency: pipeline.currency)
                    )
                )
            }
            let after = try await store.deals.get(admin, free.meta.id)
            #expect(after.meta.version == 1 && after.fields.stageID == pipeline.stages[0].id)
            #expect(try await store.funnel.transitions(admin, deal: free.meta.id).count == 1)
        }
    }

    @Test("the board's counts and sums equal a plain SQL sum, and follow the permission layer", arguments: TestEngine.available)
    func board(engine: TestEngine) async throws {
        try await TestDatabase.withStore(engine) { store in
            let world = try await World.make(store)
            let (pipeline, reasons) = try await world.salesPipeline()
            for index in 0..<9 {
                let user = [world.rafal, world.roza, world.sergei][index % 3]
                try await world.deal("Deal \(index)", by: user, in: pipeline, stage: index % 4, amount: "\(index * 100 + 1).25")
            }
            let lost = try await world.deal("Lost one", by: world.rafal, in: pipeline)
            _ = try await store.funnel.apply(
                .system(reason: "test"),
                deal: lost.meta.id,
                expectedVersion: nil,
                .lose(reason: reasons[1].id, comment: "")
            )

            let admin = try await world.context(world.admin)
            let (_, columns) = try await store.funnel.board(admin, pipeline: pipeline.id, filter: .init(), cardsPerStage: 2)
            let plain = try await store.database.read { db in
                try await db.raw(
                    "SELECT stage_id, COUNT(*) AS n, CAST(SUM(amount_minor) AS BIGINT) AS total FROM deals WHERE status = 'open' AND deleted_at IS NULL GROUP BY stage_id"
                ).all()
            }
            for row in plain {
                let column = try #require(columns.first { $0.stage.id.rawValue == (try? row.decode(column: "stage_id", as: Int64.self)) })
                #expect(column.count == (try row.decode(column: "n", as: Int.self)))
                #expect(column.sums["PLN"] == (try row.decode(column: "total", as: Int64.self)))
            }
            #expect(columns.map(\.count).reduce(0, +) == 9)
            #expect(columns[0].cards.count == 2 && columns[0].nextAfter != nil)
            let more = try await store.funnel.moreCards(
                admin,
                pipeline: pipeline.id,
                stage: columns[0].stage.id,
                filter: .init(),
                after: columns[0].nextAfter!,
                limit: 10
            )
            #expect(Set((columns[0].cards + more.cards).map(\.meta.id)).count == columns[0].count)

            let sergei = try await world.context(world.sergei)
            let (_, his) = try await store.funnel.board(sergei, pipeline: pipeline.id, filter: .init(), cardsPerStage: 10)
            #expect(his.flatMap(\.cards).allSatisfy { $0.meta.ownerID == world.sergei.id })
            #expect(his.map(\.count).reduce(0, +) == 3)
            let rafal = try await world.context(world.rafal)
            let sergeisDeal = his.flatMap(\.cards)[0]
            await #expect(throws: StoreError.notFound(.deal)) {
                try await store.funnel.apply(rafal, deal: sergeisDeal.meta.id, expectedVersion: nil, .win)
            }
            await #expect(throws: StoreError.notFound(.deal)) { try await store.funnel.transitions(rafal, deal: sergeisDeal.meta.id) }
        }
    }
}
