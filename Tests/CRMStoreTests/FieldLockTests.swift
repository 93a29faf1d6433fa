import CRMCore
@testable import CRMStore
import CRMTestSupport
import Foundation
import Testing

/// An admin's change to a field and a record written meanwhile, on both engines: PostgreSQL runs them side by side,
/// SQLite one after the other; neither may leave a record holding an option its field no longer has.
@Suite("Custom fields under concurrent writes")
struct FieldLockTests {
    @Test("an option renamed while a record holding it is being written ends renamed in that record too", arguments: TestEngine.available)
    func renameDuringWrite(engine: TestEngine) async throws {
        try await TestDatabase.withStore(engine) { store in
            let world = try await World.make(store)
            let admin = try await world.context(world.admin), rafal = try await world.context(world.rafal)
            let tier = try await store.fields.create(admin, FieldDefinition(recordType: .company, key: "tier", label: "Poziom", kind: .choice, options: ["Złoty", "Srebrny"]))
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
}
