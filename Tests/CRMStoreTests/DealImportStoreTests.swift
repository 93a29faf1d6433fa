import CRMCore
import CRMStore
import CRMTestSupport
import Foundation
import SQLKit
import Testing

@Suite("Importing a deals file")
struct DealImportStoreTests {
    static let file = """
        id,agent,account,stage,engaged,closed,value,reason
        D1,rafal wisniewski,Acme,Presentation,2017-03-01,,100,
        D2,СЕРГЕЙ ИВАНОВ,ŁÓDŹ Trading,Won,2017-03-01,2017-03-11,200,
        D3,roza@example.com,Łódź trading,Lost,2017-03-02,2017-03-05,300,price
        """
    static let mapping = [
        "id": "key", "agent": "owner", "account": "company", "stage": "stage", "engaged": "created", "closed": "closed", "value": "amount",
        "reason": "loss_reason",
    ]

    static func run(
        _ store: Store,
        _ context: AccessContext,
        _ text: String,
        into pipeline: Pipeline,
        mode: ImportReport.Mode = .all,
        options: (inout ImportOptions) -> Void = { _ in }
    ) async throws -> (id: Int64, report: ImportReport) {
        let draft = try await store.imports.upload(context, target: .deals, fileName: "deals.csv", data: Data(text.utf8))
        var chosen = ImportOptions(pipelineID: pipeline.id.rawValue)
        options(&chosen)
        return (draft.id, try await store.imports.run(context, draft.id, mapping: mapping, options: chosen, mode: mode))
    }

    /// What the funnel's sums say was won, straight from the table every report reads.
    static func wonAmount(_ store: Store) async throws -> Int {
        try await store.count("SELECT CAST(COALESCE(SUM(won_amount), 0) AS BIGINT) AS n FROM funnel_totals")
    }

    @Test("owners, companies, stages and reasons are found by folded name; missing companies are created once", arguments: TestEngine.available)
    func imports(engine: TestEngine) async throws {
        try await TestDatabase.withStore(engine) { store in
            let world = try await World.make(store)
            let (pipeline, reasons) = try await world.salesPipeline()
            let acme = try await world.company("Acme", by: world.rafal)
            let admin = try await world.context(world.admin)
            let (_, report) = try await Self.run(store, admin, Self.file, into: pipeline)
            #expect(report.created == 3 && report.companiesCreated == 1 && report.errors.isEmpty)
            let deals = try await store.deals.list(admin, ListQuery()).items.sorted { $0.fields.title < $1.fields.title }
            #expect(deals.map(\.fields.title) == ["D1", "D2", "D3"])
            #expect(deals[0].fields.companyID?.rawValue == acme.meta.id && deals[0].fields.stageID == pipeline.stages[1].id)
            #expect(deals[0].meta.ownerID == world.rafal.id && deals[0].meta.teamID == world.north.id)
            #expect(deals[1].meta.ownerID == world.sergei.id && deals[1].fields.status == .won)
            #expect(deals[1].fields.companyID == deals[2].fields.companyID && deals[1].fields.companyID != nil)
            #expect(deals[2].fields.status == .lost && deals[2].fields.lossReasonID == reasons[0].id)
            let log = try await store.funnel.transitions(admin, deal: deals[2].meta.id)
            #expect(log.map(\.kind) == [.created, .lost] && log[1].at.iso8601.hasPrefix("2017-03-05"))
            #expect(try await Self.wonAmount(store) == 20_000)
        }
    }

    @Test(
        "bad rows refuse the whole file, or only themselves when asked; unknown stages, owners and reasons are named",
        arguments: TestEngine.available
    )
    func refuses(engine: TestEngine) async throws {
        try await TestDatabase.withStore(engine) { store in
            let world = try await World.make(store)
            let (pipeline, _) = try await world.salesPipeline()
            let admin = try await world.context(world.admin)
            let bad =
                Self.file
                + "\nD4,Nobody,New Co,Presentation,2017-03-01,,1,\nD5,Ada Admin,,Nowhere,2017-03-01,,1,\nD6,Ada Admin,,Lost,2017-03-01,,1,weather"
            let refused = try await Self.run(store, admin, bad, into: pipeline).report
            #expect(refused.refused && refused.created == 0 && refused.companiesCreated == 0)
            #expect(refused.errors.map(\.line) == [5, 6, 7])
            #expect(refused.errors[1].message.contains("Nowhere") && refused.errors[2].message.contains("weather"))
            #expect(try await store.count("SELECT COUNT(*) AS n FROM deals") == 0)
            #expect(try await store.count("SELECT COUNT(*) AS n FROM companies") == 0)
            // Saying what "Nowhere" means mends line 6; "valid rows only" leaves out the other two.
            let (_, report) = try await Self.run(store, admin, bad, into: pipeline, mode: .validOnly) { $0.stageValues = ["Nowhere": "Contract"] }
            #expect(report.created == 4 && Set(report.errors.map(\.line)) == [5, 7])
            #expect(try await store.count("SELECT COUNT(*) AS n FROM deals WHERE stage_id = \(pipeline.stages[4].id.rawValue)") == 1)
            // The options are checked before any row.
            await #expect(throws: StoreError.self) {
                try await Self.run(store, admin, Self.file, into: pipeline) { $0.stageValues = ["Won": "Heaven"] }
            }
            await #expect(throws: StoreError.self) { try await Self.run(store, admin, Self.file, into: pipeline) { $0.timeZone = "Mars/Olympus" } }
            await #expect(throws: StoreError.self) { try await Self.run(store, admin, Self.file, into: pipeline) { $0.pipelineID = 999_999 } }
        }
    }

    @Test("a rep imports only what they may: their own deals, companies they can see; others' names are row errors", arguments: TestEngine.available)
    func permissions(engine: TestEngine) async throws {
        try await TestDatabase.withStore(engine) { store in
            let world = try await World.make(store)
            let (pipeline, _) = try await world.salesPipeline()
            try await world.company("Hidden South", by: world.sergei)
            let rafal = try await world.context(world.rafal)
            let file =
                "id,agent,account,stage,engaged,closed,value,reason\nR1,,Hidden South,Presentation,2017-03-01,,1,\nR2,Сергей Иванов,,Presentation,2017-03-01,,1,\n"
            let (_, report) = try await Self.run(store, rafal, file, into: pipeline, mode: .dryRun) { $0.createCompanies = false }
            #expect(report.errors.map(\.line) == [2, 3] && report.valid == 0)
            // Without the flag to refuse, a company the rep cannot see is one they make for themselves.
            let (_, made) = try await Self.run(store, rafal, String(file.split(separator: "\n").prefix(2).joined(separator: "\n")), into: pipeline)
            #expect(made.created == 1 && made.companiesCreated == 1)
            #expect(try await store.deals.list(rafal, ListQuery()).items.allSatisfy { $0.meta.ownerID == world.rafal.id })
        }
    }

    @Test("the same file again skips the deals it made; undo bins them, their new companies and their funnel sums", arguments: TestEngine.available)
    func againAndUndo(engine: TestEngine) async throws {
        try await TestDatabase.withStore(engine) { store in
            let world = try await World.make(store)
            let (pipeline, _) = try await world.salesPipeline()
            let admin = try await world.context(world.admin)
            let (first, _) = try await Self.run(store, admin, Self.file, into: pipeline)
            let (_, again) = try await Self.run(store, admin, Self.file + "\nD4,Ada Admin,,Won,2017-04-01,2017-04-02,50,", into: pipeline)
            #expect(again.created == 1 && again.skippedDuplicates == 3 && again.duplicates.map(\.line) == [2, 3, 4])
            #expect(try await Self.wonAmount(store) == 25_000)
            let undone = try await store.imports.undo(admin, first)
            // Three deals and the two companies the file made (Acme, Łódź Trading).
            #expect(undone.binned == 5 && undone.kept == 0)
            #expect(try await Self.wonAmount(store) == 5_000)
            #expect(try await store.count("SELECT COUNT(*) AS n FROM companies WHERE deleted_at IS NULL") == 0)
            #expect(try await store.count("SELECT COUNT(*) AS n FROM deals WHERE deleted_at IS NULL") == 1)
        }
    }

    @Test("a system job imports with the owners the file names, and is refused rows naming none")
    func system() async throws {
        try await TestDatabase.withStore(.sqlite) { store in
            let world = try await World.make(store)
            let (pipeline, _) = try await world.salesPipeline()
            let (_, report) = try await Self.run(store, World.system, Self.file, into: pipeline)
            #expect(report.created == 3)
            let refused = try await Self.run(
                store,
                World.system,
                "id,agent,account,stage,engaged,closed,value,reason\nX1,,,Presentation,,,,\n",
                into: pipeline
            ).report
            #expect(refused.refused && refused.errors.first?.message.contains("owner") == true)
        }
    }

    @Test("the same draft run twice at once imports once; the other run is told it is done", arguments: TestEngine.available)
    func twiceAtOnce(engine: TestEngine) async throws {
        try await TestDatabase.withStore(engine) { store in
            let world = try await World.make(store)
            let (pipeline, _) = try await world.salesPipeline()
            let admin = try await world.context(world.admin)
            let draft = try await store.imports.upload(admin, target: .deals, fileName: "deals.csv", data: Data(Self.file.utf8))
            let options = ImportOptions(pipelineID: pipeline.id.rawValue)
            @Sendable func attempt() async -> Result<ImportReport, any Error> {
                do { return .success(try await store.imports.run(admin, draft.id, mapping: Self.mapping, options: options, mode: .all)) } catch {
                    return .failure(error)
                }
            }
            async let first = attempt()
            async let second = attempt()
            let outcomes = await [first, second]
            #expect(outcomes.filter { (try? $0.get())?.created == 3 }.count == 1)
            #expect(outcomes.contains { if case .failure(StoreError.conflict(code: "already_imported", _)) = $0 { true } else { false } })
            #expect(try await store.count("SELECT COUNT(*) AS n FROM deals") == 3)
        }
    }
}
