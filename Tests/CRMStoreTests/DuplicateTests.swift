import CRMCore
import CRMStore
import CRMTestSupport
import Testing

/// Likely duplicates on both engines: the same e-mail, phone or tax id, or the same name in another spelling
/// or script, among the records the caller may see.
@Suite("Duplicates on every engine")
struct DuplicateTests {
    @Test("a stored sort key gives the same name key as the name, so candidates can be judged by it alone")
    func sortKeysKeepNames() {
        let contacts = [
            ContactFields(firstName: "Łukasz", middleName: "Jan", lastName: "Wiśniewski"),
            ContactFields(firstName: "Иван", middleName: "Петрович", lastName: "Иванов"),
            ContactFields(firstName: "Erzsébet", lastName: "Kovács"), ContactFields(lastName: "Recepcja"),
        ]
        for contact in contacts { #expect(NameKey.of(sortKey: contact.sortKey) == contact.duplicateName.map { NameKey.of($0) }) }
        for name in [
            "Łódź Tekstylia sp. z o.o.", "ООО «Ромашка»", "Filia 2 — Székesfehérvár Kft.", "Filia 007 — Budapest 1234567890", "Бачо Киро ЕООД",
        ] {
            #expect(NameKey.of(sortKey: CompanyFields(name: name).sortKey) == CompanyFields(name: name).duplicateName.map { NameKey.of($0) })
        }
        let leads = [LeadFields(firstName: "Ágnes", lastName: "Tóth"), LeadFields(firstName: "Ольга"), LeadFields(companyName: "Żółć S.A.")]
        for lead in leads { #expect(NameKey.of(sortKey: lead.sortKey) == lead.duplicateName.map { NameKey.of($0) }) }
    }

    @Test("a contact is recognised by e-mail, phone, or its name in another spelling or script", arguments: TestEngine.available)
    func contacts(engine: TestEngine) async throws {
        try await TestDatabase.withStore(engine) { store in
            let world = try await World.make(store)
            let admin = try await world.context(world.admin)
            var lukasz = ContactFields(firstName: "Łukasz", lastName: "Wiśniewski")
            lukasz.emails = [LabeledEmail(address: try EmailAddress("lukasz@example.pl"))]
            lukasz.phones = [LabeledPhone(number: try PhoneNumber("+48 22 123 45 67"))]
            let first = try await store.contacts.create(admin, lukasz).record
            let ivanov = try await store.contacts.create(admin, ContactFields(firstName: "Иван", middleName: "Петрович", lastName: "Иванов")).record
            _ = try await store.contacts.create(admin, ContactFields(firstName: "Janina", lastName: "Kowalska"))

            func similar(_ fields: ContactFields) async throws -> [Int64] {
                try await store.contacts.duplicates(admin, of: fields).map(\.meta.id)
            }
            #expect(try await similar(ContactFields(firstName: "Lukasz", lastName: "Wisniewski")) == [first.meta.id])
            #expect(try await similar(ContactFields(firstName: "WIŚNIEWSKI", lastName: "Łukasz")) == [first.meta.id])
            var byEmail = ContactFields(firstName: "Ł.", lastName: "W.")
            byEmail.emails = [LabeledEmail(address: try EmailAddress("LUKASZ@example.pl"))]
            #expect(try await similar(byEmail) == [first.meta.id])
            var byPhone = ContactFields(lastName: "Recepcja")
            byPhone.phones = [LabeledPhone(number: try PhoneNumber("(022) 123-45-67"))]
            #expect(try await similar(byPhone) == [first.meta.id])
            #expect(try await similar(ContactFields(firstName: "Ivan", middleName: "Petrovich", lastName: "Ivanov")) == [ivanov.meta.id])
            #expect(try await similar(ContactFields(firstName: "Jan", lastName: "Kowalski")).isEmpty)
            #expect(try await store.contacts.duplicates(admin, of: first.fields, excluding: first.meta.id).isEmpty)

            // A create that asks is refused with the candidates, and nothing is written; insisting creates it.
            let before = try await store.contacts.count(admin, ListQuery())
            await #expect(throws: StoreError.possibleDuplicates(.contact, [ivanov.meta.id])) {
                _ = try await store.contacts.create(
                    admin,
                    ContactFields(firstName: "Ivan", middleName: "Petrovich", lastName: "Ivanov"),
                    refusingDuplicates: true
                )
            }
            #expect(try await store.contacts.count(admin, ListQuery()) == before)
            _ = try await store.contacts.create(
                admin,
                ContactFields(firstName: "Ivan", middleName: "Petrovich", lastName: "Ivanov"),
                refusingDuplicates: false
            )
            #expect(try await store.contacts.count(admin, ListQuery()) == before + 1)
            // And the Latin spelling now finds the Cyrillic one in search too.
            #expect(try await store.contacts.list(admin, ListQuery(search: "ivanov")).items.count == 2)
        }
    }

    @Test("a company is recognised by tax id or by its name without the legal form; others' records are not offered", arguments: TestEngine.available)
    func companies(engine: TestEngine) async throws {
        try await TestDatabase.withStore(engine) { store in
            let world = try await World.make(store)
            let sergei = try await world.context(world.sergei)
            let rafal = try await world.context(world.rafal)
            var textiles = CompanyFields(name: "Łódź Tekstylia sp. z o.o.")
            textiles.taxID = "7251234567"
            let south = try await store.companies.create(sergei, textiles).record
            #expect(try await store.companies.duplicates(sergei, of: CompanyFields(name: "Lodz Tekstylia")).map(\.meta.id) == [south.meta.id])
            var sameTax = CompanyFields(name: "Zupełnie inna nazwa")
            sameTax.taxID = "7251234567"
            #expect(try await store.companies.duplicates(sergei, of: sameTax).map(\.meta.id) == [south.meta.id])
            #expect(try await store.companies.duplicates(sergei, of: CompanyFields(name: "Łódź Tekstylia 2")).isEmpty)
            // Rafał (the other team) cannot see Sergei's company, so it is neither offered nor does it stop him.
            #expect(try await store.companies.duplicates(rafal, of: CompanyFields(name: "Lodz Tekstylia")).isEmpty)
            _ = try await store.companies.create(rafal, CompanyFields(name: "Lodz Tekstylia"), refusingDuplicates: true)
        }
    }
}
