import CRMCore
import CRMStore
import Foundation
import Logging

/// A plain contacts file (names in the five languages, an e-mail, a phone, a city) imported through the importer as
/// a user runs it — upload, then all rows — into an empty SQLite database, beside `sqlite3 .import` of the same
/// file into a bare table: the floor for getting rows from a CSV file into SQLite at all. The generated names
/// repeat, so the import is told to create rows that look like earlier ones (the check for them still runs).
struct ImportBenchmark {
    let rows: Int
    let runs: Int
    let dataDir: String

    func run(into report: inout Report) async throws {
        let directory = dataDir + "/import-\(rows)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let file = directory + "/contacts.csv"
        let data = try Self.file(rows: rows)
        try data.write(to: URL(fileURLWithPath: file))
        report.note("The file: \(rows) contacts, \(data.count / 1024) KiB of UTF-8 (first name, last name, e-mail, phone, city).")

        var times: [Double] = []
        var phases: [String: [Double]] = [:]
        // Run -1 only makes an empty database (migrated, one admin) for the by-hand floor at the end.
        for run in -1...runs {
            let path = run < 0 ? directory + "/schema.sqlite" : directory + "/clientele-\(run).sqlite"
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
            var logger = Logger(label: "bench")
            logger.logLevel = .warning
            let database = try Database.sqlite(path: path, logger: logger)
            let store = Store(database: database, bcryptCost: 4)
            do {
                try await store.migrator.migrate()
                let admin = try await store.users.accessContext(
                    for: try await store.users.create(
                        .system(reason: "benchmark"),
                        .init(email: "admin@bench.test", name: "Admin", role: .admin, password: "benchmark password")
                    )
                )
                if run < 0 {
                    await database.shutdown()
                    continue
                }
                let start = ContinuousClock.now
                let marks = Marks()
                let draft = try await store.imports.upload(admin, target: .contacts, fileName: "contacts.csv", data: data)
                await marks.add("upload: decode, parse, keep the text")
                let result = try await store.imports.run(admin, draft.id, mapping: draft.mapping, mode: .all, createDuplicates: true) { progress in
                    if progress.done == progress.total { await marks.add("\(progress.phase.rawValue)\(Self.phases[progress.phase] ?? "")") }
                }
                let elapsed = Self.milliseconds(start, .now)
                guard result.created == rows else {
                    throw BenchError("the import made \(result.created) of \(rows) contacts: \(result.errors.prefix(3))")
                }
                // The first run warms caches and is not counted.
                if run > 0 {
                    times.append(elapsed)
                    var previous = start
                    for (phase, at) in await marks.all {
                        phases[phase, default: []].append(Self.milliseconds(previous, at))
                        previous = at
                    }
                }
            } catch {
                await database.shutdown()
                throw error
            }
            await database.shutdown()
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        }
        let timing = Timing(name: "import \(rows) contacts through the importer (upload + all rows), empty database", runs: times)
        report.timings.append(timing)
        for (phase, runs) in phases.sorted(by: { $0.value.reduce(0, +) > $1.value.reduce(0, +) }) {
            report.timings.append(Timing(name: "  of which: \(phase)", runs: runs))
        }
        report.checks.append("\(Int(Double(rows) / (timing.p50 / 1000))) rows/s through the importer (p50)")

        let bare = directory + "/bare.sqlite"
        try? FileManager.default.removeItem(atPath: bare)
        if let floor = try SQLiteCLI.timing(
            "sqlite3 .import of the same file into a bare table",
            path: bare,
            sql: """
                DROP TABLE IF EXISTS plain;
                .import --csv \(file) plain
                """,
            runs: runs
        ) {
            report.timings.append(floor)
            report.compare("import \(rows) contacts", timing, with: floor)
            report.checks.append("\(Int(Double(rows) / (floor.p50 / 1000))) rows/s by sqlite3 .import (p50)")
        }
        try? FileManager.default.removeItem(atPath: bare)

        // The same rows written by hand into Clientele's own tables: each contact with its sort and search texts
        // (the full-text trigger runs), its e-mail and phone as contact points, and an audit entry — the floor for
        // what the importer must write, without any of its checks.
        let schema = directory + "/schema.sqlite"
        if let floor = try SQLiteCLI.timing(
            "the same rows by hand into Clientele's tables (full-text index, contact points, audit)",
            path: schema,
            sql: """
                .timer off
                DELETE FROM contacts; DELETE FROM contact_points; DELETE FROM audit_log; DROP TABLE IF EXISTS plain;
                .import --csv \(file) plain
                .timer on
                BEGIN;
                INSERT INTO contacts (owner_id, created_at, updated_at, sort_key, search_text, first_name, last_name, phones, emails)
                  SELECT 1, 0, 0, lower("Last name" || ' ' || "First name"),
                         lower("First name" || ' ' || "Last name" || ' ' || "E-mail" || ' ' || "Phone" || ' ' || "City"),
                         "First name", "Last name", '[{"label":"work","number":"' || "Phone" || '"}]', '[{"address":"' || "E-mail" || '","label":"work"}]'
                  FROM plain;
                INSERT INTO contact_points SELECT 'contact', id, 'email', json_extract(emails, '$[0].address') FROM contacts;
                INSERT INTO contact_points SELECT 'contact', id, 'phone', json_extract(phones, '$[0].number') FROM contacts;
                INSERT INTO audit_log (record_type, record_id, action, actor_id, at, changes)
                  SELECT 'contact', id, 'create', 1, 0, '[{"field":"first_name","new":"' || first_name || '"},{"field":"last_name","new":"' || last_name || '"}]' FROM contacts;
                COMMIT;
                """,
            runs: runs
        ) {
            report.timings.append(floor)
            report.compare("import \(rows) contacts, beside the same rows by hand into its tables", timing, with: floor)
            report.checks.append("\(Int(Double(rows) / (floor.p50 / 1000))) rows/s by hand into Clientele's tables (p50)")
        }
        try? FileManager.default.removeItem(atPath: schema)
    }

    static let phases: [ImportProgress.Phase: String] = [
        .reading: ": load and parse the kept text, read rows into fields", .checking: ": owners, companies, duplicates",
        .writing: ": insert rows, indexes, audit",
    ]

    /// When each phase ended.
    actor Marks {
        var all: [(String, ContinuousClock.Instant)] = []
        func add(_ phase: String) { all.append((phase, .now)) }
    }

    static func milliseconds(_ from: ContinuousClock.Instant, _ to: ContinuousClock.Instant) -> Double {
        let elapsed = to - from
        return Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
    }

    /// People from the five countries, each with a unique e-mail and phone, as a spreadsheet would export them.
    static func file(rows: Int) throws -> Data {
        let countries: [(code: String, calling: String, city: String)] = [
            ("PL", "48", "Łódź"), ("RU", "7", "Москва"), ("HU", "36", "Székesfehérvár"), ("BG", "359", "Пловдив"), ("GB", "44", "Leeds"),
        ]
        var random = SeededRandom(seed: 11)
        var text = "First name,Last name,E-mail,Phone,City\n"
        text.reserveCapacity(rows * 80)
        for index in 0..<rows {
            let country = countries[index % countries.count]
            let person = DemoNames.person(country.code, &random)
            text +=
                "\(person.first),\(person.last),\(DemoNames.slug(person.latin)).\(index)@example.test,+\(country.calling) \(300_000_000 + index),\(country.city)\n"
        }
        return Data(text.utf8)
    }
}
