import CRMCore
import Foundation
import Testing

@Suite("Name keys for duplicate detection")
struct NameKeyTests {
    @Test(
        "spellings of one name in the five languages give one key",
        arguments: [
            ("Łukasz Wiśniewski", "Lukasz Wisniewski"),
            ("Wiśniewski Łukasz", "ŁUKASZ WIŚNIEWSKI"),
            ("Иванов Иван Петрович", "Ivan Petrovich Ivanov"),
            ("Христо Христов", "Hristo Hristov"),
            ("Христо Христов", "Khristo Khristov"),
            ("Kovács Zsófia", "Zsofia Kovacs"),
            ("Łódź Tekstylia sp. z o.o.", "Lodz Tekstylia"),
            ("ООО «Северсталь-Трейд»", "Severstal Treid LLC"),
            ("Пловдивска мебел ООД", "Plovdivska Mebel OOD"),
            ("Székesfehérvári Gépgyár Kft.", "Szekesfehervari Gepgyar"),
            ("Harbour & Sons Ltd", "Harbour and Sons Limited".replacingOccurrences(of: " and", with: " &")),
            ("Sean O'Brien", "Sean O’Brien"),
            ("Filia 02 Kraków", "Filia 2 Kraków"),
        ]
    )
    func same(_ first: String, _ second: String) {
        #expect(NameKey.of(first) == NameKey.of(second), "\(first) ~ \(second)")
    }

    @Test(
        "different customers keep different keys",
        arguments: [
            ("Łódź 1", "Łódź 2"),
            ("Jan Kowalski", "Janina Kowalska"),
            ("Иванов", "Иванова"),
            ("Filia Kraków", "Filia Gdańsk"),
            ("Odlew 10", "Odlew 100"),
            ("Odlew 12", "Odlew 1 2"),
        ]
    )
    func different(_ first: String, _ second: String) {
        #expect(NameKey.of(first) != NameKey.of(second), "\(first) ≁ \(second)")
    }

    @Test("Cyrillic names get a Latin spelling for search; Latin text is left alone")
    func latin() {
        #expect(NameKey.latin(TextFolding.fold("Иванов Щукин Юлия")) == "ivanov shchukin yuliya")
        #expect(NameKey.latin("lodz tekstylia") == "lodz tekstylia")
        #expect(NameKey.of("sp. z o.o.") == "")
    }
}
