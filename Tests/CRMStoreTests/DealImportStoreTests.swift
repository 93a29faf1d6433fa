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

    static func rows(_ text: String, _ pipeline: Pipeline) throws -> [DealImportRow] {
        let mapping = DealImportMapping(
            columns: [.title: "id", .owner: "agent", .company: "account", .stage: "stage", .created: "engaged", .closed: "closed", .amount: "value", .lossReason: "reason"],
            currency: pipeline.currency, timeZone: TimeZone(identifier: "UTC")!
        )
        return try DealImportRow.rows(of: try CSVTable(text: text), mapping)
    }

    @Test("owners, companies, stages and reasons are found by folded name; missing companies are created once", arguments: TestEngine.available)
    func imports(engine: TestEngine) async throws {
        try await TestDatabase.withStore(engine) { store in
            let world = try await World.make(store)
            let (pipeline, reasons) = try await world.salesPipeline()
            let acme = try await world.company("Acme", by: world.rafal)
            let summary = try await store.funnel.importRows(World.system, try Self.rows(Self.file, pipeline), into: pipeline.id)
            #expect(summary == DealImportSummary(deals: 3, companiesCreated: 1))
            let admin = try await world.context(world.admin)
            let deals = try await store.deals.list(admin, ListQuery()).items.sorted { $0.fields.title < $1.fields.title }
            #expect(deals.map(\.fields.title) == ["D1", "D2", "D3"])
            #expect(deals[0].fields.companyID?.rawValue == acme.meta.id && deals[0].fields.stageID == pipeline.stages[1].id)
            #expect(deals[0].meta.ownerID == world.rafal.id && deals[0].meta.teamID == world.north.id)
            #expect(deals[1].meta.ownerID == world.sergei.id && deals[1].fields.status == .won)
            #expect(deals[1].fields.companyID == deals[2].fields.companyID && deals[1].fields.companyID != nil)
            #expect(deals[2].fields.status == .lost && deals[2].fields.lossReasonID == reasons[0].id)
            let log = try await store.funnel.transitions(admin, deal: deals[2].meta.id)
            #expect(log.map(\.kind) == [.created, .lost] && log[1].at.iso8601.hasPrefix("2017-03-05"))
        }
    }

    @Test("an unknown owner, stage or reason refuses the whole file, naming each line", arguments: TestEngine.available)
    func refuses(engine: TestEngine) async throws {
        try await TestDatabase.withStore(engine) { store in
            let world = try await World.make(store)
            let (pipeline, _) = try await world.salesPipeline()
            let bad = Self.file + "\nD4,Nobody,New Co,Presentation,2017-03-01,,1,\nD5,Ada Admin,,Nowhere,2017-03-01,,1,\nD6,Ada Admin,,Lost,2017-03-01,,1,weather"
            do {
                _ = try await store.funnel.importRows(World.system, try Self.rows(bad, pipeline), into: pipeline.id)
                Issue.record("a bad file was imported")
            } catch StoreError.invalid(let errors) {
                #expect(errors.errors.map(\.field) == ["line 5", "line 6", "line 7"])
            }
            #expect(try await store.count("SELECT COUNT(*) AS n FROM deals") == 0)
            #expect(try await store.count("SELECT COUNT(*) AS n FROM companies") == 0)
            let rafal = try await world.context(world.rafal)
            await #expect(throws: StoreError.self) { try await store.funnel.importRows(rafal, try Self.rows(Self.file, pipeline), into: pipeline.id) }
        }
    }
}
