import CRMCore
import Foundation

/// Names, cities and titles for demo data, as people in each country write them.
enum DemoNames {
    static let polishCompanies = [
        "Łódzkie Zakłady Włókiennicze", "Zakłady Mięsne Świątek", "Gdańska Stocznia Remontowa", "Wrocławskie Przedsiębiorstwo Budowlane",
        "Piekarnia Żółkiewski", "Krakowskie Centrum Logistyki", "Śląskie Huty Stali", "Poznańska Spółdzielnia Mleczarska",
        "Białystok Meble", "Szczecińska Żegluga", "Toruńskie Pierniki", "Rzeszów Aero Części",
    ]
    static let russianCompanies = [
        "ООО «Северсталь-Трейд»", "АО «Уральские самоцветы»", "ООО «Волжский логистический центр»", "ПАО «Сибирская энергия»",
        "ООО «Ёлочка»", "АО «Невский завод»", "ООО «Камчатрыба»", "ООО «Подмосковные вечера»",
    ]
    static let bulgarianCompanies = ["Пловдивска мебел ООД", "Варна Марин ЕООД", "Родопско мляко ООД", "Софийски софтуер ЕООД"]
    static let hungarianCompanies = [
        "Székesfehérvári Gépgyár Kft.", "Győri Keksz Zrt.", "Debreceni Ősi Pékség Bt.", "Pécsi Porcelán Kft.",
        "Szegedi Paprika Zrt.", "Miskolci Acélművek Kft.",
    ]
    static let englishCompanies = ["Harbour & Sons Ltd", "Northwind Traders Ltd", "Bright Fields Farming Ltd", "Kingfisher Analytics Ltd"]
    static let industries = ["Manufacturing", "Logistics", "Food", "Energy", "Retail", "Software", "Construction", "Agriculture"]
    static let jobTitles = ["CEO", "CFO", "Purchasing manager", "Head of IT", "Office manager", "Operations director", "Chief engineer"]

    static func city(_ country: String, _ index: Int) -> String {
        let cities = [
            "PL": ["Łódź", "Kraków", "Gdańsk", "Wrocław"], "RU": ["Москва", "Санкт-Петербург", "Екатеринбург", "Новосибирск"],
            "BG": ["София", "Пловдив", "Варна", "Бургас"], "HU": ["Budapest", "Székesfehérvár", "Győr", "Debrecen"],
            "GB": ["London", "Leeds", "Bristol", "York"],
        ]
        return cities[country]?[index] ?? "—"
    }

    static func person(_ country: String, _ random: inout SeededRandom) -> (first: String, middle: String, last: String, latin: String) {
        let people: [String: [(String, String, String)]] = [
            "PL": [("Agnieszka", "", "Wójcik"), ("Paweł", "", "Kamiński"), ("Grażyna", "", "Lewandowska"), ("Jerzy", "", "Szymański"), ("Bożena", "", "Kołodziej")],
            "RU": [("Иван", "Петрович", "Иванов"), ("Ольга", "Сергеевна", "Кузнецова"), ("Алексей", "Николаевич", "Соколов"), ("Наталья", "Ивановна", "Попова")],
            "BG": [("Стоян", "", "Георгиев"), ("Мария", "", "Димитрова"), ("Тодор", "", "Николов")],
            "HU": [("János", "", "Kovács"), ("Erzsébet", "", "Tóth"), ("László", "", "Szabó"), ("Zsófia", "", "Horváth")],
            "GB": [("Oliver", "", "Smith"), ("Amelia", "", "Jones"), ("Harry", "", "Taylor")],
        ]
        let list = people[country] ?? people["GB"]!
        let (first, middle, last) = list[random.next(list.count)]
        return (first, middle, last, transliterate(first + "." + last))
    }

    static func slug(_ text: String) -> String {
        let folded = transliterate(text).lowercased()
        return String(folded.map { $0.isLetter || $0.isNumber || $0 == "." ? $0 : "-" })
            .split(separator: "-").joined(separator: "-")
    }

    static func domain(_ country: String) -> String {
        [".pl": "PL", ".ru": "RU", ".bg": "BG", ".hu": "HU", ".co.uk": "GB"].first { $0.value == country }?.key ?? ".com"
    }

    /// Latin spelling for e-mail addresses and web sites.
    private static func transliterate(_ text: String) -> String {
        let map: [Character: String] = [
            "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh", "з": "z", "и": "i", "й": "y", "к": "k",
            "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts",
            "ч": "ch", "ш": "sh", "щ": "sht", "ъ": "a", "ы": "y", "ь": "", "э": "e", "ю": "yu", "я": "ya",
        ]
        let folded = TextFolding.fold(text)
        return folded.reduce(into: "") { result, character in result += map[character] ?? String(character) }
            .filter { $0.isASCII }
    }
}
