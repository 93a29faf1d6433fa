import CRMCore
import CRMStore
import CRMTestSupport
import Foundation
import Testing

/// The bulk path (imports, generated datasets) sends each statement's rows as one JSON parameter; what the
/// database stores must be what a single create stores, whatever the text holds.
@Suite("Bulk writes on every engine")
struct BulkWriteTests {
    @Test(
        "records written in bulk read back exactly: quotes, backslashes, controls, every script, empty and nil values, custom values of each kind",
        arguments: TestEngine.available
    )
    func roundTrip(engine: TestEngine) async throws {
        try await TestDatabase.withStore(engine) { store in
            let world = try await World.make(store)
            let admin = try await world.context(world.admin)
            for (key, kind) in [("note", FieldKind.text), ("head_count", .number), ("vip", .yesNo), ("since", .date)] {
                _ = try await store.fields.create(admin, FieldDefinition(recordType: .company, key: key, label: key, kind: kind))
            }
            let awkward = [
                #"O'Brien "Bob" & Sons"#, #"C:\dane\firma \\ spółka"#, "Linia 1\nLinia 2\tTab", "Łódź Wiśniewski Żółć", "Иванов и Ко",
                "Székesfehérvár Kft", "Пловдив ЕООД", "🚀 Rakieta", "\u{1}\u{1F}kontrolne",
            ]
            var companies = try awkward.enumerated().map { index, name in
                CompanyFields(
                    name: name,
                    legalName: index.isMultiple(of: 2) ? "" : name,
                    taxID: "PL\(1_000_000_000 + index)",
                    size: index.isMultiple(of: 3) ? nil : .small,
                    priority: index.isMultiple(of: 2) ? .a : nil,
                    addresses: [PostalAddress(label: "office", street: name, city: "Łódź")],
                    emails: [LabeledEmail(address: try EmailAddress("biuro\(index)@firma.pl"))],
                    tags: [name, "vip"],
                    custom: [
                        "note": .text(name), "head_count": .number(Decimal(string: "-12.5")! + Decimal(index)),
                        "vip": .yesNo(index.isMultiple(of: 2)),
                        "since": .date(try CalendarDate(year: 2020, month: 2, day: 29)),
                    ]
                )
            }
            companies.append(CompanyFields(name: "Pusta"))
            let ids = try await store.companies.importMany(admin, companies)
            #expect(ids.count == companies.count && Set(ids).count == ids.count)
            for (id, fields) in zip(ids, companies) {
                let stored = try await store.companies.get(admin, id)
                let expected = try fields.validated()
                #expect(stored.fields == expected, "\(fields.name)")
                let created = try #require(try await store.companies.history(admin, id).entries.first)
                #expect(created.action == .create && created.changes.contains(FieldChange(field: "name", old: nil, new: expected.name)))
            }
            // The full-text and custom-value indexes were written with the rows.
            var query = ListQuery()
            query.search = "rakieta"
            #expect(try await store.companies.list(admin, query).items.map(\.meta.id) == [ids[7]])
            query = ListQuery()
            query.custom = [CustomFilter(key: "vip", match: .equals(.yesNo(true)))]
            #expect(try await store.companies.list(admin, query).items.count == 5)
        }
    }

    @Test(
        "more records than one statement holds are written part by part, in order, each with its contact points, search text and create entry",
        arguments: TestEngine.available
    )
    func manyParts(engine: TestEngine) async throws {
        try await TestDatabase.withStore(engine) { store in
            let world = try await World.make(store)
            let admin = try await world.context(world.admin)
            let count = 12_345
            let contacts = try (0..<count).map { index in
                ContactFields(
                    firstName: "Łucja",
                    lastName: "Wójcik-\(index)",
                    phones: [LabeledPhone(number: try PhoneNumber("+48 500 \(100_000 + index)"))],
                    emails: [LabeledEmail(address: try EmailAddress("lucja.\(index)@example.pl"))]
                )
            }
            let ids = try await store.contacts.importMany(admin, contacts)
            #expect(ids.count == count && ids == ids.sorted() && Set(ids).count == count)
            #expect(try await store.contacts.count(admin, ListQuery()) == count)
            // A record from each part, and the last: its row, its contact points, its search text and its history.
            for index in [0, 4_999, 5_000, 9_999, 10_000, count - 1] {
                let stored = try await store.contacts.get(admin, ids[index])
                #expect(stored.fields.lastName == "Wójcik-\(index)")
                #expect(
                    try await store.contacts.duplicates(admin, of: ContactFields(lastName: "Inna", emails: contacts[index].emails)).map(\.meta.id)
                        == [ids[index]]
                )
                #expect(
                    try await store.contacts.duplicates(admin, of: ContactFields(lastName: "Inna", phones: contacts[index].phones)).map(\.meta.id)
                        == [ids[index]]
                )
                var query = ListQuery()
                query.search = "lucja.\(index)@"
                #expect(try await store.contacts.list(admin, query).items.map(\.meta.id) == [ids[index]])
                let history = try await store.contacts.history(admin, ids[index]).entries
                #expect(history.count == 1 && history[0].action == .create)
                #expect(history[0].changes.contains(FieldChange(field: "last_name", old: nil, new: "Wójcik-\(index)")))
            }
        }
    }
}
