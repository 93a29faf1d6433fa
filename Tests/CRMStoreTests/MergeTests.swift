import CRMCore
import CRMStore
import CRMTestSupport
import SQLKit
import Testing

/// Merging two customer records and undoing it, on both engines.
@Suite("Merges on every engine")
struct MergeTests {
    @Test(
        "merging contacts keeps chosen fields and both lists, moves activities and deal roles, and undo puts everything back",
        arguments: TestEngine.available
    )
    func contacts(engine: TestEngine) async throws {
        try await TestDatabase.withStore(engine) { store in
            let world = try await World.make(store)
            let admin = try await world.context(world.admin)
            var cyrillic = ContactFields(firstName: "Алексей", lastName: "Смирнов", jobTitle: "Директор")
            cyrillic.phones = [LabeledPhone(number: try PhoneNumber("+7 495 123 45 67"))]
            var latin = ContactFields(firstName: "Aleksei", lastName: "Smirnov", jobTitle: "CEO")
            latin.emails = [LabeledEmail(address: try EmailAddress("a.smirnov@example.com"))]
            latin.tags = ["vip"]
            let survivor = try await store.contacts.create(admin, cyrillic).record
            let merged = try await store.contacts.create(admin, latin).record
            let call = try await store.activities.create(admin, ActivityFields(kind: .call, subject: "Звонок", contactID: ContactID(merged.meta.id)))
                .record
            let (pipeline, _) = try await world.salesPipeline()
            let shared = try await world.deal("Поставка", by: world.admin, in: pipeline)
            let own = try await world.deal("Wdrożenie", by: world.admin, in: pipeline)
            _ = try await store.funnel.setContacts(
                admin,
                deal: shared.meta.id,
                [(ContactID(survivor.meta.id), "buyer"), (ContactID(merged.meta.id), "user")]
            )
            _ = try await store.funnel.setContacts(admin, deal: own.meta.id, [(ContactID(merged.meta.id), "decision maker")])

            let (result, merge) = try await store.contacts.merge(
                admin,
                survivor: survivor.meta.id,
                survivorVersion: survivor.meta.version,
                merged: merged.meta.id,
                mergedVersion: merged.meta.version,
                taking: ["job_title"]
            )
            #expect(result.fields.firstName == "Алексей" && result.fields.jobTitle == "CEO")
            #expect(
                result.fields.phones.count == 1 && result.fields.emails.map(\.address.value) == ["a.smirnov@example.com"]
                    && result.fields.tags == ["vip"]
            )
            #expect(try await store.activities.get(admin, call.meta.id).fields.contactID == ContactID(survivor.meta.id))
            #expect(try await store.funnel.contacts(admin, deal: own.meta.id).map { ContactID($0.contact.meta.id) } == [ContactID(survivor.meta.id)])
            #expect(
                try await store.funnel.contacts(admin, deal: shared.meta.id).map { ContactID($0.contact.meta.id) } == [ContactID(survivor.meta.id)]
            )
            await #expect(throws: StoreError.notFound(.contact)) { _ = try await store.contacts.get(admin, merged.meta.id) }
            #expect(try await store.contacts.list(admin, ListQuery(search: "a.smirnov@example")).items.map(\.meta.id) == [survivor.meta.id])
            #expect(try await store.contacts.merges(admin, into: survivor.meta.id).map(\.id) == [merge.id])
            let history = try await store.contacts.history(admin, survivor.meta.id).entries
            #expect(
                history.contains { $0.action == .merge && $0.recordID == merged.meta.id }
                    && history.contains { $0.action == .create && $0.recordID == merged.meta.id }
            )
            // Paged two at a time, the history of both records comes out whole, newest first, each entry once.
            var paged: [AuditEntry] = []
            var before: Int64?
            repeat {
                let page = try await store.contacts.history(admin, survivor.meta.id, limit: 2, before: before)
                paged += page.entries
                before = page.next
            } while before != nil
            #expect(paged == history && history.count > 2)

            let (restoredSurvivor, restored) = try await store.contacts.undoMerge(admin, merge.id)
            #expect(restoredSurvivor.fields == survivor.fields && restored.fields == merged.fields && restored.meta.deletedAt == nil)
            #expect(try await store.activities.get(admin, call.meta.id).fields.contactID == ContactID(merged.meta.id))
            #expect(try await store.funnel.contacts(admin, deal: own.meta.id).map { ContactID($0.contact.meta.id) } == [ContactID(merged.meta.id)])
            #expect(
                Set(try await store.funnel.contacts(admin, deal: shared.meta.id).map { ContactID($0.contact.meta.id) }) == [
                    ContactID(survivor.meta.id), ContactID(merged.meta.id),
                ]
            )
            #expect(try await store.contacts.merges(admin, into: survivor.meta.id).isEmpty)
            await #expect(throws: StoreError.notFound(nil)) { _ = try await store.contacts.undoMerge(admin, merge.id) }
        }
    }

    @Test(
        "a merge needs the versions the user compared, two visible records and known fields; undo refuses after an edit",
        arguments: TestEngine.available
    )
    func refusals(engine: TestEngine) async throws {
        try await TestDatabase.withStore(engine) { store in
            let world = try await World.make(store)
            let sergei = try await world.context(world.sergei)
            let rafal = try await world.context(world.rafal)
            let a = try await world.company("Łódź Tekstylia", by: world.rafal)
            let b = try await world.company("Lodz Tekstylia", by: world.rafal)
            let hidden = try await store.companies.create(sergei, CompanyFields(name: "Łódź Tekstylia Południe")).record
            let contact = try await store.contacts.create(rafal, ContactFields(lastName: "Nowak", companyID: CompanyID(b.meta.id))).record
            await #expect(throws: StoreError.versionMismatch(current: 1)) {
                _ = try await store.companies.merge(rafal, survivor: a.meta.id, survivorVersion: 7, merged: b.meta.id, mergedVersion: 1, taking: [])
            }
            await #expect(throws: StoreError.notFound(.company)) {
                _ = try await store.companies.merge(
                    rafal,
                    survivor: a.meta.id,
                    survivorVersion: 1,
                    merged: hidden.meta.id,
                    mergedVersion: 1,
                    taking: []
                )
            }
            await #expect(throws: StoreError.self) {
                _ = try await store.companies.merge(rafal, survivor: a.meta.id, survivorVersion: 1, merged: a.meta.id, mergedVersion: 1, taking: [])
            }
            await #expect(throws: StoreError.self) {
                _ = try await store.companies.merge(
                    rafal,
                    survivor: a.meta.id,
                    survivorVersion: 1,
                    merged: b.meta.id,
                    mergedVersion: 1,
                    taking: ["owner_id"]
                )
            }
            let (survivor, merge) = try await store.companies.merge(
                rafal,
                survivor: a.meta.id,
                survivorVersion: 1,
                merged: b.meta.id,
                mergedVersion: 1,
                taking: ["name"]
            )
            #expect(survivor.fields.name == "Lodz Tekstylia")
            #expect(try await store.contacts.get(rafal, contact.meta.id).fields.companyID == CompanyID(a.meta.id))
            var edited = survivor.fields
            edited.industry = "Textiles"
            _ = try await store.companies.update(rafal, a.meta.id, expectedVersion: survivor.meta.version, edited)
            await #expect(
                throws: StoreError.conflict(
                    code: "changed_since_merge",
                    message: "the record was changed after the merge; undoing would lose that change"
                )
            ) {
                _ = try await store.companies.undoMerge(rafal, merge.id)
            }
        }
    }

    @Test(
        "custom values survive a merge (the other's fill gaps) and its undo; leads merge too; merges saved before custom fields still undo",
        arguments: TestEngine.available
    )
    func customValuesAndLeads(engine: TestEngine) async throws {
        try await TestDatabase.withStore(engine) { store in
            let world = try await World.make(store)
            let admin = try await world.context(world.admin)
            _ = try await store.fields.create(admin, FieldDefinition(recordType: .company, key: "contract_end", label: "Contract end", kind: .date))
            _ = try await store.fields.create(
                admin,
                FieldDefinition(recordType: .company, key: "tier", label: "Tier", kind: .choice, options: ["Gold", "Silver"])
            )
            let end = CustomValue.date(try CalendarDate(parsing: "2027-06-30"))
            let a = try await store.companies.create(admin, CompanyFields(name: "Łódź Metal", custom: ["contract_end": end])).record
            let b = try await store.companies.create(
                admin,
                CompanyFields(name: "Lodz Metal", custom: ["contract_end": .date(try CalendarDate(parsing: "2026-01-01")), "tier": .choice("Gold")]),
                refusingDuplicates: false
            ).record
            let (merged, merge) = try await store.companies.merge(
                admin,
                survivor: a.meta.id,
                survivorVersion: a.meta.version,
                merged: b.meta.id,
                mergedVersion: b.meta.version,
                taking: []
            )
            #expect(merged.fields.custom == ["contract_end": end, "tier": .choice("Gold")])
            let (restored, _) = try await store.companies.undoMerge(admin, merge.id)
            #expect(restored.fields.custom == ["contract_end": end])

            var first = LeadFields(firstName: "Zsófia", lastName: "Kovács", source: "web form", behaviours: [.formFilled], notes: "Kérek ajánlatot")
            first.emails = [LabeledEmail(address: try EmailAddress("zsofia@example.hu"))]
            let one = try await store.leads.create(admin, first).record
            let two = try await store.leads.create(
                admin,
                LeadFields(lastName: "Kovacs", companyName: "Győr Kft", behaviours: [.emailAnswered], notes: "Hívjon vissza"),
                refusingDuplicates: false
            ).record
            let (lead, _) = try await store.leads.merge(
                admin,
                survivor: one.meta.id,
                survivorVersion: one.meta.version,
                merged: two.meta.id,
                mergedVersion: two.meta.version,
                taking: ["company_name"]
            )
            #expect(lead.fields.companyName == "Győr Kft" && lead.fields.behaviours == [.formFilled, .emailAnswered])
            #expect(lead.fields.notes == "Kérek ajánlatot\n\nHívjon vissza" && lead.fields.emails == first.emails)

            // A merge saved before custom fields existed kept snake-case keys and no custom values; it still undoes.
            let c = try await store.companies.create(admin, CompanyFields(name: "Old Merge Ltd")).record
            let d = try await store.companies.create(
                admin,
                CompanyFields(name: "Old Merge Limited", legalName: "Old Merge Limited"),
                refusingDuplicates: false
            ).record
            let (_, old) = try await store.companies.merge(
                admin,
                survivor: c.meta.id,
                survivorVersion: c.meta.version,
                merged: d.meta.id,
                mergedVersion: d.meta.version,
                taking: ["legal_name"]
            )
            let legacy =
                #"{"addresses":[],"emails":[],"industry":"","legal_name":"","name":"Old Merge Ltd","phones":[],"tags":[],"tax_id":"","website":""}"#
            try await store.database.write { db in
                try await db.raw("UPDATE record_merges SET survivor_before = \(bind: legacy) WHERE id = \(bind: old.id)").run()
            }
            let (undone, _) = try await store.companies.undoMerge(admin, old.id)
            #expect(undone.fields.legalName == "" && undone.fields.name == "Old Merge Ltd" && undone.fields.custom.isEmpty)
        }
    }
}
