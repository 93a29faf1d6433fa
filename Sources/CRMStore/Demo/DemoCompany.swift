import CRMCore
import Foundation
import SQLKit

/// A believable small company for trying Clientele: an admin, managers and reps in three teams, and
/// customers with names in the five languages we serve. Deterministic for a given seed.
public struct DemoCompany: Sendable {
    public static let adminEmail = "admin@clientele.test"
    public static let password = "clientele-demo"

    let store: Store
    let seed: UInt64

    public init(store: Store, seed: UInt64 = 42) {
        self.store = store
        self.seed = seed
    }

    /// Whether the database already has users, in which case the demo is not loaded again.
    public func isNeeded() async throws -> Bool {
        try await store.users.list().isEmpty
    }

    public func load() async throws {
        let system = AccessContext.system(reason: "demo data")
        var random = SeededRandom(seed: seed)
        func user(_ email: String, _ name: String, _ role: Role, _ locale: String, _ zone: String) async throws -> User {
            try await store.users.create(system, .init(email: email, name: name, role: role, password: Self.password, locale: locale, timeZone: zone))
        }
        _ = try await user(Self.adminEmail, "Ada Admin", .admin, "en", "Europe/Warsaw")
        let teams: [(name: String, manager: User, reps: [User], country: String, code: String, companies: [String])] = [
            (
                "Polska", try await user("katarzyna.zielinska@clientele.test", "Katarzyna Zielińska", .salesManager, "pl", "Europe/Warsaw"),
                [
                    try await user("lukasz.wisniewski@clientele.test", "Łukasz Wiśniewski", .salesRep, "pl", "Europe/Warsaw"),
                    try await user("malgorzata.dabrowska@clientele.test", "Małgorzata Dąbrowska", .salesRep, "pl", "Europe/Warsaw"),
                ],
                "PL", "48", DemoNames.polishCompanies
            ),
            (
                "Россия и Болгария", try await user("elena.smirnova@clientele.test", "Елена Смирнова", .salesManager, "ru", "Europe/Moscow"),
                [
                    try await user("dmitry.ivanov@clientele.test", "Дмитрий Иванов", .salesRep, "ru", "Europe/Moscow"),
                    try await user("georgi.petrov@clientele.test", "Георги Петров", .salesRep, "bg", "Europe/Sofia"),
                ],
                "RU", "7", DemoNames.russianCompanies + DemoNames.bulgarianCompanies
            ),
            (
                "Magyarország", try await user("nagy.eszter@clientele.test", "Nagy Eszter", .salesManager, "hu", "Europe/Budapest"),
                [
                    try await user("kovacs.janos@clientele.test", "Kovács János", .salesRep, "hu", "Europe/Budapest"),
                    try await user("emily.clarke@clientele.test", "Emily Clarke", .serviceAgent, "en", "Europe/London"),
                ],
                "HU", "36", DemoNames.hungarianCompanies + DemoNames.englishCompanies
            ),
        ]
        var accounts: [(company: CompanyID, owner: UserID, team: TeamID, language: String)] = []
        var territories: [(team: TeamID, countries: [String])] = []
        let tiers = try await loadCustomFields(system)
        for team in teams {
            let created = try await store.teams.create(system, name: team.name, managerID: team.manager.id, sharesRecords: true)
            territories.append((created.id, team.country == "RU" ? ["RU", "BG"] : team.country == "HU" ? ["HU", "GB"] : [team.country]))
            _ = try await store.teams.setMembers(system, created.id, team.reps.map(\.id))
            for (index, name) in team.companies.enumerated() {
                let owner = team.reps[index % team.reps.count]
                let country = name.hasSuffix("ООД") || name.hasSuffix("ЕООД") ? "BG" : (name.hasSuffix("Ltd") ? "GB" : team.country)
                let code = country == "BG" ? "359" : (country == "GB" ? "44" : team.code)
                var fields = CompanyFields(name: name)
                fields.industry = DemoNames.industries[random.next(DemoNames.industries.count)]
                fields.priority = [Priority.a, .b, .b, .c, .c, .c][random.next(6)]
                fields.size = CompanySize.allCases[random.next(CompanySize.allCases.count)]
                fields.website = DemoNames.slug(name) + DemoNames.domain(country)
                fields.phones = [LabeledPhone(number: try PhoneNumber("+\(code) \(100_000_000 + random.next(800_000_000))"))]
                let streets = DemoPhrases.of(DemoPhrases.language(of: country)).streets
                fields.addresses = [
                    PostalAddress(street: streets[random.next(streets.count)], city: DemoNames.city(country, random.next(4)), country: country)
                ]
                fields.tags = random.next(3) == 0 ? ["renewal-2027"] : []
                fields.custom = ["tier": .choice(tiers[random.next(tiers.count)])]
                let company = try await store.companies.create(system, fields, assignment: .init(owner: owner.id, team: .some(created.id))).record
                accounts.append((company.id, owner.id, created.id, DemoPhrases.language(of: country)))
                for _ in 0..<(1 + random.next(3)) {
                    let person = DemoNames.person(country, &random)
                    var contact = ContactFields(
                        firstName: person.first,
                        middleName: person.middle,
                        lastName: person.last,
                        nameOrder: country == "HU" ? .familyFirst : .givenFirst,
                        jobTitle: DemoNames.jobTitles[random.next(DemoNames.jobTitles.count)],
                        companyID: company.id
                    )
                    contact.emails = [
                        LabeledEmail(
                            address: try EmailAddress(
                                DemoNames.slug(person.latin) + "@" + fields.website.replacingOccurrences(of: "https://", with: "")
                            )
                        )
                    ]
                    contact.phones = [LabeledPhone(label: "mobile", number: try PhoneNumber("+\(code) \(500_000_000 + random.next(400_000_000))"))]
                    _ = try await store.contacts.create(system, contact, assignment: .init(owner: owner.id, team: .some(created.id)))
                }
            }
        }
        try await loadFunnel(system, accounts: accounts, random: &random)
        try await loadLeads(system, territories: territories, random: &random)
        // Generating the company handed every rep dozens of records and tasks; a new user's bell starts quiet.
        try await store.database.write { db in try await db.raw("DELETE FROM notifications").run() }
    }

    /// A partner tier on companies and a budget on leads, as an admin would add them; answers the tiers.
    private func loadCustomFields(_ system: AccessContext) async throws -> [String] {
        let tier = try await store.fields.create(
            system,
            FieldDefinition(
                recordType: .company,
                key: "tier",
                label: "Partner tier",
                kind: .choice,
                options: ["Gold", "Silver", "Bronze"],
                inList: true
            )
        )
        _ = try await store.fields.create(system, FieldDefinition(recordType: .company, key: "contract_end", label: "Contract end", kind: .date))
        _ = try await store.fields.create(system, FieldDefinition(recordType: .lead, key: "budget", label: "Budget", kind: .money))
        return tier.options
    }

    /// Scoring and routing rules (each team takes its countries' leads, in turn or by load), a web form, and
    /// sixty leads from it, fairs and referrals.
    private func loadLeads(_ system: AccessContext, territories: [(team: TeamID, countries: [String])], random: inout SeededRandom) async throws {
        try await store.leadWork.setScoringRules(
            system,
            [
                ScoringRule(attribute: .companySize, value: "250-999", points: 20), ScoringRule(attribute: .companySize, value: "1000+", points: 30),
                ScoringRule(attribute: .industry, value: "Manufacturing", points: 15), ScoringRule(attribute: .source, value: "referral", points: 25),
                ScoringRule(attribute: .behaviour, value: "form_filled", points: 10),
                ScoringRule(attribute: .behaviour, value: "email_answered", points: 20),
                ScoringRule(attribute: .jobTitle, value: "director", points: 10),
            ]
        )
        try await store.leadWork.setRoutingRules(
            system,
            territories.enumerated().flatMap { index, territory in
                territory.countries.map { RoutingRule(country: $0, method: index % 2 == 0 ? .roundRobin : .leastLoaded, teamID: territory.team) }
            }
        )
        let admin = try await store.users.find(email: Self.adminEmail)!
        _ = try await store.leadWork.createForm(
            system,
            LeadForm(name: "Website contact form", source: "web form", campaign: "Autumn 2026", ownerID: admin.id)
        )
        let countries = territories.flatMap(\.countries)
        let sources = ["web form", "referral", "trade fair", "cold call"]
        for index in 0..<60 {
            let country = countries[index % countries.count]
            let person = DemoNames.person(country, &random)
            let companyName =
                "\(person.last) "
                + (country == "PL" ? "sp. z o.o." : country == "HU" ? "Kft" : country == "GB" ? "Ltd" : country == "BG" ? "ЕООД" : "ООО")
            var lead = LeadFields(
                firstName: person.first,
                lastName: person.last,
                companyName: companyName,
                jobTitle: DemoNames.jobTitles[random.next(DemoNames.jobTitles.count)],
                industry: DemoNames.industries[random.next(DemoNames.industries.count)],
                companySize: CompanySize.allCases[random.next(CompanySize.allCases.count)],
                country: country,
                source: sources[random.next(sources.count)],
                status: [LeadStatus.new, .new, .working, .qualified, .disqualified][random.next(5)]
            )
            lead.emails = [LabeledEmail(address: try EmailAddress("\(DemoNames.slug(person.latin)).\(index)@example.\(country.lowercased())"))]
            if lead.source == "web form" { lead.behaviours.append(.formFilled) }
            if random.next(2) == 0 {
                lead.custom["budget"] = .money(
                    Money(minorUnits: Int64(5_000 + random.next(95_000)) * 100, currency: try Currency(code: country == "PL" ? "PLN" : "EUR"))
                )
            }
            let created = try await store.leads.create(system, lead, assignment: .init(routed: true)).record
            // The rep wrote to every lead they work on; a third wrote back, which scoring counts as an answered e-mail.
            guard lead.status != .new else { continue }
            let owner = RecordStore<ActivityFields>.Assignment(owner: created.meta.ownerID, team: .some(created.meta.teamID))
            let introduction = DemoPhrases.of(DemoPhrases.language(of: country)).introduction
            _ = try await store.activities.create(
                system,
                ActivityFields(kind: .email, subject: "\(companyName): \(introduction)", leadID: created.id, direction: .outbound),
                assignment: owner
            )
            if random.next(3) == 0 {
                _ = try await store.activities.create(
                    system,
                    ActivityFields(kind: .email, subject: "Re: \(companyName): \(introduction)", leadID: created.id, direction: .inbound),
                    assignment: owner
                )
            }
        }
    }

    /// Two pipelines and about 2,000 deals over the last twelve months, each with a plausible history:
    /// mostly forward moves, some skips and back moves, losses with reasons, wins, and stale open deals.
    private func loadFunnel(
        _ system: AccessContext,
        accounts: [(company: CompanyID, owner: UserID, team: TeamID, language: String)],
        random: inout SeededRandom
    ) async throws {
        let pln = try Currency(code: "PLN")
        let sales = try await store.pipelines.create(
            system,
            name: "New business",
            currency: pln,
            stages: [
                .init(
                    name: "First contact",
                    translations: ["pl": "Pierwszy kontakt", "ru": "Первый контакт", "hu": "Első kapcsolat", "bg": "Първи контакт"],
                    probability: 10,
                    rottingDays: 14
                ),
                .init(
                    name: "Presentation",
                    translations: ["pl": "Prezentacja", "ru": "Презентация", "hu": "Bemutató", "bg": "Презентация"],
                    probability: 20,
                    rottingDays: 14
                ),
                .init(
                    name: "Needs analysis",
                    translations: ["pl": "Analiza potrzeb", "ru": "Анализ потребностей", "hu": "Igényfelmérés", "bg": "Анализ на нуждите"],
                    probability: 35,
                    rottingDays: 21
                ),
                .init(
                    name: "Proposal",
                    translations: ["pl": "Oferta", "ru": "Коммерческое предложение", "hu": "Ajánlat", "bg": "Оферта"],
                    probability: 55,
                    forecastCategory: .bestCase,
                    rottingDays: 21,
                    requiredFields: ["amount"]
                ),
                .init(
                    name: "Negotiation",
                    translations: ["pl": "Negocjacje", "ru": "Переговоры", "hu": "Tárgyalás", "bg": "Преговори"],
                    probability: 75,
                    forecastCategory: .commit,
                    rottingDays: 14
                ),
                .init(
                    name: "Project start",
                    translations: ["pl": "Start projektu", "ru": "Старт проекта", "hu": "Projektindítás", "bg": "Старт на проекта"],
                    probability: 90,
                    forecastCategory: .commit,
                    rottingDays: 7
                ),
            ]
        )
        let renewals = try await store.pipelines.create(
            system,
            name: "Renewals",
            currency: pln,
            stages: [
                .init(
                    name: "Due in 90 days",
                    translations: [
                        "pl": "Odnowienie za 90 dni", "ru": "Продление через 90 дней", "hu": "90 napon belül lejár", "bg": "Изтича до 90 дни",
                    ],
                    probability: 60,
                    rottingDays: 30
                ),
                .init(
                    name: "Offer sent",
                    translations: ["pl": "Oferta wysłana", "ru": "Предложение отправлено", "hu": "Ajánlat elküldve", "bg": "Офертата е изпратена"],
                    probability: 75,
                    forecastCategory: .bestCase,
                    rottingDays: 14
                ),
                .init(
                    name: "Signed off",
                    translations: ["pl": "Zatwierdzone", "ru": "Согласовано", "hu": "Jóváhagyva", "bg": "Одобрено"],
                    probability: 95,
                    forecastCategory: .commit,
                    rottingDays: 7
                ),
            ]
        )
        var reasons: [LossReasonID] = []
        let named: [(String, [String: String])] = [
            ("Price too high", ["pl": "Za wysoka cena", "ru": "Слишком высокая цена", "hu": "Túl magas ár", "bg": "Твърде висока цена"]),
            (
                "Chose a competitor",
                ["pl": "Wybrał konkurencję", "ru": "Выбрал конкурента", "hu": "Versenytársat választott", "bg": "Избра конкурент"]
            ),
            ("No budget", ["pl": "Brak budżetu", "ru": "Нет бюджета", "hu": "Nincs keret", "bg": "Няма бюджет"]),
            ("No decision", ["pl": "Brak decyzji", "ru": "Нет решения", "hu": "Nincs döntés", "bg": "Няма решение"]),
            ("Timing", ["pl": "Nieodpowiedni moment", "ru": "Неподходящие сроки", "hu": "Időzítés", "bg": "Неподходящ момент"]),
            ("Product gap", ["pl": "Brak funkcji w produkcie", "ru": "Не хватает функций", "hu": "Hiányzó funkció", "bg": "Липсваща функция"]),
        ]
        for (name, translations) in named {
            reasons.append(try await store.pipelines.createLossReason(system, name: name, translations: translations).id)
        }
        let generator = DealHistoryGenerator(pipelines: [sales, sales, sales, sales, renewals], reasons: reasons, now: .now)
        var batch: [ImportedDeal] = []
        for _ in 0..<2_000 {
            let account = accounts[random.next(accounts.count)]
            batch.append(
                try generator.deal(company: account.company, owner: account.owner, team: account.team, language: account.language, random: &random)
            )
            if batch.count == 250 {
                _ = try await store.funnel.importDeals(system, batch)
                batch.removeAll()
            }
        }
        if !batch.isEmpty { _ = try await store.funnel.importDeals(system, batch) }
        try await loadActivities(
            system,
            languages: Dictionary(accounts.map { ($0.company, $0.language) }, uniquingKeysWith: { first, _ in first }),
            random: &random
        )
    }

    /// Tasks, calls, meetings and notes on the open deals, so "My day" and the timelines have something in them:
    /// some tasks overdue, some due today, meetings today and later.
    private func loadActivities(_ system: AccessContext, languages: [CompanyID: String], random: inout SeededRandom) async throws {
        var query = ListQuery(limit: ListQuery.maxLimit)
        query.status = .open
        let open = try await store.deals.list(system, query).items
        let now = Timestamp.now
        for (index, deal) in open.prefix(150).enumerated() {
            let words = DemoPhrases.of(deal.fields.companyID.flatMap { languages[$0] } ?? "en")
            let subjects = words.tasks
            let owner = RecordStore<DealFields>.Assignment(owner: deal.meta.ownerID, team: .some(deal.meta.teamID))
            let activityOwner = RecordStore<ActivityFields>.Assignment(owner: owner.owner, team: owner.team)
            let due = now.adding(seconds: Int64(random.next(7 * 24) - 3 * 24) * 3600)
            _ = try await store.activities.create(
                system,
                ActivityFields(
                    kind: .task,
                    subject: subjects[random.next(subjects.count)],
                    dealID: deal.id,
                    companyID: deal.fields.companyID,
                    dueAt: due,
                    priority: index % 7 == 0 ? .high : .normal
                ),
                assignment: activityOwner
            )
            if index % 3 == 0 {
                _ = try await store.activities.create(
                    system,
                    ActivityFields(
                        kind: .call,
                        subject: words.call,
                        notes: words.callNotes,
                        dealID: deal.id,
                        companyID: deal.fields.companyID,
                        direction: index % 2 == 0 ? .outbound : .inbound,
                        durationMinutes: 5 + random.next(40),
                        outcome: words.outcome
                    ),
                    assignment: activityOwner
                )
            }
            if index % 10 == 0 {
                let start = Timestamp(
                    rawValue: DayRange(containing: now, timeZone: TimeZone(identifier: "Europe/Warsaw")!).start.rawValue + Int64(9 + random.next(8))
                        * 3_600_000
                )
                _ = try await store.activities.create(
                    system,
                    ActivityFields(
                        kind: .meeting,
                        subject: words.meeting,
                        dealID: deal.id,
                        companyID: deal.fields.companyID,
                        startsAt: start,
                        endsAt: start.adding(seconds: 3600),
                        place: words.place
                    ),
                    assignment: activityOwner
                )
            }
        }
    }
}

/// A small deterministic generator (SplitMix64), so demo data is the same on every machine.
public struct SeededRandom: Sendable {
    private var state: UInt64
    public init(seed: UInt64) { state = seed }

    public mutating func next(_ upperBound: Int) -> Int {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return Int((z ^ (z >> 31)) % UInt64(upperBound))
    }
}
