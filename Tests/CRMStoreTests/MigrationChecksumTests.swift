import Crypto
import Foundation
import Testing

@testable import CRMStore

/// A landed migration never changes: a database migrated by last year's build must end up as one created today.
///
/// The table holds a digest of every migration's statements on each engine, as they landed. Changing one fails
/// here; the way to change the schema is to add migration N+1 (and its line below).
@Suite("Migrations are frozen once landed")
struct MigrationChecksumTests {
    /// Number: (SQLite, PostgreSQL), the first 16 hex digits of SHA-256 over the statements.
    static let landed: [Int: (sqlite: String, postgres: String)] = [
        1: ("de623fd21b66e432", "1e917d0f4a2f8306"),
        2: ("85f2e367b3da536b", "7119bd1382e6d8ca"),
        3: ("a5477ed78a950249", "81ed68743f4ca8af"),
        4: ("7ef436f5e4f1cb7f", "506be1481a576b42"),
        5: ("eb466dd96b7cf602", "e7e853c4abffe38f"),
        6: ("99e6e6416c6a514e", "48873d77271561f4"),
        7: ("ee6624ea47c2f6d8", "d5c5a935279b4a6c"),
        8: ("e2c4113b74dddc27", "33f24602453639d8"),
        9: ("52c846ff2c0d089a", "c36fb6fc72b8dbf1"),
        10: ("fc74932270239a34", "13c349b00c4563d0"),
        11: ("d23d1f36af161929", "2871186ffdc8f95a"),
        12: ("38b54d83d984d208", "38b54d83d984d208"),
        13: ("7c51461ba8756673", "9997aed61d742b09"),
        14: ("62f4ac241b99906b", "e48ac5a555c6611f"),
        15: ("628d8abafd72244f", "628d8abafd72244f"),
        16: ("41f7a53895c80b01", "41f7a53895c80b01"),
        17: ("f1682111f1ea5bf7", "e3b0c44298fc1c14"),
        18: ("e3b0c44298fc1c14", "e3b0c44298fc1c14"),
        19: ("ae45c09607e895ee", "ae45c09607e895ee"),
        20: ("e3b0c44298fc1c14", "ae66a6dd2acc8072"),
        21: ("331cba9409c1f1bb", "331cba9409c1f1bb"),
        22: ("64ab7bec2667dbe3", "64ab7bec2667dbe3"),
        23: ("2fc7afe2daa0586c", "2fc7afe2daa0586c"),
        24: ("920d38e6648603da", "30e37a64b2abf704"),
        25: ("b5fde2335b3fa6e7", "a6914f2b18201f16"),
        26: ("4e8436fc1ed72579", "48d865ecc025e83f"),
        27: ("fef6c3ee4add4c6d", "fef6c3ee4add4c6d"),
    ]

    static func digest(_ migration: Migration, _ engine: Engine) -> String {
        let text = migration.statements(DDL(engine: engine)).joined(separator: "\n;\n")
        return SHA256.hash(data: Data(text.utf8)).map { String(format: "%02x", $0) }.joined().prefix(16).description
    }

    @Test("every landed migration's statements are as they landed, on both engines")
    func statementsUnchanged() {
        var changed: [String] = []
        for migration in Migrations.all {
            let actual = (Self.digest(migration, .sqlite), Self.digest(migration, .postgres))
            guard let expected = Self.landed[migration.number] else {
                changed.append("\(migration.number): (\"\(actual.0)\", \"\(actual.1)\") is new: add it to `landed`")
                continue
            }
            if expected.sqlite != actual.0 || expected.postgres != actual.1 {
                changed.append("\(migration.number) \(migration.name) changed: (\"\(actual.0)\", \"\(actual.1)\")")
            }
        }
        #expect(changed.isEmpty, "\(changed.joined(separator: "\n"))")
    }

    @Test("migrations are numbered 1, 2, 3 … with unique names, one file each")
    func numberedInOrder() throws {
        #expect(Migrations.all.map(\.number) == Array(1...Migrations.all.count))
        #expect(Set(Migrations.all.map(\.name)).count == Migrations.all.count)
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../Sources/CRMStore/Migrations")
            .standardized
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.first?.isNumber == true }.sorted()
        #expect(files.count == Migrations.all.count)
        for (file, migration) in zip(files, Migrations.all) {
            #expect(file.hasPrefix(String(format: "%04d_", migration.number)), "\(file) does not hold migration \(migration.number)")
            // A migration that imports the domain could call code that changes after it lands.
            let source = try String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8)
            #expect(!source.contains("import CRMCore"), "\(file) imports CRMCore: copy what it needs into the file")
        }
    }

    @Test("migration 18's frozen sort key writes numbers by length, as it did when it landed")
    func frozenSortKey() {
        #expect(NaturalSortKeys.key("odlew 2") == "odlew 12")
        #expect(NaturalSortKeys.key("odlew 0010") == "odlew 210")
        #expect(NaturalSortKeys.key("bez cyfr") == "bez cyfr")
        #expect(NaturalSortKeys.key(String(repeating: "7", count: 9)) == "900" + String(repeating: "7", count: 9))
        #expect(NaturalSortKeys.key(String(repeating: "5", count: 110)) == "999" + String(repeating: "5", count: 108) + "255")
    }
}
