import CRMCore
import CRMStore
import CRMTestSupport
import SQLKit
import Testing

@Suite("Records on every engine")
struct RecordStoreTests {
    @Test("migrations run once and leave nothing pending", arguments: TestEngine.available)
    func migrationsAreIdempotent(engine: TestEngine) async throws {
        try await TestDatabase.withStore(engine) { store in
            let appliedAgain = try await store.migrator.migrate()
            #expect(appliedAgain.isEmpty)
            #expect(try await store.migrator.status().isCurrent)
        }
    }

    @Test("sort keys stored before numbers sorted by value are rewritten by their migration, and only those", arguments: TestEngine.available)
    func naturalSortKeysMigration(engine: TestEngine) async throws {
        try await TestDatabase.withStore(engine) { store in
            let world = try await World.make(store)
            let admin = try await world.context(world.admin)
            for name in ["Odlew 10", "Odlew 2", "Łódź Tekstylia", "Odlew 1"] { try await world.company(name, by: world.admin) }
            let contact = try await store.contacts.create(admin, ContactFields(firstName: "Jan", lastName: "Kowalski 3")).record
            // Keys as they were stored before: the folded name, numbers as written.
            try await store.database.write { db in
                try await db.raw("UPDATE companies SET sort_key = 'odlew 10' WHERE name = 'Odlew 10'").run()
                try await db.raw("UPDATE companies SET sort_key = 'odlew 2' WHERE name = 'Odlew 2'").run()
                try await db.raw("UPDATE companies SET sort_key = 'odlew 1' WHERE name = 'Odlew 1'").run()
                try await db.raw("UPDATE contacts SET sort_key = 'kowalski 3 jan' WHERE id = \(bind: contact.meta.id)").run()
                try await db.raw("DELETE FROM schema_migrations WHERE number = 18").run()
            }
            #expect(
                try await store.companies.list(admin, ListQuery()).items.map(\.fields.name) == ["Łódź Tekstylia", "Odlew 1", "Odlew 10", "Odlew 2"]
            )
            #expect(try await store.migrator.migrate() == [18])
            #expect(
                try await store.companies.list(admin, ListQuery()).items.map(\.fields.name) == ["Łódź Tekstylia", "Odlew 1", "Odlew 2", "Odlew 10"]
            )
            let keys = try await store.database.read { db in
                try await db.raw("SELECT name, sort_key FROM companies").all().map { try $0.decode(column: "sort_key", as: String.self) }
                    + db.raw("SELECT sort_key FROM contacts").all().map { try $0.decode(column: "sort_key", as: String.self) }
            }
            #expect(Set(keys) == Set(["odlew 210", "odlew 12", "odlew 11", "lodz tekstylia", "kowalski 13 jan"]))
            // Every stored key is the key its record makes today.
            for company in try await store.companies.list(admin, ListQuery()).items { #expect(keys.contains(company.fields.sortKey)) }
            #expect(keys.contains(contact.fields.sortKey))
        }
    }

    @Test("a company is created, read back and listed in folded alphabetical order", arguments: TestEngine.available)
    func createAndList(engine: TestEngine) async throws {
        try await TestDatabase.withStore(engine) { store in
            let world = try await World.make(store)
            for name in ["Zakłady Mięsne", "Łódzka Spółdzielnia", "Lipowa sp. z o.o.", "Agro-Bud", "Müller GmbH"] {
                try await world.company(name, by: world.admin)
            }
            let admin = try await world.context(world.admin)
            let page = try await store.companies.list(admin, ListQuery())
            #expect(page.items.map(\.fields.name) == ["Agro-Bud", "Lipowa sp. z o.o.", "Łódzka Spółdzielnia", "Müller GmbH", "Zakłady Mięsne"])
            let first = try await store.companies.get(admin, page.items[0].meta.id)
            #expect(first == page.items[0])
            #expect(first.meta.version == 1)
        }
    }

    @Test("a stale version is refused and changes nothing", arguments: TestEngine.available)
    func staleVersion(engine: TestEngine) async throws {
        try await TestDatabase.withStore(engine) { store in
            let world = try await World.make(store)
            let admin = try await world.context(world.admin)
            let company = try await world.company("Kraków Steel", by: world.admin)
            var fields = company.fields
            fields.industry = "Steel"
            let updated = try await store.companies.update(admin, company.meta.id, expectedVersion: 1, fields)
            #expect(updated.meta.version == 2)
            fields.industry = "Mining"
            await #expect(throws: StoreError.versionMismatch(current: 2)) {
                try await store.companies.update(admin, company.meta.id, expectedVersion: 1, fields)
            }
            #expect(try await store.companies.get(admin, company.meta.id).fields.industry == "Steel")
        }
    }

    @Test("the audit trail keeps each changed field with old and new value", arguments: TestEngine.available)
    func auditTrail(engine: TestEngine) async throws {
        try await TestDatabase.withStore(engine) { store in
            let world = try await World.make(store)
            let context = try await world.context(world.rafal)
            let company = try await world.company("Gdańsk Shipyard", by: world.rafal)
            var fields = company.fields
            fields.priority = .a
            fields.name = "Stocznia Gdańsk"
            _ = try await store.companies.update(context, company.meta.id, expectedVersion: 1, fields)
            try await store.companies.delete(context, company.meta.id, expectedVersion: 2)
            let history = try await store.companies.history(context, company.meta.id).entries
            #expect(history.map(\.action) == [.delete, .update, .create])
            #expect(
                history[1].changes == [
                    FieldChange(field: "name", old: "Gdańsk Shipyard", new: "Stocznia Gdańsk"),
                    FieldChange(field: "priority", old: nil, new: "A"),
                ]
            )
            #expect(history.allSatisfy { $0.actorID == world.rafal.id })
            let newest = try await store.companies.history(context, company.meta.id, limit: 2)
            #expect(newest.entries.map(\.action) == [.delete, .update] && newest.next == newest.entries.last?.id)
            let oldest = try await store.companies.history(context, company.meta.id, limit: 2, before: newest.next)
            #expect(oldest.entries.map(\.action) == [.create] && oldest.next == nil)
        }
    }

    @Test("deleting moves a record to the bin and restoring brings it back", arguments: TestEngine.available)
    func softDelete(engine: TestEngine) async throws {
        try await TestDatabase.withStore(engine) { store in
            let world = try await World.make(store)
            let admin = try await world.context(world.admin)
            let company = try await world.company("Temporary", by: world.admin)
            try await store.companies.delete(admin, company.meta.id, expectedVersion: nil)
            await #expect(throws: StoreError.notFound(.company)) { try await store.companies.get(admin, company.meta.id) }
            #expect(try await store.companies.count(admin, ListQuery()) == 0)
            #expect(try await store.companies.count(admin, ListQuery(deleted: .only)) == 1)
            let restored = try await store.companies.restore(admin, company.meta.id)
            #expect(restored.meta.deletedAt == nil)
            #expect(try await store.companies.count(admin, ListQuery()) == 1)
        }
    }

    @Test(
        "names sort as a phone book does on both engines, whatever order the server's language gives: a surname before longer ones starting with it",
        arguments: TestEngine.available
    )
    func phoneBookOrder(engine: TestEngine) async throws {
        try await TestDatabase.withStore(engine) { store in
            let world = try await World.make(store)
            let admin = try await world.context(world.admin)
            // A language order that skips spaces and hyphens (a PostgreSQL server's usual default) would put
            // Kowalczyk first: "kowalczykadam" < "kowalzenon".
            for (first, last) in [
                ("Adam", "Kowalczyk"), ("Zenon", "Kowal"), ("Ewa", "Kowal-Nowak"), ("Jan", "Kowal"), ("Ola", "Kowal 2"), ("Iga", "Kowal 10"),
            ] {
                _ = try await store.contacts.create(admin, ContactFields(firstName: first, lastName: last))
            }
            let expected = ["Kowal 2 Ola", "Kowal 10 Iga", "Kowal Jan", "Kowal Zenon", "Kowal-Nowak Ewa", "Kowalczyk Adam"]
            let name = { (contact: RecordStore<ContactFields>.Item) in "\(contact.fields.lastName) \(contact.fields.firstName)" }
            #expect(try await store.contacts.list(admin, ListQuery()).items.map(name) == expected)
            var query = ListQuery(limit: 1)
            var paged: [String] = []
            repeat {
                let page = try await store.contacts.list(admin, query)
                paged += page.items.map(name)
                query.cursor = page.nextCursor
            } while query.cursor != nil
            #expect(paged == expected)
            #expect(try await store.contacts.search(admin, "kowal", limit: 10).map(name) == expected)
            #expect(try await store.contacts.search(admin, "kowal ", limit: 10).map(name).prefix(4) == expected.prefix(4))
        }
    }

    @Test("cursor pages walk every record exactly once in every sort order", arguments: TestEngine.available)
    func cursorPaging(engine: TestEngine) async throws {
        try await TestDatabase.withStore(engine) { store in
            let world = try await World.make(store)
            let admin = try await world.context(world.admin)
            for index in 0..<23 { try await world.company("Firma \(index % 5)", by: world.admin) }
            for sort in ["name", "-name", "created_at", "-updated_at"] {
                var query = ListQuery(sort: try Sort(parsing: sort), limit: 5)
                var seen: [Int64] = []
                repeat {
                    let page = try await store.companies.list(admin, query)
                    seen += page.items.map(\.meta.id)
                    query.cursor = page.nextCursor
                } while query.cursor != nil
                #expect(seen.count == 23 && Set(seen).count == 23, "sort \(sort)")
            }
        }
    }

    @Test("search ignores case and accents in Latin and Cyrillic and finds phones in any format", arguments: TestEngine.available)
    func search(engine: TestEngine) async throws {
        try await TestDatabase.withStore(engine) { store in
            let world = try await World.make(store)
            let admin = try await world.context(world.admin)
            try await world.company("Łódź Tekstylia", by: world.admin)
            try await world.company("Székesfehérvár Kft.", by: world.admin)
            try await world.company("Иванов и партнёры", by: world.admin)
            try await world.company("Пловдив ООД", by: world.admin)
            var phoned = CompanyFields(name: "Telefonia")
            phoned.phones = [LabeledPhone(number: try PhoneNumber("22 123 45 67"))]
            _ = try await store.companies.create(admin, phoned)
            func names(_ text: String) async throws -> [String] {
                try await store.companies.list(admin, ListQuery(search: text)).items.map(\.fields.name)
            }
            #expect(try await names("lodz") == ["Łódź Tekstylia"])
            #expect(try await names("SZEKESFEHERVAR") == ["Székesfehérvár Kft."])
            #expect(try await names("иванов") == ["Иванов и партнёры"])
            #expect(try await names("партнеры") == ["Иванов и партнёры"])
            #expect(try await names("пловдив") == ["Пловдив ООД"])
            #expect(try await names("+48 22 123-45-67") == ["Telefonia"])
            #expect(try await names("100%") == [])
        }
    }

    @Test("an Idempotency-Key replays the first create instead of creating twice", arguments: TestEngine.available)
    func idempotency(engine: TestEngine) async throws {
        try await TestDatabase.withStore(engine) { store in
            let world = try await World.make(store)
            let admin = try await world.context(world.admin)
            let key = IdempotencyKey(user: world.admin.id, key: "k1", requestHash: "h1")
            let first = try await store.companies.create(admin, CompanyFields(name: "Once"), idempotency: key)
            let second = try await store.companies.create(admin, CompanyFields(name: "Once"), idempotency: key)
            #expect(!first.replayed && second.replayed)
            #expect(first.record.meta.id == second.record.meta.id)
            #expect(try await store.companies.count(admin, ListQuery()) == 1)
            await #expect(throws: StoreError.self) {
                try await store.companies.create(
                    admin,
                    CompanyFields(name: "Other"),
                    idempotency: IdempotencyKey(user: world.admin.id, key: "k1", requestHash: "h2")
                )
            }
        }
    }

    @Test("invalid fields are refused with every error and nothing is written", arguments: TestEngine.available)
    func validation(engine: TestEngine) async throws {
        try await TestDatabase.withStore(engine) { store in
            let world = try await World.make(store)
            let admin = try await world.context(world.admin)
            do {
                _ = try await store.companies.create(admin, CompanyFields(name: "  ", website: "not a site"))
                Issue.record("expected a validation error")
            } catch StoreError.invalid(let errors) {
                #expect(errors.errors.compactMap(\.field).sorted() == ["name", "website"])
            }
            #expect(try await store.companies.count(admin, ListQuery(deleted: .include)) == 0)
        }
    }
}
