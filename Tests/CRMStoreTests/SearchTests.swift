import CRMCore
import CRMStore
import CRMTestSupport
import Foundation
import Testing

/// The search box on both engines: the same words give the same records on SQLite (trigram FTS5) and
/// PostgreSQL (pg_trgm), in the five languages our users write.
@Suite("Search on every engine")
struct SearchTests {
    /// People and companies of each language, some with the letters search must see through.
    struct Names {
        let world: World
        let wisniewski: Contact, ivanov: Contact, yolkina: Contact, georgieva: Contact, kovacs: Contact, obrien: Contact

        static func make(_ store: Store) async throws -> Names {
            let world = try await World.make(store)
            let admin = try await world.context(world.admin)
            func contact(
                _ first: String,
                _ middle: String = "",
                last: String,
                phone: String? = nil,
                email: String? = nil,
                by context: AccessContext
            ) async throws -> Contact {
                var fields = ContactFields(firstName: first, middleName: middle, lastName: last)
                if let phone { fields.phones = [LabeledPhone(number: try PhoneNumber(phone))] }
                if let email { fields.emails = [LabeledEmail(address: try EmailAddress(email))] }
                return try await store.contacts.create(context, fields).record
            }
            for name in [
                "Łódź Tekstylia sp. z o.o.", "Székesfehérvári Sütöde Kft.", "Иванов и партнёры", "Пловдивска мебел ООД", "Harbour & Sons Ltd",
                "Wiśniewski Transport",
            ] {
                try await world.company(name, by: world.admin)
            }
            let (pipeline, _) = try await world.salesPipeline()
            try await world.deal("Wdrożenie CRM — Łódź", by: world.admin, in: pipeline)
            try await world.deal("Поставка оборудования", by: world.admin, in: pipeline)
            return Names(
                world: world,
                wisniewski: try await contact(
                    "Łukasz",
                    last: "Wiśniewski",
                    phone: "+48 22 123 45 67",
                    email: "lukasz.wisniewski@example.pl",
                    by: admin
                ),
                ivanov: try await contact("Иван", "Петрович", last: "Иванов", phone: "+7 495 123-45-67", by: admin),
                yolkina: try await contact("Ольга", last: "Ёлкина", by: admin),
                georgieva: try await contact("Десислава", last: "Георгиева", phone: "+359 2 987 6543", by: admin),
                kovacs: try await contact("Zsófia", last: "Kovács", email: "zsofia.kovacs@example.hu", by: admin),
                obrien: try await contact("Amelia", last: "O'Brien", by: try await world.context(world.sergei))
            )
        }
    }

    static func found(_ store: Store, _ context: AccessContext, _ text: String) async throws -> [String] {
        let results = try await store.search(context, text, limit: 20)
        return results.companies.map(\.fields.name) + results.contacts.map(\.fields.displayName) + results.deals.map(\.fields.title)
    }

    @Test("names in all five languages are found without case, accents or Polish ł, and by the first letters typed", arguments: TestEngine.available)
    func languages(engine: TestEngine) async throws {
        try await TestDatabase.withStore(engine) { store in
            let names = try await Names.make(store)
            let admin = try await names.world.context(names.world.admin)
            func found(_ text: String) async throws -> [String] { try await Self.found(store, admin, text) }
            #expect(try await found("lodz") == ["Łódź Tekstylia sp. z o.o.", "Wdrożenie CRM — Łódź"])
            #expect(try await found("ŁÓDŹ") == ["Łódź Tekstylia sp. z o.o.", "Wdrożenie CRM — Łódź"])
            #expect(try await found("szekesfehervari") == ["Székesfehérvári Sütöde Kft."])
            #expect(try await found("sutode") == ["Székesfehérvári Sütöde Kft."])
            #expect(try await found("иванов") == ["Иванов и партнёры", "Иван Петрович Иванов"])
            #expect(try await found("ИВАНОВ ПЕТРОВИЧ") == ["Иван Петрович Иванов"])
            #expect(try await found("партнеры") == ["Иванов и партнёры"])
            #expect(try await found("елкина") == ["Ольга Ёлкина"])
            #expect(try await found("георгиева") == ["Десислава Георгиева"])
            #expect(try await found("мебел") == ["Пловдивска мебел ООД"])
            #expect(try await found("kovacs") == ["Zsófia Kovács"])
            #expect(try await found("o'brien") == ["Amelia O'Brien"])
            #expect(try await found("harbour sons") == ["Harbour & Sons Ltd"])
            #expect(try await found("поставка") == ["Поставка оборудования"])
            // As you type: a prefix finds, and a name starting with the first word comes before one containing it.
            #expect(try await found("wiś") == ["Wiśniewski Transport", "Łukasz Wiśniewski"])
            #expect(try await found("wisn") == ["Wiśniewski Transport", "Łukasz Wiśniewski"])
            #expect(try await found("łuk") == ["Łukasz Wiśniewski"])
            #expect(try await found("ив") == ["Иванов и партнёры", "Пловдивска мебел ООД", "Иван Петрович Иванов"])
            #expect(try await found("zsofia.kovacs@example") == ["Zsófia Kovács"])
            #expect(try await found("nobody here") == [])
        }
    }

    @Test("phone numbers are found however they are written", arguments: TestEngine.available)
    func phones(engine: TestEngine) async throws {
        try await TestDatabase.withStore(engine) { store in
            let names = try await Names.make(store)
            let admin = try await names.world.context(names.world.admin)
            for written in ["+48 22 123 45 67", "+48221234567", "(022) 123-45-67", "22 123 45 67", "0048 22 123 4567"] {
                #expect(try await Self.found(store, admin, written) == ["Łukasz Wiśniewski"], "\(written)")
            }
            #expect(try await Self.found(store, admin, "8 (495) 123-45-67") == ["Иван Петрович Иванов"], "Russia's trunk prefix 8")
            #expect(try await Self.found(store, admin, "495 123 45 67") == ["Иван Петрович Иванов"])
            #expect(try await Self.found(store, admin, "02 987 6543") == ["Десислава Георгиева"])
        }
    }

    @Test("the index follows every change, wildcards are literal, and the permission layer filters", arguments: TestEngine.available)
    func changesAndAccess(engine: TestEngine) async throws {
        try await TestDatabase.withStore(engine) { store in
            let names = try await Names.make(store)
            let world = names.world
            let admin = try await world.context(world.admin)
            var fields = names.kovacs.fields
            fields.lastName = "Szabó"
            fields.emails = []
            _ = try await store.contacts.update(admin, names.kovacs.meta.id, expectedVersion: names.kovacs.meta.version, fields)
            #expect(try await Self.found(store, admin, "kovacs") == [])
            #expect(try await Self.found(store, admin, "szabo") == ["Zsófia Szabó"])
            try await store.contacts.delete(admin, names.yolkina.meta.id, expectedVersion: nil)
            #expect(try await Self.found(store, admin, "елкина") == [])
            #expect(try await store.contacts.list(admin, ListQuery(search: "елкина", deleted: .only)).items.count == 1)
            // LIKE's wildcards in the text are plain characters.
            #expect(try await Self.found(store, admin, "100%") == [])
            #expect(try await Self.found(store, admin, "o_brien") == [])
            // Sergei's contact is his team's; Rafał of the other team does not find it, Sergei and the admin do.
            #expect(try await Self.found(store, try await world.context(world.rafal), "brien") == [])
            #expect(try await Self.found(store, try await world.context(world.sergei), "brien") == ["Amelia O'Brien"])
            #expect(try await Self.found(store, admin, "brien") == ["Amelia O'Brien"])
            // List search and count agree with the search box.
            #expect(try await store.contacts.count(admin, ListQuery(search: "иван")) == 1)
        }
    }

    @Test(
        "names with numbers list by the numbers' value, in lists and in the search box, typed with or without them",
        arguments: TestEngine.available
    )
    func numbers(engine: TestEngine) async throws {
        try await TestDatabase.withStore(engine) { store in
            let world = try await World.make(store)
            let admin = try await world.context(world.admin)
            for name in [
                "Odlew 10", "Odlew 2", "Odlewnia Śląska", "Odlew 1", "100 Pizzas", "Odlew 100", "2 Brothers", "Kontor 100", "B2B Partner",
                "Apteka 24", "Odlew 007",
            ] {
                try await world.company(name, by: world.admin)
            }
            let byName = try await store.companies.list(admin, ListQuery())
            #expect(
                byName.items.map(\.fields.name) == [
                    "2 Brothers", "100 Pizzas", "Apteka 24", "B2B Partner", "Kontor 100", "Odlew 1", "Odlew 2", "Odlew 007", "Odlew 10", "Odlew 100",
                    "Odlewnia Śląska",
                ]
            )
            func found(_ text: String) async throws -> [String] { try await store.search(admin, text, limit: 20).companies.map(\.fields.name) }
            #expect(try await found("odlew") == ["Odlew 1", "Odlew 2", "Odlew 007", "Odlew 10", "Odlew 100", "Odlewnia Śląska"])
            #expect(try await found("odlew 1") == ["Odlew 1", "Odlew 10", "Odlew 100"])
            // A first word ending in digits: names starting with it first, by value, then the rest that hold it.
            #expect(try await found("10") == ["100 Pizzas", "Kontor 100", "Odlew 10", "Odlew 100"])
            #expect(try await found("2") == ["2 Brothers", "Apteka 24", "B2B Partner", "Odlew 2"])
            #expect(try await found("b2") == ["B2B Partner"])
            #expect(try await found("b2b") == ["B2B Partner"])
            #expect(try await found("00") == ["100 Pizzas", "Kontor 100", "Odlew 007", "Odlew 100"])
        }
    }

    @Test("a common search pages in name order, counts every match, and gives the same page on both engines", arguments: TestEngine.available)
    func commonSearch(engine: TestEngine) async throws {
        try await TestDatabase.withStore(engine) { store in
            let world = try await World.make(store)
            let admin = try await world.context(world.admin)
            // More matches than the store ranks one by one (1,000), so the page comes from walking names in order.
            let people = (0..<1_050).map { ContactFields(firstName: "Jan", lastName: "Kowalski \(String(format: "%04d", 1_049 - $0))") }
            _ = try await store.contacts.importMany(admin, people)
            _ = try await store.contacts.create(admin, ContactFields(firstName: "Anna", lastName: "Kowalczyk"))
            let page = try await store.contacts.list(admin, ListQuery(search: "kowal", limit: 50))
            #expect(page.items.map(\.fields.lastName) == ["Kowalczyk"] + (0..<49).map { "Kowalski \(String(format: "%04d", $0))" })
            #expect(try await store.contacts.count(admin, ListQuery(search: "kowal")) == 1_051)
            let next = try await store.contacts.list(admin, ListQuery(search: "kowal", limit: 50, cursor: page.nextCursor))
            #expect(next.items.first?.fields.lastName == "Kowalski 0049")
            #expect(
                try await store.search(admin, "kowal", limit: 3).contacts.map(\.fields.lastName) == ["Kowalczyk", "Kowalski 0000", "Kowalski 0001"]
            )
            // A rare search among them is still ranked: a name starting with the word first.
            #expect(try await store.search(admin, "anna", limit: 3).contacts.map(\.fields.lastName) == ["Kowalczyk"])
        }
    }

    @Test(
        "the search box orders the oldest matches inside names when there are more than it ranks, the same on both engines",
        arguments: TestEngine.available
    )
    func boxCandidates(engine: TestEngine) async throws {
        try await TestDatabase.withStore(engine) { store in
            let world = try await World.make(store)
            let admin = try await world.context(world.admin)
            // Made newest-named first, so the oldest matches are the last by name.
            let surnames = ["Petrová", "Novotná", "Svobodová", "Dvořáková", "Černá", "Procházková", "Kučerová", "Veselá"]
            for surname in surnames { _ = try await store.contacts.create(admin, ContactFields(firstName: "Jana", lastName: surname)) }
            _ = try await store.contacts.create(admin, ContactFields(firstName: "Ova", lastName: "Zelená"))
            let ova = { (candidates: Int) in
                try await store.contacts.search(admin, "ová", limit: 3, candidates: candidates).map(\.fields.lastName)
            }
            // All matches ranked: the given name starting with the word, then by name.
            #expect(try await ova(100) == ["Zelená", "Dvořáková", "Kučerová"])
            // Only the three oldest matches (Petrová, Svobodová, Dvořáková) are ordered; Zelená is newer than them.
            #expect(try await ova(3) == ["Dvořáková", "Petrová", "Svobodová"])
            // Names that start with the word come from the whole table, whatever the cap.
            #expect(try await store.contacts.search(admin, "kuč", limit: 3, candidates: 1).map(\.fields.lastName) == ["Kučerová"])
            // A restricted rep's candidates are those they may see, not the oldest of everyone's.
            let rafal = try await world.context(world.rafal)
            _ = try await store.contacts.create(rafal, ContactFields(firstName: "Eva", lastName: "Horáková"))
            #expect(try await store.contacts.search(rafal, "ová", limit: 3, candidates: 1).map(\.fields.lastName) == ["Horáková"])
        }
    }
}
