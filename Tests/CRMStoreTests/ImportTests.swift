import CRMCore
import CRMStore
import CRMTestSupport
import Foundation
import Testing

@Suite("Importing companies, contacts, leads and deals from CSV files")
struct ImportTests {
    /// A file as a Polish spreadsheet writes it: windows-1250, semicolons, a trailing empty line.
    static func polishContacts() -> Data {
        let text = """
            Imię;Nazwisko;E-mail;Telefon;Firma;Opiekun;Stanowisko\r
            Łukasz;Wiśniewski;lukasz@example.pl;(022) 123-45-67;Łódź Trading;roza@example.com;Dyrektor\r
            Żaneta;Kowalczyk;zaneta@example.pl;;lodz trading;;Księgowa\r
            Paweł;Nowak;nie-ma-adresu;;;;\r
            Grzegorz;Brzęczyszczykiewicz;g@example.pl;;Nieznana Sp. z o.o.;;\r
            Anna;Zając;istniejaca@example.pl;;;;\r
            Łukasz;Wiśniewski;lukasz.drugi@example.pl;;;;\r
            ;;;;;;\r

            """
        return windows1250(text)
    }

    static func windows1250(_ text: String) -> Data {
        let table = TextDecoding.codePages.first { $0.name == "windows-1250" }!.table
        var reverse: [Character: UInt8] = [:]
        for (index, character) in table.enumerated() { reverse[character] = UInt8(128 + index) }
        var bytes: [UInt8] = []
        for character in text {
            if let ascii = character.asciiValue {
                bytes.append(ascii)
            } else if character == "\r\n" {
                bytes += [13, 10]
            } else {
                bytes.append(reverse[character]!)
            }
        }
        return Data(bytes)
    }

    @Test(
        "a dry run reports each wrong row and each look-alike and writes nothing; valid rows then import, linked, and undo bins them",
        arguments: TestEngine.available
    )
    func contacts(engine: TestEngine) async throws {
        try await TestDatabase.withStore(engine) { store in
            let world = try await World.make(store)
            let rafal = try await world.context(world.rafal)
            let lodz = try await world.company("Łódź Trading", by: world.rafal)
            _ = try await store.contacts.create(
                rafal,
                ContactFields(firstName: "Anna", lastName: "Zając", emails: [LabeledEmail(address: try EmailAddress("istniejaca@example.pl"))])
            )
            let before = try await store.contacts.count(rafal, ListQuery())

            // Maria heads North, so she may give records to Róża.
            let maria = try await world.context(world.maria)
            let draft = try await store.imports.upload(maria, target: .contacts, fileName: "kontakty.csv", data: Self.polishContacts())
            #expect(draft.encoding == "windows-1250" && draft.rowCount == 7 && draft.header.first == "Imię")
            #expect(
                draft.mapping == [
                    "Imię": "first_name", "Nazwisko": "last_name", "E-mail": "email", "Telefon": "phone", "Firma": "company", "Opiekun": "owner",
                    "Stanowisko": "job_title",
                ]
            )

            // This office's file must name known companies only (the option a contacts import has, on by default, is off).
            let strict = ImportOptions(createCompanies: false)
            let dry = try await store.imports.run(maria, draft.id, mapping: draft.mapping, options: strict, mode: .dryRun)
            #expect(dry.rows == 6 && dry.valid == 4 && dry.created == 0)
            #expect(dry.errors.map(\.line) == [4, 5])
            #expect(dry.errors[0].message.contains("column E-mail") && dry.errors[1].message.contains("Nieznana Sp. z o.o."))
            #expect(dry.duplicates.map(\.line) == [6, 7], "Anna's e-mail exists; the second Łukasz Wiśniewski repeats line 2")
            #expect(dry.duplicates.first?.recordIDs.count == 1 && dry.duplicates.last?.sameAsLine == 2)
            #expect(try await store.contacts.count(rafal, ListQuery()) == before, "a dry run writes nothing")

            let refused = try await store.imports.run(maria, draft.id, mapping: draft.mapping, options: strict, mode: .all)
            #expect(refused.refused && refused.created == 0 && refused.errors.map(\.line) == [4, 5])
            #expect(try await store.contacts.count(rafal, ListQuery()) == before, "all or nothing: a wrong row stops the file")
            #expect(try await store.imports.draft(maria, draft.id).report == refused, "the draft shows the last run")

            let done = try await store.imports.run(
                maria,
                draft.id,
                mapping: draft.mapping,
                options: strict,
                mode: .validOnly,
                saveMappingAs: "Arkusz biura"
            )
            #expect(done.created == 2 && done.skippedDuplicates == 2)
            let imported = try await store.contacts.list(rafal, ListQuery(companyID: lodz.id)).items
            #expect(Set(imported.map(\.fields.lastName)) == ["Wiśniewski", "Kowalczyk"], "'lodz trading' names Łódź Trading too")
            let lukasz = try #require(imported.first { $0.fields.lastName == "Wiśniewski" })
            #expect(
                lukasz.meta.ownerID == world.roza.id && lukasz.fields.phones.first?.number.e164 == "+48221234567"
                    && lukasz.fields.jobTitle == "Dyrektor"
            )
            #expect(try await store.imports.mappings(.contacts).map(\.name) == ["Arkusz biura"])
            await #expect(throws: StoreError.self) { try await store.imports.run(maria, draft.id, mapping: draft.mapping, mode: .validOnly) }

            // Someone edits one of the imported contacts; undo keeps it and bins the other.
            let zaneta = try #require(imported.first { $0.fields.lastName == "Kowalczyk" })
            var fields = zaneta.fields
            fields.jobTitle = "Główna księgowa"
            _ = try await store.contacts.update(rafal, zaneta.meta.id, expectedVersion: zaneta.meta.version, fields)
            let undone = try await store.imports.undo(maria, draft.id)
            #expect(undone.binned == 1 && undone.kept == 1)
            #expect(try await store.contacts.list(rafal, ListQuery(companyID: lodz.id)).items.map(\.fields.lastName) == ["Kowalczyk"])
            #expect(try await store.imports.draft(maria, draft.id).status == .undone)

            let sergei = try await world.context(world.sergei)
            await #expect(throws: StoreError.self) { try await store.imports.draft(sergei, draft.id) }
        }
    }

    @Test("a contacts file makes the companies it names that no one has, once each, and undoing it takes them away", arguments: TestEngine.available)
    func contactsMakeCompanies(engine: TestEngine) async throws {
        try await TestDatabase.withStore(engine) { store in
            let world = try await World.make(store)
            let rafal = try await world.context(world.rafal)
            let known = try await store.companies.create(rafal, CompanyFields(name: "Łódź Trans")).record
            let file = Data("Name,Company\nKowalczyk,Łódź Trans\nNowak,Huta Łaziska\nWrona,HUTA ŁAZISKA\nZięba,\n".utf8)
            let draft = try await store.imports.upload(rafal, target: .contacts, fileName: "ludzie.csv", data: file)
            let mapping = ["Name": "last_name", "Company": "company"]
            let dry = try await store.imports.run(rafal, draft.id, mapping: mapping, mode: .dryRun)
            #expect(dry.errors.isEmpty && dry.companiesCreated == 1 && dry.created == 0)
            #expect(try await store.companies.count(rafal, ListQuery()) == 1, "a dry run makes nothing")
            let report = try await store.imports.run(rafal, draft.id, mapping: mapping, mode: .all)
            #expect(report.created == 4 && report.companiesCreated == 1)
            let huta = try #require(try await store.companies.list(rafal, ListQuery(search: "huta")).items.first)
            #expect(huta.fields.name == "Huta Łaziska" && huta.meta.ownerID == world.rafal.id)
            let people = try await store.contacts.list(rafal, ListQuery(companyID: huta.id)).items.map(\.fields.lastName).sorted()
            #expect(people == ["Nowak", "Wrona"])
            #expect(try await store.contacts.list(rafal, ListQuery(companyID: known.id)).items.map(\.fields.lastName) == ["Kowalczyk"])

            let undone = try await store.imports.undo(rafal, draft.id)
            #expect(undone.binned == 5 && undone.kept == 0, "four contacts and the company they brought")
            #expect(try await store.companies.list(rafal, ListQuery()).items.map(\.fields.name) == ["Łódź Trans"])
        }
    }

    @Test("owners and companies only as the importer may use them; broken files and mappings get clear errors", arguments: TestEngine.available)
    func refusals(engine: TestEngine) async throws {
        try await TestDatabase.withStore(engine) { store in
            let world = try await World.make(store)
            let rafal = try await world.context(world.rafal)
            let sergei = try await world.context(world.sergei)
            _ = try await store.companies.create(sergei, CompanyFields(name: "Пловдив Логистик"))
            let file = Data("Name,Company,Owner\nIvanov,Пловдив Логистик,\nPetrov,,sergei@example.com\nNagy,,nobody@example.com\n".utf8)
            let draft = try await store.imports.upload(rafal, target: .contacts, fileName: "x.csv", data: file)
            let mapping = ["Name": "last_name", "Company": "company", "Owner": "owner"]
            let report = try await store.imports.run(rafal, draft.id, mapping: mapping, options: ImportOptions(createCompanies: false), mode: .dryRun)
            #expect(
                report.errors.map(\.line) == [2, 3, 4],
                "another team's company is not seen, another team's rep cannot be given records, an unknown owner"
            )
            #expect(report.errors[2].message.contains("no active user"))

            for (data, code) in [
                (Data(), "empty_file"), (Data("a,b\n1,\u{0}2\n".utf8), "csv_binary"), (Data("Name,Name\nx,y\n".utf8), "csv_bad_header"),
                (Data(",\nx\n".utf8), "csv_bad_header"),
            ] {
                do {
                    _ = try await store.imports.upload(rafal, target: .contacts, fileName: "bad.csv", data: data)
                    Issue.record("\(code) was accepted")
                } catch StoreError.invalid(let errors) {
                    #expect(errors.errors.first?.code == code, "\(errors)")
                }
            }
            for (bad, code) in [
                (["Nope": "last_name"], "unknown_column"), (["Name": "shoe_size"], "unknown_field"), (["Company": "company"], "required"),
                (["Name": "last_name", "Owner": "last_name"], "mapped_twice"),
            ] {
                do {
                    _ = try await store.imports.run(rafal, draft.id, mapping: bad, mode: .dryRun)
                    Issue.record("\(bad) was accepted")
                } catch StoreError.invalid(let errors) {
                    #expect(errors.errors.map(\.code).contains(code), "\(errors)")
                }
            }
        }
    }

    @Test("the Salesforce sample imports: accounts, contacts and leads linked by AccountId, and opportunities won, lost and open as the file says")
    func salesforce() async throws {
        guard let folder = SharedData.folder("salesforce-sample") else {
            print("skipped: ../shared/data/salesforce-sample is not on this machine")
            return
        }
        try await TestDatabase.withStore(.sqlite) { store in
            let world = try await World.make(store)
            let admin = try await world.context(world.admin)
            let accountsData = try Data(contentsOf: folder.appendingPathComponent("data/Account.csv"))
            let contactsData = try Data(contentsOf: folder.appendingPathComponent("data/Contact.csv"))
            let accounts = try await store.imports.upload(admin, target: .companies, fileName: "Account.csv", data: accountsData)
            #expect(
                accounts.mapping["Id"] == "key" && accounts.mapping["Name"] == "name" && accounts.mapping["BillingCity"] == "city"
                    && accounts.mapping["Phone"] == "phone"
            )
            let accountReport = try await store.imports.run(
                admin,
                accounts.id,
                mapping: accounts.mapping,
                mode: .all,
                createDuplicates: true,
                defaultCountryCode: "1"
            )
            let contacts = try await store.imports.upload(admin, target: .contacts, fileName: "Contact.csv", data: contactsData)
            #expect(contacts.mapping["AccountId"] == "company" && contacts.mapping["LastName"] == "last_name" && contacts.mapping["Email"] == "email")
            #expect(contacts.mapping["Name"] == nil, "a contact's full name is not its company")
            let contactReport = try await store.imports.run(
                admin,
                contacts.id,
                mapping: contacts.mapping,
                mode: .all,
                createDuplicates: true,
                defaultCountryCode: "1"
            )

            // Expected from the files themselves, read without the importer.
            let accountTable = try CSVTable(text: String(decoding: accountsData, as: UTF8.self))
            let contactTable = try CSVTable(text: String(decoding: contactsData, as: UTF8.self))
            func column(_ table: CSVTable, _ name: String) -> Int { table.header.firstIndex(of: name)! }
            let accountNames = Dictionary(
                uniqueKeysWithValues: accountTable.rows.map { ($0.fields[column(accountTable, "Id")], $0.fields[column(accountTable, "Name")]) }
            )
            #expect(accountReport.created == accountTable.rows.count && contactReport.created == contactTable.rows.count)
            #expect(try await store.companies.count(admin, ListQuery()) == accountTable.rows.count)
            let companies = try await store.companies.list(admin, ListQuery(limit: 200)).items
            let companyName = Dictionary(uniqueKeysWithValues: companies.map { ($0.meta.id, $0.fields.name) })
            var linked = 0
            for row in contactTable.rows {
                let email = row.fields[column(contactTable, "Email")]
                let account = row.fields[column(contactTable, "AccountId")]
                let found = try await store.contacts.list(admin, ListQuery(search: email)).items
                #expect(found.count == 1, "\(email)")
                let company = found.first?.fields.companyID.flatMap { companyName[$0.rawValue] }
                #expect(company == (account.isEmpty ? nil : accountNames[account]), "\(email) should belong to \(accountNames[account] ?? "none")")
                if company != nil { linked += 1 }
            }
            #expect(linked > 0)

            // Leads: their Company column holds an account's Id, so each lead takes that account's name; statuses
            // and sources are Salesforce's own words.
            let leadsData = try Data(contentsOf: folder.appendingPathComponent("data/Lead.csv"))
            let leads = try await store.imports.upload(admin, target: .leads, fileName: "Lead.csv", data: leadsData)
            #expect(
                leads.mapping["Company"] == "company" && leads.mapping["LeadSource"] == "source" && leads.mapping["Status"] == "status"
                    && leads.mapping["Title"] == "job_title"
            )
            #expect(leads.mapping["Name"] == nil)
            let leadReport = try await store.imports.run(
                admin,
                leads.id,
                mapping: leads.mapping,
                mode: .all,
                createDuplicates: true,
                defaultCountryCode: "1"
            )
            let leadTable = try CSVTable(text: String(decoding: leadsData, as: UTF8.self))
            #expect(leadReport.created == leadTable.rows.count && leadReport.errors.isEmpty)
            var statuses: [LeadStatus: Int] = [:]
            for row in leadTable.rows { statuses[RecordImport.leadStatus(row.fields[column(leadTable, "Status")])!, default: 0] += 1 }
            for (status, count) in statuses {
                var query = ListQuery()
                query.leadStatus = status
                #expect(try await store.leads.count(admin, query) == count, "\(status)")
            }
            for row in leadTable.rows.prefix(10) {
                let email = row.fields[column(leadTable, "Email")]
                let lead = try #require(try await store.leads.list(admin, ListQuery(search: email)).items.first, "\(email)")
                let account = row.fields[column(leadTable, "Company")]
                #expect(lead.fields.companyName == (accountNames[account] ?? account), "\(email)")
                #expect(lead.fields.source == row.fields[column(leadTable, "LeadSource")] && lead.fields.country == "US")
            }
            // Undoing the lead import bins exactly the leads it made.
            #expect(try await store.imports.undo(admin, leads.id).binned == leadTable.rows.count)
            #expect(try await store.leads.count(admin, ListQuery()) == 0)

            // Opportunities: each names its account by Id; stages are Salesforce's, "Closed Won/Lost" close them; the
            // figures are counted from the file itself.
            let pipeline = try await store.pipelines.create(
                World.system,
                name: "Salesforce",
                currency: try Currency(code: "USD"),
                stages: [
                    .init(name: "Qualification", probability: 10), .init(name: "Discovery", probability: 25),
                    .init(name: "Proposal/Quote", probability: 60), .init(name: "Negotiation", probability: 80),
                ]
            )
            _ = try await store.pipelines.createLossReason(World.system, name: "Not given")
            let opportunitiesData = try Data(contentsOf: folder.appendingPathComponent("data/Opportunity.csv"))
            let opportunities = try await store.imports.upload(admin, target: .deals, fileName: "Opportunity.csv", data: opportunitiesData)
            #expect(
                opportunities.mapping["Id"] == "key" && opportunities.mapping["AccountId"] == "company" && opportunities.mapping["Name"] == "title"
            )
            #expect(
                opportunities.mapping["StageName"] == "stage" && opportunities.mapping["Amount"] == "amount"
                    && opportunities.mapping["OwnerId"] == nil
            )
            let options = ImportOptions(pipelineID: pipeline.id.rawValue, defaultLossReason: "Not given", createCompanies: false)
            let dealReport = try await store.imports.run(admin, opportunities.id, mapping: opportunities.mapping, options: options, mode: .all)
            let dealTable = try CSVTable(text: String(decoding: opportunitiesData, as: UTF8.self))
            #expect(dealReport.created == dealTable.rows.count && dealReport.companiesCreated == 0)
            let stageColumn = column(dealTable, "StageName")
            let wonRows = dealTable.rows.filter { $0.fields[stageColumn] == "Closed Won" }
            let lostRows = dealTable.rows.filter { $0.fields[stageColumn] == "Closed Lost" }
            #expect(try await store.count("SELECT COUNT(*) AS n FROM deals WHERE status = 'won'") == wonRows.count)
            #expect(try await store.count("SELECT COUNT(*) AS n FROM deals WHERE status = 'lost'") == lostRows.count)
            #expect(
                try await store.count("SELECT COUNT(*) AS n FROM deals WHERE status = 'open'") == dealTable.rows.count - wonRows.count
                    - lostRows.count
            )
            let wonCents = wonRows.map { row -> Int in
                let parts = row.fields[column(dealTable, "Amount")].split(separator: ".")
                return Int(parts[0])! * 100 + (parts.count > 1 ? Int(parts[1].padding(toLength: 2, withPad: "0", startingAt: 0))! : 0)
            }.reduce(0, +)
            #expect(try await store.count("SELECT CAST(COALESCE(SUM(won_amount), 0) AS BIGINT) AS n FROM funnel_totals") == wonCents)
            for row in dealTable.rows.prefix(10) {
                let title = row.fields[column(dealTable, "Name")]
                let deal = try #require(
                    try await store.deals.list(admin, ListQuery(search: title)).items.first { $0.fields.title == title },
                    "\(title)"
                )
                #expect(
                    deal.fields.companyID.flatMap { companyName[$0.rawValue] } == accountNames[row.fields[column(dealTable, "AccountId")]],
                    "\(title)"
                )
            }
        }
    }

    @Test("a leads file: routed to reps by the rules, scored, company names kept, bad statuses named by line", arguments: TestEngine.available)
    func leads(engine: TestEngine) async throws {
        try await TestDatabase.withStore(engine) { store in
            let world = try await World.make(store)
            let admin = try await world.context(world.admin)
            try await store.leadWork.setRoutingRules(admin, [RoutingRule(method: .roundRobin, teamID: world.north.id)])
            try await store.leadWork.setScoringRules(admin, [ScoringRule(attribute: .source, value: "Targi", points: 10)])
            let csv = """
                Imię;Nazwisko;Firma;E-mail;Źródło;Status
                Łukasz;Wiśniewski;Łódź Trans;lukasz@lodztrans.pl;Targi;Nowy
                Zsófia;Kovács;Győr Kft;zsofia@gyor.hu;targi;working
                Иван;Петров;ООО Ромашка;ivan@romashka.ru;web;Closed - Not Converted
                Anna;Bad;Firma;anna@firma.pl;web;maybe later
                """
            let draft = try await store.imports.upload(admin, target: .leads, fileName: "leady.csv", data: Data(csv.utf8))
            #expect(
                draft.mapping == [
                    "Imię": "first_name", "Nazwisko": "last_name", "Firma": "company", "E-mail": "email", "Źródło": "source", "Status": "status",
                ]
            )
            #expect(try await store.imports.run(admin, draft.id, mapping: draft.mapping, mode: .all).refused)
            #expect(try await store.leads.count(admin, ListQuery()) == 0)
            let report = try await store.imports.run(admin, draft.id, mapping: draft.mapping, mode: .validOnly)
            #expect(report.created == 3 && report.errors.map(\.line) == [5])
            let leads = try await store.leads.list(admin, ListQuery(sort: Sort(field: .createdAt))).items.sorted { $0.meta.id < $1.meta.id }
            #expect(leads.map(\.fields.companyName) == ["Łódź Trans", "Győr Kft", "ООО Ромашка"])
            #expect(leads.map(\.fields.status) == [.new, .working, .disqualified])
            #expect(leads.map(\.fields.score.total) == [10, 10, 0])
            let (first, second) = (min(world.rafal.id, world.roza.id), max(world.rafal.id, world.roza.id))
            #expect(leads.map(\.meta.ownerID) == [first, second, first])
        }
    }
}
