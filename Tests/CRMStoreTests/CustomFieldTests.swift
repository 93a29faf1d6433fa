import CRMCore
import CRMTestSupport
import Foundation
import SQLKit
import Testing

@testable import CRMStore

/// Fields admins add at run time, on both engines: values checked on every write, found by filters and sorted
/// from their index, pages following on with cursors.
@Suite("Custom fields on every engine")
struct CustomFieldTests {
    @Test(
        "renaming an option renames it in every record holding it, binned ones too, in their history, filters and saved segments",
        arguments: TestEngine.available
    )
    func renameOption(engine: TestEngine) async throws {
        try await TestDatabase.withStore(engine) { store in
            let world = try await World.make(store)
            let admin = try await world.context(world.admin)
            let rafal = try await world.context(world.rafal)
            let tier = try await store.fields.create(
                admin,
                FieldDefinition(recordType: .company, key: "tier", label: "Poziom", kind: .choice, options: ["Złoty", "Srebrny"])
            )
            let markets = try await store.fields.create(
                admin,
                FieldDefinition(recordType: .company, key: "markets", label: "Rynki", kind: .choices, options: ["PL", "HU", "BG"])
            )
            func company(_ name: String, _ custom: CustomValues) async throws -> Company {
                try await store.companies.create(rafal, CompanyFields(name: name, custom: custom)).record
            }
            let silver = try await company("Győr Kft", ["tier": .choice("Srebrny"), "markets": .choices(["HU", "PL"])])
            let gold = try await company("Łódź Metal", ["tier": .choice("Złoty"), "markets": .choices(["PL"])])
            let binned = try await company("Stara Huta", ["tier": .choice("Srebrny")])
            try await store.companies.delete(rafal, binned.meta.id, expectedVersion: nil)
            let segment = try await store.segments.create(admin, name: "Srebrni", recordType: .company, filters: ["cf.tier": "srebrny", "q": "kft"])

            await #expect(throws: StoreError.self) { _ = try await store.fields.renameOption(rafal, tier.id, from: "Srebrny", to: "Platynowy") }
            await #expect(throws: StoreError.self) { _ = try await store.fields.renameOption(admin, tier.id, from: "Srebrny", to: "złoty") }
            let (renamed, records) = try await store.fields.renameOption(admin, tier.id, from: "Srebrny", to: "Platynowy")
            #expect(renamed.options == ["Złoty", "Platynowy"] && records == 2)
            #expect(try await store.fields.field(tier.id).options == ["Złoty", "Platynowy"])
            let now = try await store.companies.get(rafal, silver.meta.id)
            #expect(now.fields.custom["tier"] == .choice("Platynowy") && now.meta.version == silver.meta.version + 1)
            #expect(try await store.companies.get(rafal, binned.meta.id, includeDeleted: true).fields.custom["tier"] == .choice("Platynowy"))
            #expect(try await store.companies.get(rafal, gold.meta.id).meta.version == gold.meta.version)
            let change = try #require(try await store.companies.history(rafal, silver.meta.id).entries.first)
            #expect(change.actorID == world.admin.id && change.changes == [FieldChange(field: "custom.tier", old: "Srebrny", new: "Platynowy")])
            var query = ListQuery()
            query.custom = [CustomFilter(key: "tier", match: .equals(.choice("Platynowy")))]
            #expect(try await store.companies.list(rafal, query).items.map(\.meta.id) == [silver.meta.id])
            #expect(try await store.segments.get(segment.id).filters == ["cf.tier": "Platynowy", "q": "kft"])
            // The edited record still fits its field, so the rename leaves nothing a later save would refuse.
            _ = try await store.companies.update(rafal, silver.meta.id, expectedVersion: now.meta.version, now.fields)

            // One of several chosen options; a respelling changes the name but not what filters find.
            #expect(try await store.fields.renameOption(admin, markets.id, from: "PL", to: "Polska").records == 2)
            #expect(try await store.companies.get(rafal, silver.meta.id).fields.custom["markets"] == .choices(["HU", "Polska"]))
            #expect(try await store.fields.renameOption(admin, markets.id, from: "Polska", to: "POLSKA").records == 2)
            query.custom = [CustomFilter(key: "markets", match: .equals(.choices(["polska"])))]
            #expect(try await store.companies.list(rafal, query).items.count == 2)
        }
    }

    /// PostgreSQL runs an admin's field change and a record's write side by side, SQLite one after the other;
    /// neither may leave a record holding an option its field no longer has.
    @Test("an option renamed while a record holding it is being written ends renamed in that record too", arguments: TestEngine.available)
    func renameDuringWrite(engine: TestEngine) async throws {
        try await TestDatabase.withStore(engine) { store in
            let world = try await World.make(store)
            let admin = try await world.context(world.admin)
            let rafal = try await world.context(world.rafal)
            let tier = try await store.fields.create(
                admin,
                FieldDefinition(recordType: .company, key: "tier", label: "Poziom", kind: .choice, options: ["Złoty", "Srebrny"])
            )
            let company = try await store.companies.create(rafal, CompanyFields(name: "Győr Kft")).record
            let rename = try await store.database.write { db in
                let current = try await RecordStore<CompanyFields>.fetch(db, rafal, company.meta.id, includeDeleted: false, lock: true)
                var fields = current.fields
                fields.custom["tier"] = .choice("Srebrny")
                // The admin renames the option from another connection while this write is under way.
                let rename = Task { try await store.fields.renameOption(admin, tier.id, from: "Srebrny", to: "Platynowy") }
                try await Task.sleep(for: .milliseconds(500))
                _ = try await RecordStore<CompanyFields>.rewrite(db, rafal, current, fields, assignment: .init(), action: .update)
                return rename
            }
            let renamed = try await rename.value
            #expect(renamed.field.options == ["Złoty", "Platynowy"] && renamed.records == 1)
            #expect(try await store.companies.get(rafal, company.meta.id).fields.custom["tier"] == .choice("Platynowy"))
        }
    }

    @Test("values are checked on every write; filters and sorts read the index; pages follow on", arguments: TestEngine.available)
    func values(engine: TestEngine) async throws {
        try await TestDatabase.withStore(engine) { store in
            let world = try await World.make(store)
            let admin = try await world.context(world.admin)
            let rafal = try await world.context(world.rafal)
            await #expect(throws: StoreError.self) {
                _ = try await store.fields.create(rafal, FieldDefinition(recordType: .company, key: "tier", label: "Tier", kind: .text))
            }
            let tier = try await store.fields.create(
                admin,
                FieldDefinition(
                    recordType: .company,
                    key: "tier",
                    label: "Poziom",
                    kind: .choice,
                    options: ["Złoty", "Srebrny", "Brązowy"],
                    inList: true
                )
            )
            _ = try await store.fields.create(admin, FieldDefinition(recordType: .company, key: "headcount", label: "Zatrudnienie", kind: .number))
            _ = try await store.fields.create(admin, FieldDefinition(recordType: .company, key: "renewal", label: "Odnowienie", kind: .date))
            _ = try await store.fields.create(
                admin,
                FieldDefinition(recordType: .company, key: "markets", label: "Rynki", kind: .choices, options: ["PL", "HU", "BG"])
            )
            _ = try await store.fields.create(admin, FieldDefinition(recordType: .company, key: "manager", label: "Opiekun", kind: .user))
            await #expect(throws: StoreError.self) {
                _ = try await store.fields.create(admin, FieldDefinition(recordType: .company, key: "tier", label: "Again", kind: .text))
            }
            await #expect(throws: StoreError.self) {
                _ = try await store.fields.create(admin, FieldDefinition(recordType: .company, key: "name", label: "Name", kind: .text))
            }
            await #expect(throws: StoreError.self) {
                _ = try await store.fields.create(admin, FieldDefinition(recordType: .company, key: "Bad Key", label: "x", kind: .text))
            }
            await #expect(throws: StoreError.self) {
                _ = try await store.fields.create(admin, FieldDefinition(recordType: .activity, key: "x", label: "x", kind: .text))
            }
            #expect(
                try await store.fields.list(.company).filter { !$0.isStandard }.map(\.key) == ["tier", "headcount", "renewal", "markets", "manager"]
            )

            func company(_ name: String, _ custom: CustomValues) async throws -> Company {
                try await store.companies.create(rafal, CompanyFields(name: name, custom: custom)).record
            }
            let date = { (text: String) in CustomValue.date(try CalendarDate(parsing: text)) }
            let gold = try await company(
                "Łódź Metal",
                ["tier": .choice("Złoty"), "headcount": .number(120), "renewal": try date("2027-03-31"), "markets": .choices(["PL", "HU"])]
            )
            let silver = try await company(
                "Győr Kft",
                ["tier": .choice("Srebrny"), "headcount": .number(45.5), "renewal": try date("2026-12-15"), "markets": .choices(["HU"])]
            )
            let bronze = try await company("София ООД", ["tier": .choice("Brązowy"), "headcount": .number(8), "manager": .user(world.rafal.id)])
            let none = try await company("Plain Ltd", [:])

            // Wrong values are refused, each named, and nothing is written.
            let before = try await store.companies.count(admin, ListQuery())
            await #expect(
                throws: StoreError.invalid(
                    .init([
                        ValidationError(field: "custom.headcount", code: "invalid_value", message: "is not a valid number value"),
                        ValidationError(field: "custom.nonsense", code: "unknown_field", message: "is not a field here"),
                        ValidationError(
                            field: "custom.tier",
                            code: "invalid_value",
                            message: "is not a valid choice value (Złoty, Srebrny, Brązowy)"
                        ),
                    ])
                )
            ) {
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
            #expect(
                try await ids([CustomFilter(key: "markets", match: .equals(.choices(["HU"])))]).sorted() == [gold.meta.id, silver.meta.id].sorted()
            )
            #expect(
                try await ids([
                    CustomFilter(key: "headcount", match: .atLeast(.number(45.5))), CustomFilter(key: "headcount", match: .atMost(.number(200))),
                ]).sorted() == [gold.meta.id, silver.meta.id].sorted()
            )
            #expect(try await ids([CustomFilter(key: "renewal", match: .atMost(try date("2026-12-31")))]) == [silver.meta.id])
            #expect(try await ids([CustomFilter(key: "manager", match: .equals(.user(world.rafal.id)))]) == [bronze.meta.id])

            // An option records hold cannot be taken away (it would leave them with a value the field refuses);
            // one no live record holds can.
            let band = try await store.fields.create(
                admin,
                FieldDefinition(recordType: .lead, key: "band", label: "Band", kind: .choices, options: ["S", "M", "L"])
            )
            let lead = try await store.leads.create(rafal, LeadFields(lastName: "Nowak", custom: ["band": .choices(["S"])])).record
            var fewer = band
            fewer.options = ["M", "L"]
            await #expect(
                throws: StoreError.conflict(
                    code: "option_in_use",
                    message: "records still hold 'S' (1); give them another value first, or switch the field off"
                )
            ) {
                _ = try await store.fields.update(admin, band.id, fewer)
            }
            fewer.options = ["S", "L"]
            #expect(try await store.fields.update(admin, band.id, fewer).options == ["S", "L"])
            try await store.leads.delete(admin, lead.meta.id, expectedVersion: nil)
            fewer.options = ["L"]
            #expect(try await store.fields.update(admin, band.id, fewer).options == ["L"], "a lead in the bin holds nothing")
            // Sorted by a number, then by a text, pages of one following on by cursor; records without a value first.
            #expect(try await ids([], sort: Sort(custom: "headcount", numeric: true)) == [none, bronze, silver, gold].map(\.meta.id))
            #expect(
                try await ids([], sort: Sort(custom: "headcount", numeric: true, descending: true)) == [gold, silver, bronze, none].map(\.meta.id)
            )
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
            let change = try #require(
                try await store.companies.history(rafal, silver.meta.id).entries.first?.changes.first { $0.field == "custom.tier" }
            )
            #expect(change.old == "Srebrny" && change.new == "Złoty")

            // A required field: new records need it; switching a field off stops asking for it.
            var required = try await store.fields.create(
                admin,
                FieldDefinition(recordType: .company, key: "segment", label: "Segment", kind: .text, isRequired: true)
            )
            await #expect(throws: StoreError.self) { _ = try await company("No segment", [:]) }
            required.isActive = false
            _ = try await store.fields.update(admin, required.id, required)
            _ = try await company("No segment", [:])
            #expect(tier.inList)

            // The filter is answered from the index of values, not by reading every record's JSON.
            if engine == .sqlite {
                let plan = try await store.database.read { db in
                    try await db.raw(
                        """
                        EXPLAIN QUERY PLAN SELECT id FROM companies WHERE deleted_at IS NULL AND id IN
                        (SELECT record_id FROM custom_values WHERE record_type = 'company' AND field_key = 'tier' AND text_value IN ('zloty'))
                        """
                    ).all().map { try $0.decode(column: "detail", as: String.self) }
                }
                #expect(plan.contains { $0.contains("custom_values_text") }, "\(plan)")
            }
        }
    }
}
