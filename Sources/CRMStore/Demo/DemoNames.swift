import CRMCore
import Foundation

/// Names, cities and titles for demo data, as people in each country write them.
package enum DemoNames {
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
    package static let industries = ["Manufacturing", "Logistics", "Food", "Energy", "Retail", "Software", "Construction", "Agriculture"]
    static let jobTitles = ["CEO", "CFO", "Purchasing manager", "Head of IT", "Office manager", "Operations director", "Chief engineer"]

    /// A company name of the country, the `index`th of its list, for generated datasets.
    package static func company(_ country: String, _ index: Int) -> String {
        let names = ["PL": polishCompanies, "RU": russianCompanies, "BG": bulgarianCompanies, "HU": hungarianCompanies][country] ?? englishCompanies
        return names[index % names.count]
    }

    package static func city(_ country: String, _ index: Int) -> String {
        let cities = [
            "PL": ["Łódź", "Kraków", "Gdańsk", "Wrocław"], "RU": ["Москва", "Санкт-Петербург", "Екатеринбург", "Новосибирск"],
            "BG": ["София", "Пловдив", "Варна", "Бургас"], "HU": ["Budapest", "Székesfehérvár", "Győr", "Debrecen"],
            "GB": ["London", "Leeds", "Bristol", "York"],
        ]
        return cities[country]?[index] ?? "—"
    }

    /// A person of the country: given names with their gender, and family names whose form follows it
    /// (Polish -ski/-ska, Russian and Bulgarian -ов/-ова).
    package static func person(_ country: String, _ random: inout SeededRandom) -> (first: String, middle: String, last: String, latin: String) {
        let given: [String: [(String, Bool)]] = [
            "PL": [
                ("Agnieszka", true), ("Paweł", false), ("Grażyna", true), ("Jerzy", false), ("Bożena", true), ("Łukasz", false), ("Małgorzata", true),
                ("Wojciech", false), ("Żaneta", true), ("Zdzisław", false),
            ],
            "RU": [
                ("Иван", false), ("Ольга", true), ("Алексей", false), ("Наталья", true), ("Сергей", false), ("Татьяна", true), ("Юрий", false),
                ("Людмила", true),
            ],
            "BG": [("Стоян", false), ("Мария", true), ("Тодор", false), ("Йорданка", true), ("Христо", false), ("Десислава", true)],
            "HU": [("János", false), ("Erzsébet", true), ("László", false), ("Zsófia", true), ("György", false), ("Ildikó", true)],
            "GB": [("Oliver", false), ("Amelia", true), ("Harry", false), ("Isla", true), ("George", false), ("Emily", true)],
        ]
        let family: [String: [(male: String, female: String)]] = [
            "PL": [
                ("Wójcik", "Wójcik"), ("Kamiński", "Kamińska"), ("Lewandowski", "Lewandowska"), ("Szymański", "Szymańska"),
                ("Kołodziej", "Kołodziej"), ("Dąbrowski", "Dąbrowska"), ("Żak", "Żak"), ("Grzybowski", "Grzybowska"),
            ],
            "RU": [
                ("Иванов", "Иванова"), ("Кузнецов", "Кузнецова"), ("Соколов", "Соколова"), ("Попов", "Попова"), ("Лебедев", "Лебедева"),
                ("Ёлкин", "Ёлкина"),
            ],
            "BG": [("Георгиев", "Георгиева"), ("Димитров", "Димитрова"), ("Николов", "Николова"), ("Христов", "Христова")],
            "HU": [("Kovács", "Kovács"), ("Tóth", "Tóth"), ("Szabó", "Szabó"), ("Horváth", "Horváth"), ("Varga", "Varga"), ("Kiss", "Kiss")],
            "GB": [("Smith", "Smith"), ("Jones", "Jones"), ("Taylor", "Taylor"), ("O'Brien", "O'Brien"), ("Williams", "Williams")],
        ]
        let patronymics = [("Петрович", "Петровна"), ("Сергеевич", "Сергеевна"), ("Николаевич", "Николаевна"), ("Иванович", "Ивановна")]
        let key = given[country] == nil ? "GB" : country
        let (first, female) = given[key]![random.next(given[key]!.count)]
        let surname = family[key]![random.next(family[key]!.count)]
        let last = female ? surname.female : surname.male
        var middle = ""
        if key == "RU" {
            let patronymic = patronymics[random.next(patronymics.count)]
            middle = female ? patronymic.1 : patronymic.0
        }
        return (first, middle, last, transliterate(first + "." + last))
    }

    package static func slug(_ text: String) -> String {
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

/// What reps write in each language: the demo company's deals, tasks, calls and meetings read as its teams would
/// write them, not in English everywhere.
package struct DemoPhrases: Sendable {
    let products: [String]
    let tasks: [String]
    let call: String
    let callNotes: String
    let outcome: String
    let meeting: String
    let place: String
    let introduction: String
    let streets: [String]
    let sources: [String]

    /// The language a company of `country` is worked in.
    package static func language(of country: String) -> String {
        ["PL": "pl", "RU": "ru", "BG": "bg", "HU": "hu"][country] ?? "en"
    }

    package static func of(_ language: String) -> DemoPhrases {
        switch language {
        case "pl":
            DemoPhrases(
                products: ["Licencje", "Wdrożenie", "Pakiet wsparcia", "Szkolenie", "Sprzęt", "Integracja"],
                tasks: [
                    "Wysłać poprawioną ofertę", "Zadzwonić w sprawie budżetu", "Przygotować prezentację", "Zapytać o termin decyzji",
                    "Potwierdzić warunki dostawy",
                ],
                call: "Rozmowa kontrolna",
                callNotes: "Omówiliśmy kolejne kroki.",
                outcome: "Zainteresowany",
                meeting: "Spotkanie u klienta",
                place: "Biuro klienta",
                introduction: "przedstawienie oferty",
                streets: ["ul. Piotrkowska 104", "ul. Długa 17", "al. Jerozolimskie 65", "ul. Świętojańska 8"],
                sources: ["strona WWW", "polecenie", "zimny telefon", "targi", "partner", "kampania e-mail"]
            )
        case "ru":
            DemoPhrases(
                products: ["Лицензии", "Внедрение", "Пакет поддержки", "Обучение", "Оборудование", "Интеграция"],
                tasks: [
                    "Отправить исправленное предложение", "Созвониться по бюджету", "Подготовить демонстрацию", "Уточнить дату решения",
                    "Согласовать условия поставки",
                ],
                call: "Контрольный звонок",
                callNotes: "Обсудили следующие шаги.",
                outcome: "Заинтересован",
                meeting: "Встреча у клиента",
                place: "Офис клиента",
                introduction: "знакомство",
                streets: ["ул. Тверская, д. 12", "Невский пр., д. 28", "ул. Ленина, д. 5", "ул. Садовая, д. 3"],
                sources: ["сайт", "рекомендация", "холодный звонок", "выставка", "партнёр", "e-mail рассылка"]
            )
        case "bg":
            DemoPhrases(
                products: ["Лицензи", "Внедряване", "Пакет за поддръжка", "Обучение", "Хардуер", "Интеграция"],
                tasks: [
                    "Да се изпрати коригираната оферта", "Обаждане за бюджета", "Подготовка на демонстрация", "Да се уточни датата на решение",
                    "Потвърждаване на условията за доставка",
                ],
                call: "Контролно обаждане",
                callNotes: "Обсъдихме следващите стъпки.",
                outcome: "Заинтересован",
                meeting: "Среща при клиента",
                place: "Офисът на клиента",
                introduction: "запознанство",
                streets: ["бул. Витоша 15", "ул. Главна 22", "бул. Мария Луиза 40", "ул. Шипка 6"],
                sources: ["уебсайт", "препоръка", "студено обаждане", "изложение", "партньор", "имейл кампания"]
            )
        case "hu":
            DemoPhrases(
                products: ["Licencek", "Bevezetés", "Támogatási csomag", "Képzés", "Hardver", "Integráció"],
                tasks: [
                    "Elküldeni a javított ajánlatot", "Egyeztetés a keretről", "Bemutató előkészítése", "Rákérdezni a döntés időpontjára",
                    "Szállítási feltételek megerősítése",
                ],
                call: "Követő hívás",
                callNotes: "Megbeszéltük a következő lépéseket.",
                outcome: "Érdeklődik",
                meeting: "Találkozó az ügyfélnél",
                place: "Az ügyfél irodája",
                introduction: "bemutatkozás",
                streets: ["Andrássy út 12.", "Fő utca 7.", "Rákóczi út 33.", "Kossuth Lajos utca 2."],
                sources: ["weboldal", "ajánlás", "hideghívás", "vásár", "partner", "e-mail kampány"]
            )
        default:
            DemoPhrases(
                products: ["Licences", "Implementation", "Support plan", "Training", "Hardware", "Integration"],
                tasks: [
                    "Send the revised offer", "Call about the budget", "Prepare the demo", "Ask for the decision date", "Confirm delivery terms",
                ],
                call: "Follow-up call",
                callNotes: "Discussed the next steps.",
                outcome: "Interested",
                meeting: "Meeting at the customer",
                place: "Customer's office",
                introduction: "introduction",
                streets: ["12 High Street", "4 Station Road", "27 Church Lane", "9 Victoria Road"],
                sources: ["website", "referral", "cold call", "trade fair", "partner", "e-mail campaign"]
            )
        }
    }
}
