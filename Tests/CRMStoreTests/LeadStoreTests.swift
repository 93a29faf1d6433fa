import CRMCore
import CRMStore
import CRMTestSupport
import Foundation
import Testing

/// Leads on both engines: scored and routed as they arrive, captured from web forms with their limits, and
/// converted in one transaction.
@Suite("Leads on every engine")
struct LeadStoreTests {
    static func email(_ text: String) throws -> [LabeledEmail] { [LabeledEmail(address: try EmailAddress(text))] }

    @Test("a lead is scored by the rules on every write, with the reasons; new rules rescore every lead", arguments: TestEngine.available)
    func scoring(engine: TestEngine) async throws {
        try await TestDatabase.withStore(engine) { store in
            let world = try await World.make(store)
            let admin = try await world.context(world.admin)
            let rafal = try await world.context(world.rafal)
            try await store.leadWork.setScoringRules(
                admin,
                [
                    ScoringRule(attribute: .industry, value: "Produkcja", points: 20),
                    ScoringRule(attribute: .country, value: "PL", points: 10),
                    ScoringRule(attribute: .companySize, value: "50-249", points: 15),
                    ScoringRule(attribute: .behaviour, value: "email_answered", points: 25),
                    ScoringRule(attribute: .source, value: "Targi", points: -5),
                ]
            )
            var fields = LeadFields(
                firstName: "Łukasz",
                lastName: "Wiśniewski",
                companyName: "Łódź Metal",
                industry: "PRODUKCJA",
                companySize: .medium,
                country: "pl",
                source: "targi"
            )
            let lead = try await store.leads.create(rafal, fields).record
            #expect(lead.fields.score.total == 40)
            #expect(lead.fields.score.reasons.map(\.attribute) == [.industry, .country, .companySize, .source])
            let answered = try await store.leadWork.record(rafal, .emailAnswered, lead: lead.meta.id)
            #expect(answered.fields.score.total == 65)
            #expect(answered.meta.version == lead.meta.version + 1)
            // A rep may not change the rules; an admin's new rules rescore the stored lead without a new version.
            await #expect(throws: StoreError.self) { try await store.leadWork.setScoringRules(rafal, []) }
            try await store.leadWork.setScoringRules(admin, [ScoringRule(attribute: .jobTitle, value: "dyrektor", points: 30)])
            fields = try await store.leads.get(rafal, lead.meta.id).fields
            #expect(fields.score.total == 0 && fields.score.reasons.isEmpty)
            var director = answered.fields
            director.jobTitle = "Dyrektor handlowy"
            let edited = try await store.leads.update(rafal, lead.meta.id, expectedVersion: answered.meta.version, director)
            #expect(edited.fields.score.total == 30)
            #expect(
                try await store.leads.list(
                    rafal,
                    {
                        var q = ListQuery()
                        q.minimumScore = 30
                        return q
                    }()
                ).items.map(\.meta.id) == [lead.meta.id]
            )
            // Bad rules are refused, all at once, and nothing changes.
            await #expect(throws: StoreError.self) {
                try await store.leadWork.setScoringRules(
                    admin,
                    [ScoringRule(attribute: .behaviour, value: "danced", points: 5), ScoringRule(attribute: .industry, value: "", points: 5000)]
                )
            }
            #expect(try await store.leadWork.scoringRules().count == 1)
        }
    }

    @Test(
        "routing: a territory's rep, turns within a team (continued across writes), the least loaded; else the creator",
        arguments: TestEngine.available
    )
    func routing(engine: TestEngine) async throws {
        try await TestDatabase.withStore(engine) { store in
            let world = try await World.make(store)
            let admin = try await world.context(world.admin)
            try await store.leadWork.setRoutingRules(
                admin,
                [
                    RoutingRule(country: "RU", method: .user, userID: world.sergei.id),
                    RoutingRule(country: "PL", source: "web form", method: .roundRobin, teamID: world.north.id),
                    RoutingRule(country: "PL", method: .leastLoaded, teamID: world.north.id),
                ]
            )
            func arrive(_ name: String, country: String, source: String = "") async throws -> Lead {
                try await store.leads.create(admin, LeadFields(lastName: name, country: country, source: source), assignment: .init(routed: true))
                    .record
            }
            let moscow = try await arrive("Иванов", country: "RU")
            #expect(moscow.meta.ownerID == world.sergei.id && moscow.meta.teamID == world.south.id)
            let turns = try await [
                arrive("A", country: "PL", source: "Web Form"), arrive("B", country: "PL", source: "web form"),
                arrive("C", country: "PL", source: "web form"),
            ]
            let (first, second) = (min(world.rafal.id, world.roza.id), max(world.rafal.id, world.roza.id))
            #expect(turns.map(\.meta.ownerID) == [first, second, first])
            #expect(turns.allSatisfy { $0.meta.teamID == world.north.id })
            // Least loaded: the one of the two with fewer open leads (two vs one), then ties by id.
            let least = try await arrive("D", country: "PL")
            #expect(least.meta.ownerID == second)
            // No rule matches: the creator keeps it; a named owner is never overridden.
            #expect(try await arrive("E", country: "HU").meta.ownerID == world.admin.id)
            let named = try await store.leads.create(
                admin,
                LeadFields(lastName: "F", country: "RU"),
                assignment: .init(owner: world.maria.id, routed: true)
            ).record
            #expect(named.meta.ownerID == world.maria.id)
            // A rep's lead routed to another team is still answered to them once; they cannot read it after.
            let roza = try await world.context(world.roza)
            let handedOn = try await store.leads.create(roza, LeadFields(lastName: "G", country: "RU"), assignment: .init(routed: true)).record
            #expect(handedOn.meta.ownerID == world.sergei.id)
            await #expect(throws: StoreError.notFound(.lead)) { _ = try await store.leads.get(roza, handedOn.meta.id) }
            // Rules naming no one are refused.
            await #expect(throws: StoreError.self) { try await store.leadWork.setRoutingRules(admin, [RoutingRule(method: .roundRobin)]) }
        }
    }

    @Test(
        "a web form's submission becomes a routed lead; a robot's makes nothing; a known e-mail adds to its lead; a flood is refused",
        arguments: TestEngine.available
    )
    func webForm(engine: TestEngine) async throws {
        try await TestDatabase.withStore(engine) { store in
            let world = try await World.make(store)
            let admin = try await world.context(world.admin)
            let form = try await store.leadWork.createForm(
                admin,
                LeadForm(
                    name: "Kontakt",
                    source: "strona www",
                    campaign: "wiosna",
                    redirectURL: "https://example.pl/dziekujemy",
                    ownerID: world.maria.id
                )
            )
            #expect(form.key.count >= 16)
            await #expect(throws: StoreError.self) {
                _ = try await store.leadWork.createForm(admin, LeadForm(name: "Bad", redirectURL: "javascript:alert(1)", ownerID: world.maria.id))
            }
            try await store.leadWork.setScoringRules(admin, [ScoringRule(attribute: .behaviour, value: "form_filled", points: 10)])
            let values = [
                "first_name": "Zsófia", "last_name": "Kovács", "email": "zsofia@example.hu", "phone": "+36 1 234 5678",
                "company": "Székesfehérvár Kft", "message": "Kérek ajánlatot",
            ]
            let capture = try await store.leadWork.capture(key: form.key, values: values, address: "203.0.113.7", defaultCountryCode: "48")
            #expect(capture.redirectURL == "https://example.pl/dziekujemy")
            let lead = try await store.leads.get(admin, try #require(capture.leadID))
            #expect(lead.meta.ownerID == world.maria.id)
            #expect(lead.fields.source == "strona www" && lead.fields.campaign == "wiosna" && lead.fields.behaviours == [.formFilled])
            #expect(lead.fields.score.total == 10 && lead.fields.phones.first?.number.e164 == "+3612345678")
            #expect(try await store.leads.list(admin, ListQuery(search: "szekesfehervar")).items.map(\.meta.id) == [lead.meta.id])
            // The honeypot filled in: answered as a success, nothing made.
            let robot = try await store.leadWork.capture(
                key: form.key,
                values: ["last_name": "Bot", LeadForm.honeypot: "http://spam"],
                address: "198.51.100.1",
                defaultCountryCode: "48"
            )
            #expect(robot.leadID == nil)
            // The same e-mail again: added to the lead, which keeps its owner and gains the message.
            let again = try await store.leadWork.capture(
                key: form.key,
                values: ["last_name": "Kovács", "email": "ZSOFIA@example.hu", "message": "Sürgős!"],
                address: "203.0.113.7",
                defaultCountryCode: "48"
            )
            #expect(again.leadID == lead.meta.id)
            #expect(try await store.leads.get(admin, lead.meta.id).fields.notes == "Kérek ajánlatot\n\nSürgős!")
            // Bad input is refused with the field named, and counts against the limit (three so far, two to go).
            await #expect(throws: StoreError.self) {
                _ = try await store.leadWork.capture(
                    key: form.key,
                    values: ["last_name": "X", "email": "not an address"],
                    address: "203.0.113.7",
                    defaultCountryCode: "48"
                )
            }
            for index in 0..<2 {
                _ = try await store.leadWork.capture(
                    key: form.key,
                    values: ["last_name": "Flood \(index)"],
                    address: "203.0.113.7",
                    defaultCountryCode: "48"
                )
            }
            await #expect(throws: StoreError.rateLimited(retryAfter: Int(LeadStore.window))) {
                _ = try await store.leadWork.capture(
                    key: form.key,
                    values: ["last_name": "One too many"],
                    address: "203.0.113.7",
                    defaultCountryCode: "48"
                )
            }
            #expect(try await store.leads.count(admin, ListQuery(search: "one too many")) == 0)
            // Another address is not held back; an unknown or switched-off form is not found.
            _ = try await store.leadWork.capture(key: form.key, values: ["last_name": "Neighbour"], address: "203.0.113.8", defaultCountryCode: "48")
            await #expect(throws: StoreError.notFound(nil)) {
                _ = try await store.leadWork.capture(key: "nope", values: ["last_name": "X"], address: "1.1.1.1", defaultCountryCode: "48")
            }
            var off = form
            off.isActive = false
            _ = try await store.leadWork.updateForm(admin, form.id, off)
            await #expect(throws: StoreError.notFound(nil)) {
                _ = try await store.leadWork.capture(key: form.key, values: ["last_name": "X"], address: "1.1.1.2", defaultCountryCode: "48")
            }
        }
    }

    @Test(
        "conversion makes a contact, a company and a deal in one transaction, linked both ways; a failure writes nothing",
        arguments: TestEngine.available
    )
    func conversion(engine: TestEngine) async throws {
        try await TestDatabase.withStore(engine) { store in
            let world = try await World.make(store)
            let rafal = try await world.context(world.rafal)
            let (pipeline, _) = try await world.salesPipeline()
            var fields = LeadFields(
                firstName: "Иван",
                lastName: "Петров",
                companyName: "ООО Ромашка",
                jobTitle: "Директор",
                industry: "Retail",
                country: "RU",
                source: "referral"
            )
            fields.emails = try Self.email("ivan@romashka.ru")
            let lead = try await store.leads.create(rafal, fields).record
            let counts = { () async throws -> [Int] in
                try await [
                    store.companies.count(rafal, ListQuery()), store.contacts.count(rafal, ListQuery()), store.deals.count(rafal, ListQuery()),
                ]
            }
            #expect(try await counts() == [0, 0, 0])
            // A deal in a pipeline that does not exist: refused, and no company or contact is left behind.
            await #expect(throws: StoreError.self) {
                _ = try await store.leadWork.convert(
                    rafal,
                    lead.meta.id,
                    expectedVersion: nil,
                    LeadConversion(company: .create, deal: .init(pipelineID: PipelineID(999), title: "", amount: nil))
                )
            }
            #expect(try await counts() == [0, 0, 0])
            #expect(try await store.leads.get(rafal, lead.meta.id).fields.status == .new)
            let amount = try Money(decimal: "12500.00", currency: pipeline.currency)
            let converted = try await store.leadWork.convert(
                rafal,
                lead.meta.id,
                expectedVersion: lead.meta.version,
                LeadConversion(company: .create, deal: .init(pipelineID: pipeline.id, title: "", amount: amount))
            )
            let result = try #require(converted.fields.conversion)
            #expect(converted.fields.status == .converted)
            let contact = try await store.contacts.get(rafal, result.contactID.rawValue)
            let company = try await store.companies.get(rafal, try #require(result.companyID).rawValue)
            let deal = try await store.deals.get(rafal, try #require(result.dealID).rawValue)
            #expect(contact.fields.displayName == "Иван Петров" && contact.fields.companyID == company.id && contact.fields.emails == fields.emails)
            #expect(company.fields.name == "ООО Ромашка" && company.fields.industry == "Retail")
            #expect(
                deal.fields.title == "ООО Ромашка" && deal.fields.amount == amount && deal.fields.stageID == pipeline.stages[0].id
                    && deal.fields.source == "referral"
            )
            #expect(contact.meta.ownerID == world.rafal.id && deal.meta.ownerID == world.rafal.id)
            #expect(try await store.funnel.contacts(rafal, deal: deal.meta.id).map(\.contact.id) == [contact.id])
            #expect(try await store.leadWork.source(rafal, of: .contact, contact.meta.id)?.meta.id == lead.meta.id)
            #expect(try await store.leads.history(rafal, lead.meta.id).entries.first?.action == .convert)
            // Converted once only; no edit undoes it.
            await #expect(throws: StoreError.conflict(code: "already_converted", message: "this lead was converted already")) {
                _ = try await store.leadWork.convert(rafal, lead.meta.id, expectedVersion: nil, LeadConversion(company: .none))
            }
            var reverted = converted.fields
            reverted.status = .working
            await #expect(
                throws: StoreError.invalid(
                    .init([ValidationError(field: "status", code: "converted_stays", message: "a converted lead stays converted")])
                )
            ) {
                _ = try await store.leads.update(rafal, lead.meta.id, expectedVersion: converted.meta.version, reverted)
            }

            // A second lead from the same company: a new company is refused as a look-alike; the existing one is taken.
            var colleague = LeadFields(firstName: "Ольга", lastName: "Смирнова", companyName: "Romashka")
            colleague.emails = try Self.email("olga@romashka.ru")
            let second = try await store.leads.create(rafal, colleague).record
            await #expect(throws: StoreError.possibleDuplicates(.company, [company.meta.id])) {
                _ = try await store.leadWork.convert(rafal, second.meta.id, expectedVersion: nil, LeadConversion(company: .create))
            }
            let joined = try await store.leadWork.convert(rafal, second.meta.id, expectedVersion: nil, LeadConversion(company: .existing(company.id)))
            #expect(joined.fields.conversion?.companyID == company.id && joined.fields.conversion?.dealID == nil)
            #expect(try await counts() == [1, 2, 1])
            // A company the rep may not see cannot be chosen.
            let hidden = try await world.company("Southern Secret", by: world.sergei)
            let third = try await store.leads.create(rafal, LeadFields(lastName: "Trzeci")).record
            await #expect(throws: StoreError.notFound(.company)) {
                _ = try await store.leadWork.convert(rafal, third.meta.id, expectedVersion: nil, LeadConversion(company: .existing(hidden.id)))
            }
        }
    }

    @Test(
        "calls and e-mails are logged on a lead; an e-mail from it scores as answered; conversion brings them to the customer, a merge to the survivor",
        arguments: TestEngine.available
    )
    func activities(engine: TestEngine) async throws {
        try await TestDatabase.withStore(engine) { store in
            let world = try await World.make(store)
            let admin = try await world.context(world.admin)
            let rafal = try await world.context(world.rafal)
            try await store.leadWork.setScoringRules(admin, [ScoringRule(attribute: .behaviour, value: "email_answered", points: 25)])
            let lead = try await store.leads.create(rafal, LeadFields(firstName: "Ágnes", lastName: "Tóth", companyName: "Tóth Kft.")).record
            func log(_ kind: ActivityKind, _ direction: ActivityDirection?, _ subject: String) async throws -> Activity {
                try await store.activities.create(rafal, ActivityFields(kind: kind, subject: subject, leadID: lead.id, direction: direction)).record
            }
            // Our own e-mail and a call do not count as an answer; an e-mail without a direction went out.
            let offer = try await log(.email, nil, "Oferta")
            #expect(offer.fields.direction == .outbound)
            _ = try await log(.call, .inbound, "Oddzwoniła")
            #expect(try await store.leads.get(rafal, lead.meta.id).fields.score.total == 0)
            let reply = try await log(.email, .inbound, "Re: Oferta")
            let answered = try await store.leads.get(rafal, lead.meta.id)
            #expect(answered.fields.behaviours == [.emailAnswered] && answered.fields.score.total == 25)
            #expect(try await store.leads.history(rafal, lead.meta.id).entries.count == 2)
            // A second answer changes nothing more; an outgoing e-mail turned into a reply counts once too.
            _ = try await log(.email, .inbound, "Re: Re: Oferta")
            var turned = offer.fields
            turned.direction = .inbound
            _ = try await store.activities.update(rafal, offer.meta.id, expectedVersion: offer.meta.version, turned)
            #expect(try await store.leads.get(rafal, lead.meta.id).meta.version == answered.meta.version)
            var onLead = ListQuery(sort: Sort(field: .createdAt))
            onLead.leadID = lead.id
            #expect(
                try await store.activities.list(rafal, onLead).items.map(\.fields.subject) == [
                    "Oferta", "Oddzwoniła", "Re: Oferta", "Re: Re: Oferta",
                ]
            )
            // Someone who may not see the lead may not log anything on it, and nothing is written.
            let sergei = try await world.context(world.sergei)
            await #expect(throws: StoreError.self) {
                _ = try await store.activities.create(sergei, ActivityFields(kind: .email, subject: "?", leadID: lead.id, direction: .inbound))
            }
            #expect(try await store.activities.count(admin, onLead) == 4)
            // Converted, the lead's activities show on the contact and company it became, and stay on the lead.
            let converted = try await store.leadWork.convert(rafal, lead.meta.id, expectedVersion: nil, LeadConversion(company: .create))
            let result = try #require(converted.fields.conversion)
            var onContact = ListQuery(sort: Sort(field: .createdAt))
            onContact.contactID = result.contactID
            let moved = try await store.activities.list(rafal, onContact).items
            #expect(moved.map(\.meta.id) == [offer.meta.id, moved[1].meta.id, reply.meta.id, moved[3].meta.id])
            #expect(moved.allSatisfy { $0.fields.companyID == result.companyID && $0.fields.leadID == lead.id })
            #expect(try await store.activities.count(rafal, ListQuery(companyID: result.companyID)) == 4)
            #expect(try await store.activities.count(rafal, onLead) == 4)

            // Two leads of one person merged: the survivor has both their activities.
            let first = try await store.leads.create(rafal, LeadFields(firstName: "Jan", lastName: "Nowak")).record
            let second = try await store.leads.create(rafal, LeadFields(firstName: "Jan", lastName: "Nowak")).record
            for (lead, subject) in [(first, "Telefon"), (second, "Mail")] {
                _ = try await store.activities.create(rafal, ActivityFields(kind: .call, subject: subject, leadID: lead.id))
            }
            _ = try await store.leads.merge(
                rafal,
                survivor: first.meta.id,
                survivorVersion: first.meta.version,
                merged: second.meta.id,
                mergedVersion: second.meta.version,
                taking: []
            )
            var onFirst = ListQuery(sort: Sort(field: .createdAt))
            onFirst.leadID = first.id
            #expect(try await store.activities.list(rafal, onFirst).items.map(\.fields.subject) == ["Telefon", "Mail"])
        }
    }
}
