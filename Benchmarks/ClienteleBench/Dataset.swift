import CRMCore
import CRMStore
import Foundation
import SQLKit

/// The benchmark's world: a company with a manager and reps in two teams, 1,000 customers from the five
/// countries with two contacts each (names, cities and phones as each country writes them), one pipeline,
/// `deals` deals with their stage histories, and a call logged on every tenth deal, loaded through the bulk
/// paths (`FunnelStore.importDeals`, `RecordStore.importMany`) in large transactions. Deterministic: fixed seeds.
/// A database already holding the dataset is reused, so measuring again does not mean loading again.
struct Dataset {
    let pipeline: Pipeline
    let admin: User
    let rep: User

    static func prepare(_ store: Store, deals: Int, report: inout Report) async throws -> Dataset {
        let system = AccessContext.system(reason: "benchmark dataset")
        if let admin = try await store.users.find(email: "admin@bench.test"), let rep = try await store.users.find(email: "rep0@bench.test"),
            let pipeline = try await store.pipelines.list().first
        {
            report.note("Reused the dataset in the data directory.")
            return Dataset(pipeline: pipeline, admin: admin, rep: rep)
        }
        let admin = try await store.users.create(
            system,
            .init(email: "admin@bench.test", name: "Admin", role: .admin, password: "benchmark password")
        )
        let manager = try await store.users.create(
            system,
            .init(email: "manager@bench.test", name: "Manager", role: .salesManager, password: "benchmark password")
        )
        var reps: [User] = []
        for index in 0..<10 {
            reps.append(
                try await store.users.create(
                    system,
                    .init(email: "rep\(index)@bench.test", name: "Rep \(index)", role: .salesRep, password: "benchmark password")
                )
            )
        }
        let north = try await store.teams.create(system, name: "North", managerID: manager.id, sharesRecords: false)
        _ = try await store.teams.setMembers(system, north.id, reps.prefix(5).map(\.id))
        let south = try await store.teams.create(system, name: "South", managerID: manager.id, sharesRecords: false)
        _ = try await store.teams.setMembers(system, south.id, reps.suffix(5).map(\.id))
        // Customers and their people from the five countries, with addresses and phones as each writes them.
        var companies: [CompanyID] = []
        var people = SeededRandom(seed: 11)
        let countries: [(code: String, calling: String)] = [("PL", "48"), ("RU", "7"), ("HU", "36"), ("BG", "359"), ("GB", "44")]
        for index in 0..<1_000 {
            let country = countries[index % countries.count]
            var fields = CompanyFields(name: "\(DemoNames.company(country.code, index / countries.count)) \(index / countries.count + 1)")
            fields.industry = DemoNames.industries[index % DemoNames.industries.count]
            fields.addresses = [PostalAddress(city: DemoNames.city(country.code, index % 4), country: country.code)]
            fields.phones = [LabeledPhone(number: try PhoneNumber("+\(country.calling) \(300_000_000 + index)"))]
            let company = try await store.companies.create(system, fields, assignment: .init(owner: admin.id)).record.id
            companies.append(company)
            for number in 0..<2 {
                let person = DemoNames.person(countries[(index + number) % countries.count].code, &people)
                var contact = ContactFields(firstName: person.first, middleName: person.middle, lastName: person.last, companyID: company)
                contact.emails = [
                    LabeledEmail(address: try EmailAddress("\(DemoNames.slug(person.latin)).\(index * 2 + number)@customer\(index).test"))
                ]
                contact.phones = [LabeledPhone(label: "mobile", number: try PhoneNumber("+\(country.calling) \(500_000_000 + index * 2 + number)"))]
                _ = try await store.contacts.create(system, contact, assignment: .init(owner: admin.id))
            }
        }
        let pipeline = try await store.pipelines.create(
            system,
            name: "New business",
            currency: try Currency(code: "PLN"),
            stages: [
                .init(name: "First contact", probability: 10, rottingDays: 14), .init(name: "Presentation", probability: 20, rottingDays: 14),
                .init(name: "Needs analysis", probability: 35, rottingDays: 21),
                .init(name: "Proposal", probability: 55, forecastCategory: .bestCase, rottingDays: 21),
                .init(name: "Negotiation", probability: 75, forecastCategory: .commit, rottingDays: 14),
                .init(name: "Project start", probability: 90, forecastCategory: .commit, rottingDays: 7),
            ]
        )
        var reasons: [LossReasonID] = []
        for name in ["Price", "Competitor", "No budget", "No decision"] {
            reasons.append(try await store.pipelines.createLossReason(system, name: name).id)
        }

        let generator = DealHistoryGenerator(pipelines: [pipeline], reasons: reasons, now: .now)
        var random = SeededRandom(seed: 7)
        let start = ContinuousClock.now
        var batch: [ImportedDeal] = []
        batch.reserveCapacity(10_000)
        var activities: [ActivityFields] = []
        for index in 0..<deals {
            let owner = reps[random.next(reps.count)]
            let team = reps.firstIndex(of: owner)! < 5 ? north.id : south.id
            batch.append(try generator.deal(company: companies[random.next(companies.count)], owner: owner.id, team: team, random: &random))
            if batch.count == 10_000 || index == deals - 1 {
                let ids = try await store.funnel.importDeals(system, batch)
                // A call logged on every tenth deal, so activity lists and timelines have history too.
                for (deal, imported) in zip(ids, batch) where deal.rawValue % 10 == 0 {
                    activities.append(
                        ActivityFields(
                            kind: .call,
                            subject: "Rozmowa o ofercie",
                            dealID: deal,
                            companyID: imported.fields.companyID,
                            isDone: true,
                            doneAt: imported.createdAt,
                            direction: .outbound,
                            durationMinutes: 5 + Int(deal.rawValue % 25)
                        )
                    )
                }
                _ = try await store.activities.importMany(system, activities, assignment: .init(owner: admin.id))
                activities.removeAll(keepingCapacity: true)
                batch.removeAll(keepingCapacity: true)
                if (index + 1) % 100_000 == 0 { FileHandle.standardError.write(Data("loaded \(index + 1) deals\n".utf8)) }
            }
        }
        let elapsed = ContinuousClock.now - start
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let transitions = try await store.database.read { db in
            try await db.raw("SELECT COUNT(*) AS n FROM stage_transitions").first()!.decode(column: "n", as: Int.self)
        }
        report.load = .init(deals: deals, transitions: transitions, seconds: seconds)
        return Dataset(pipeline: pipeline, admin: admin, rep: reps[0])
    }
}
