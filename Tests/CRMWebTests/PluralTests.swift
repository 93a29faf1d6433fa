import Foundation
import Testing

@testable import CRMWeb

@Suite("Plural forms")
struct PluralTests {
    static let catalogs: [String: [String: String]] = [
        "pl": ["language_code": "pl", "day_one": "dzień", "day_few": "dni", "day_many": "dni", "day_other": "dnia"],
        "ru": ["language_code": "ru", "day_one": "день", "day_few": "дня", "day_many": "дней", "day_other": "дня"],
        "bg": ["language_code": "bg", "day_one": "ден", "day_other": "дни"],
        "en": ["language_code": "en", "day_one": "day", "day_other": "days"],
    ]

    @Test(
        "counted words take each language's form",
        arguments: [
            ("pl", 1, "1 dzień"), ("pl", 2, "2 dni"), ("pl", 4, "4 dni"), ("pl", 5, "5 dni"), ("pl", 12, "12 dni"), ("pl", 22, "22 dni"),
            ("pl", 21, "21 dni"),
            ("ru", 1, "1 день"), ("ru", 2, "2 дня"), ("ru", 5, "5 дней"), ("ru", 11, "11 дней"), ("ru", 21, "21 день"), ("ru", 24, "24 дня"),
            ("ru", 112, "112 дней"),
            ("bg", 1, "1 ден"), ("bg", 5, "5 дни"), ("en", 1, "1 day"), ("en", 0, "0 days"),
        ]
    )
    func counted(language: String, count: Int, expected: String) {
        #expect(Plural.counted(count, "day", Self.catalogs[language]!) == expected)
    }

    @Test("every shipped language has the forms its rules ask for")
    func catalogsHaveForms() throws {
        let catalog = try MessageCatalog.load(from: WebResources.directory.appendingPathComponent("Locales"))
        for language in MessageCatalog.languages {
            let t = catalog.strings(for: language)
            for count in 0...112 {
                let form = Plural.of(count, language: language)
                #expect(t["day_\(form.rawValue)"] != nil, "\(language) has no day_\(form.rawValue)")
            }
        }
    }
}
