import CRMCore
import CRMStore
import CRMTestSupport
import Foundation
import SQLKit
import Testing

/// Fields admins add at run time, on both engines: values checked on every write, found by filters and sorted
/// from their index, pages following on with cursors.
@Suite("Custom fields on every engine")
struct CustomFieldTests {
    @Test("values are checked on every write; filters and sorts read the index; pages follow on", arguments: TestEngine.available)
    func values(engine: TestEngine) async throws {
        try await TestDatabase.withStore(engine) { store in
            let world = try await World.make(store)
            let admin = try await world.context(world.admin)
            let rafal = try await world.context(world.rafal)
            await #expect(throws: StoreError.self) { _ = try await store.fields.create(rafal, FieldDefinition(recordType: .company, key: "tier", label: "Tier", kind: .text)) }
            let tier = try await store.fields.create(admin, FieldDefinition(recordType: .company, key: "tier", label: "Poziom", kind: .choice, options: ["Złoty", "Srebrny", "Brązowy"], inList: true))
            _ = try await store.fields.create(admin, FieldDefinition(recordType: .company, key: "headcount", label: "Zatrudnienie", kind: .number))
            _ = try await store.fields.create(admin, FieldDefinition(recordType: .company, key: "renewal", label: "Odnowienie", kind: .date))
            _ = try await store.fields.create(admin, FieldDefinition(recordType: .company, key: "markets", label: "Rynki", kind: .choices, options: ["PL", "HU", "BG"]))
            _ = try await store.fields.create(admin, FieldDefinition(recordType: .company, key: "manager", label: "Opiekun", kind: .user))
            await #expect(throws: StoreError.self) { _ = try await store.fields.create(admin, FieldDefinition(recordType: .company, key: "tier", label: "Again", kind: .text)) }
            await #expect(throws: StoreError.self) { _ = try await store.fields.create(admin, FieldDefinition(recordType: .company, key: "name", label: "Name", kind: .text)) }
            await #expect(throws: StoreError.self) { _ = try await store.fields.create(admin, FieldDefinition(recordType: .company, key: "Bad Key", label: "x", kind: .text)) }
            await #expect(throws: StoreError.self) { _ = try await store.fields.create(admin, FieldDefinition(recordType: .activity, key: "x", label: "x", kind: .text)) }
            #expect(try await store.fields.list(.company).filter { !$0.isStandard }.map(\.key) == ["tier", "headcount", "renewal", "markets", "manager"])

            func company(_ name: String, _ custom: CustomValues) async throws -> Company {
                try await store.companies.create(rafal, CompanyFields(name: name, custom: custom)).record
            }
            let date = { (text: String) in CustomValue.date(try CalendarDate(parsing: text)) }
            let gold = try await company("Łódź Metal", ["tier": .choice("Złoty"), "headcount": .number(120), "renewal": try date("2027-03-31"), "markets": .choices(["PL", "HU"])])
            let silver = try await company("Győr Kft", ["tier": .choice("Srebrny"), "headcount": .number(45.5), "renewal": try date("2026-12-15"), "markets": .choices(["HU"])])
            let bronze = try await company("София ООД", ["tier": .choice("Brązowy"), "headcount": .number(8), "manager": .user(world.rafal.id)])
            let none = try await company("Plain Ltd", [:])

            // Wrong values are refused, each named, and nothing is written.
            let before = try await store.companies.count(admin, ListQuery())
            await #expect(throws: StoreError.invalid(.init([
                ValidationError(field: "custom.headcount", code: "invalid_value", message: "is not a valid number value"),
                ValidationError(field: "custom.nonsense", code: "unknown_field", message: "is not a field here"),
                ValidationError(field: "custom.tier", code: "invalid_value", message: "is not a valid choice value (Złoty, Srebrny, Brązowy)"),
            ]))) {
                _ = try await company("Bad", ["tier": .choice("Platynowy"), "headcount": .text("many"), "nonsense": .yesNo(true)])
            }
            await #expect(throws: StoreError.self) { _ = try await company("Ghost manager", ["manager": .user(UserID(9999))]) }
            #expect(try await store.companies.count(admin, ListQuery()) == before)

            func ids(_ filters: [CustomFilter], sort: Sort = Sort(field: .name)) async throws -> [Int64] {
                var query = ListQuery(sort: sort)
                query.custom = filters
                return try await store.companies.list(rafal, query).items.map(\.meta.id)
            }
            #expect(try await ids([CustomFilter(key: "tier", match: .equals(.choice("Srebrny")))]) == [silver.meta.id])
            #expect(try await ids([CustomFilter(key: "markets", match: .equals(.choices(["HU"])))]).sorted() == [gold.meta.id, silver.meta.id].sorted())
            #expect(try await ids([CustomFilter(key: "headcount", match: .atLeast(.number(45.5))), CustomFilter(key: "headcount", match: .atMost(.number(200)))]).sorted() == [gold.meta.id, silver.meta.id].sorted())
            #expect(try await ids([CustomFilter(key: "renewal", match: .atMost(try date("2026-12-31")))]) == [silver.meta.id])
            #expect(try await ids([CustomFilter(key: "manager", match: .equals(.user(world.rafal.id)))]) == [bronze.meta.id])

            // An option records hold cannot be taken away (it would leave them with a value the field refuses);
            // one no live record holds can.
            let band = try await store.fields.create(admin, FieldDefinition(recordType: .lead, key: "band", label: "Band", kind: .choices, options: ["S", "M", "L"]))
            let lead = try await store.leads.create(rafal, LeadFields(lastName: "Nowak", custom: ["band": .choices(["S"])])).record
            var fewer = band
            fewer.options = ["M", "L"]
            await #expect(throws: StoreError.conflict(code: "option_in_use", message: "records still hold 'S' (1); give them another value first, or switch the field off")) {
                _ = try await store.fields.update(admin, band.id, fewer)
            }
            fewer.options = ["S", "L"]
            #expect(try await store.fields.update(admin, band.id, fewer).options == ["S", "L"])
            try await store.leads.delete(admin, lead.meta.id, expectedVersion: nil)
            fewer.options = ["L"]
            #expect(try await store.fields.update(admin, band.id, fewer).options == ["L"], "a lead in the bin holds nothing")
            // Sorted by a number, then by a text, pages of one following on by cursor; records without a value first.
            #expect(try await ids([], sort: Sort(custom: "headcount", numeric: true)) == [none, bronze, silver, gold].map(\.meta.id))
            #expect(try await ids([], sort: Sort(custom: "headcount", numeric: true, descending: true)) == [gold, silver, bronze, none].map(\.meta.id))
            var paged: [Int64] = []
            var query = ListQuery(sort: Sort(custom: "tier", numeric: false), limit: 1)
            while true {
                let page = try await store.companies.list(rafal, query)
                paged += page.items.map(\.meta.id)
                guard let next = page.nextCursor else { break }
                query.cursor = try Cursor(token: next.token, for: query.sort)
            }
            #expect(paged == [none, bronze, silver, gold].map(\.meta.id), "'', brazowy, srebrny, zloty")

            // An edit re-indexes; the audit trail names the custom field.
            var edited = silver.fields
            edited.custom["tier"] = .choice("Złoty")
            _ = try await store.companies.update(rafal, silver.meta.id, expectedVersion: silver.meta.version, edited)
            #expect(try await ids([CustomFilter(key: "tier", match: .equals(.choice("Złoty")))]).sorted() == [gold.meta.id, silver.meta.id].sorted())
            let change = try #require(try await store.companies.history(rafal, silver.meta.id).entries.first?.changes.first { $0.field == "custom.tier" })
            #expect(change.old == "Srebrny" && change.new == "Złoty")

            // A required field: new records need it; switching a field off stops asking for it.
            var required = try await store.fields.create(admin, FieldDefinition(recordType: .company, key: "segment", label: "Segment", kind: .text, isRequired: true))
            await #expect(throws: StoreError.self) { _ = try await company("No segment", [:]) }
            required.isActive = false
            _ = try await store.fields.update(admin, required.id, required)
            _ = try await company("No segment", [:])
            #expect(tier.inList)

            // The filter is answered from the index of values, not by reading every record's JSON.
            if engine == .sqlite {
                let plan = try await store.database.read { db in
                    try await db.raw("""
                        EXPLAIN QUERY PLAN SELECT id FROM companies WHERE deleted_at IS NULL AND id IN
                        (SELECT record_id FROM custom_values WHERE record_type = 'company' AND field_key = 'tier' AND text_value IN ('zloty'))
                        """).all().map { try $0.decode(column: "detail", as: String.self) }
                }
                #expect(plan.contains { $0.contains("custom_values_text") }, "\(plan)")
            }
        }
    }
}
