import CRMCore
import Foundation
import Testing

@Suite("Field translations")
struct FieldTranslationsTests {
    @Test("a field defined before translations existed reads its stored {} as no translations")
    func emptyObjectDecodes() throws {
        let read = try JSONDecoder().decode(FieldTranslations.self, from: Data("{}".utf8))
        #expect(read == FieldTranslations())
        let partial = try JSONDecoder().decode(FieldTranslations.self, from: Data(#"{"labels": {"pl": "Poziom"}}"#.utf8))
        #expect(partial.labels == ["pl": "Poziom"] && partial.options.isEmpty)
    }

    @Test("names are trimmed, blank ones dropped, and options the field does not have forgotten")
    func cleaned() {
        let names = FieldTranslations(labels: ["pl": " Poziom ", "ru": "  "], options: ["pl": ["Gold": "Złoty", "Lead": "Ołów"]])
        #expect(names.cleaned(options: ["Gold"]) == FieldTranslations(labels: ["pl": "Poziom"], options: ["pl": ["Gold": "Złoty"]]))
    }
}
