import CRMCore
import CRMStore
import Foundation
import Logging
import SQLKit

/// The search box over a million contacts named in the five languages: what a user types (a surname, part of an
/// e-mail address, a phone number however written, the first letters of a name) through the store, beside the
/// same query written by hand in the `sqlite3` CLI.
struct SearchBenchmark {
    let contacts: Int
    let runs: Int
    let dataDir: String

    func run(into report: inout Report) async throws {
        let directory = dataDir + "/contacts-\(contacts)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let path = directory + "/clientele.sqlite"
        var logger = Logger(label: "bench")
        logger.logLevel = .warning
        let database = try Database.sqlite(path: path, logger: logger)
        let store = Store(database: database, bcryptCost: 4)
        do {
            try await store.migrator.migrate()
            let admin = try await prepare(store, report: &report)
            try await measure(store, admin: admin, path: path, report: &report)
        } catch {
            await database.shutdown()
            throw error
        }
        await database.shutdown()
    }

    /// Contacts with Polish, Russian, Hungarian, Bulgarian and English names, an e-mail and a phone each, through
    /// the bulk import path; a file that already holds them is reused.
    private func prepare(_ store: Store, report: inout Report) async throws -> AccessContext {
        let system = AccessContext.system(reason: "benchmark dataset")
        if let admin = try await store.users.find(email: "admin@bench.test") {
            report.note("Reused the contacts in the data directory.")
            return try await store.users.accessContext(for: admin)
        }
        let admin = try await store.users.create(
            system,
            .init(email: "admin@bench.test", name: "Admin", role: .admin, password: "benchmark password")
        )
        let countries: [(code: String, calling: String)] = [("PL", "48"), ("RU", "7"), ("HU", "36"), ("BG", "359"), ("GB", "44")]
        var random = SeededRandom(seed: 3)
        let start = ContinuousClock.now
        var batch: [ContactFields] = []
        batch.reserveCapacity(10_000)
        for index in 0..<contacts {
            let country = countries[index % countries.count]
            let person = DemoNames.person(country.code, &random)
            var fields = ContactFields(
                firstName: person.first,
                middleName: person.middle,
                lastName: person.last,
                nameOrder: country.code == "HU" ? .familyFirst : .givenFirst
            )
            fields.emails = [LabeledEmail(address: try EmailAddress("\(DemoNames.slug(person.latin)).\(index)@example.test"))]
            fields.phones = [LabeledPhone(number: try PhoneNumber("+\(country.calling) \(200_000_000 + index)"))]
            batch.append(fields)
            if batch.count == 10_000 || index == contacts - 1 {
                _ = try await store.contacts.importMany(system, batch, assignment: .init(owner: admin.id))
                batch.removeAll(keepingCapacity: true)
                if (index + 1) % 100_000 == 0 { FileHandle.standardError.write(Data("loaded \(index + 1) contacts\n".utf8)) }
            }
        }
        let elapsed = ContinuousClock.now - start
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        report.note(
            "Loaded \(contacts) contacts through `RecordStore.importMany` in \(String(format: "%.1f", seconds)) s (\(Int(Double(contacts) / seconds)) contacts/s), with the full-text index kept by triggers."
        )
        return try await store.users.accessContext(for: admin)
    }

    private func measure(_ store: Store, admin: AccessContext, path: String, report: inout Report) async throws {
        let middle = contacts / 2
        // Every fifth contact is Polish, with the number +48 200000000 + its index; written as people write it.
        let digits = String(200_000_000 + middle - middle % 5)
        let phone = "+48 \(digits.prefix(3)) \(digits.dropFirst(3).prefix(3)) \(digits.suffix(3))"
        // What people type, from a rare string to one that matches a tenth of the table.
        let queries: [(label: String, text: String)] = [
            ("part of an e-mail address (one match)", ".\(middle)@"),
            ("a phone number as written, with spaces (one match)", phone),
            ("surname and given name, accents left out", "kaminska agnieszka"),
            ("a surname in Cyrillic, lower case", "иванов"),
            ("the first three letters of a surname", "dąb"),
            ("the first two letters (below a trigram: scans)", "ко"),
        ]
        for query in queries {
            let found = try await store.contacts.list(admin, ListQuery(search: query.text, limit: 50))
            let timing = try await Timing.measure("search: \(query.label), \"\(query.text)\", first page of 50", runs: runs) {
                _ = try await store.contacts.list(admin, ListQuery(search: query.text, limit: 50))
            }
            report.timings.append(timing)
            report.checks.append(
                "\"\(query.text)\" finds \(found.items.count == 50 ? "50+" : String(found.items.count)) contacts, first \(found.items.first?.fields.displayName ?? "none")"
            )
            let folded = TextFolding.fold(query.text).replacingOccurrences(of: "'", with: "''")
            let words = folded.split(separator: " ").map { "search_text LIKE '%\($0)%'" }.joined(separator: " AND ")
            // The trigram table answers nothing for words shorter than three letters; the product scans then, as must its floor.
            let indexable = folded.split(separator: " ").filter { $0.count >= 3 }.map { "search_text LIKE '%\($0)%'" }.joined(separator: " AND ")
            let narrowed = indexable.isEmpty ? "" : "id IN (SELECT rowid FROM contacts_search WHERE \(indexable)) AND "
            let sql = "SELECT * FROM contacts WHERE \(narrowed)\(words) AND deleted_at IS NULL ORDER BY sort_key, id LIMIT 51;"
            if query.text != phone,
                let floor = try SQLiteCLI.timing("search by hand, sqlite3 CLI: \(query.label)", path: path, sql: sql, runs: min(runs, 10))
            {
                report.timings.append(floor)
                report.compare("search: \(query.label)", timing, with: floor)
            }
        }
        // The search box, as a user types: a whole name, a common surname (tens of thousands of matches), its first
        // letters, a rare name, text found only inside names, and numbers (a name index walked from one place per
        // length the number may reach, then the numbers inside phone numbers and e-mails).
        for text in ["kaminska agnieszka", "иванов", "ива", "kowalsk", "dąb", "ová", "500", "12"] {
            let found = try await store.search(admin, text, limit: 10)
            report.timings.append(
                try await Timing.measure("search box across companies, contacts, leads and deals: \"\(text)\", 10 of each", runs: runs) {
                    _ = try await store.search(admin, text, limit: 10)
                }
            )
            report.checks.append(
                "the box finds for \"\(text)\": \(found.contacts.prefix(3).map(\.fields.displayName).joined(separator: ", "))\(found.contacts.count > 3 ? ", …" : "")"
            )
        }
    }
}
