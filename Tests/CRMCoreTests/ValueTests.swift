import Foundation
import Testing

@testable import CRMCore

@Suite("Values")
struct ValueTests {
    @Test(
        "phone numbers in local and international formats normalise to E.164",
        arguments: [
            ("(22) 123-45-67", "48", "+48221234567"),
            ("022 123 45 67", "48", "+48221234567"),
            ("+48 600-700-800", "48", "+48600700800"),
            ("0048 600 700 800", "48", "+48600700800"),
            ("8 (495) 123-45-67", "7", "+74951234567"),
            ("+7 495 123 45 67 доб. 12", "7", "+74951234567"),
            ("06 1 234 5678", "36", "+3612345678"),
            ("02 987 6543", "359", "+35929876543"),
            ("+44 20 7946 0958 ext. 4", "48", "+442079460958"),
        ]
    )
    func phones(raw: String, country: String, expected: String) throws {
        #expect(try PhoneNumber(raw, defaultCountryCode: country).e164 == expected)
    }

    @Test(
        "phone numbers are shown in the groups their country writes, and read back to the same number",
        arguments: [
            ("+48221234567", "+48 22 123 45 67"),
            ("+48600700800", "+48 600 700 800"),
            ("+74951234567", "+7 495 123-45-67"),
            ("+3612345678", "+36 1 234 5678"),
            ("+36201234567", "+36 20 123 4567"),
            ("+3662123456", "+36 62 123 456"),
            ("+35929876543", "+359 2 987 6543"),
            ("+359881234567", "+359 88 123 4567"),
            ("+442079460958", "+44 20 7946 0958"),
            ("+447911123456", "+44 7911 123456"),
            ("+12125550123", "+1 212 555 0123"),
            ("+420123456789", "+420 123 456 789"),
            ("+4930123456", "+49 301 234 56"),
            ("+38640123", "+386 401 23"),
        ]
    )
    func shownPhones(e164: String, shown: String) throws {
        let number = try PhoneNumber(e164)
        #expect(number.international == shown)
        #expect(try PhoneNumber(shown, defaultCountryCode: "36") == number)
    }

    @Test(
        "things that are not phone numbers are refused",
        arguments: ["", "call me", "12", "+48 12 34", "1+2345678", "++48600700800", String(repeating: "9", count: 20)]
    )
    func badPhones(raw: String) {
        #expect(throws: ValidationError.self) { try PhoneNumber(raw) }
    }

    @Test("e-mail addresses are trimmed and lower-cased; malformed ones refused")
    func emails() throws {
        #expect(try EmailAddress("  Anna.Nowak@Firma.PL ").value == "anna.nowak@firma.pl")
        #expect(try EmailAddress("иван@почта.рф").value == "иван@почта.рф")
        let long = String(repeating: "a", count: 245) + "@firma.pl"
        #expect(try EmailAddress(long).value == long)
        let bad = [
            "", "anna", "anna@", "@firma.pl", "anna@firma", "a b@firma.pl", "a@b@c.pl", "anna@.pl", "anna@firma.pl.", "<anna@firma.pl>",
            "anna@firma.pl;jan@firma.pl", "anna@firma.pl,jan@firma.pl", "an\tna@firma.pl", "a\u{00A0}b@firma.pl", "ив ан@почта.рф", "a" + long,
        ]
        for text in bad {
            #expect(throws: ValidationError.self, "\(text)") { try EmailAddress(text) }
        }
        // ASCII addresses are checked byte by byte; the same rules as by characters.
        for text in bad + [long, "anna.nowak@firma.pl", "x@y.z", "a.@b.c", "a@b..c"] {
            #expect(EmailAddress.isWellFormed(text) == EmailAddress.isWellFormedByCharacters(text), "\(text)")
        }
    }

    @Test(
        "folding removes case and accents, including letters Unicode does not decompose",
        arguments: [
            ("Łódź", "lodz"), ("Székesfehérvár", "szekesfehervar"), ("ИВАНОВ", "иванов"), ("Ёлочка", "елочка"),
            ("Straße", "strasse"), ("Øresund", "oresund"), ("Wiśniewski", "wisniewski"), ("Пловдив", "пловдив"), ("Ősi", "osi"),
        ]
    )
    func folding(text: String, folded: String) {
        #expect(TextFolding.fold(text) == folded)
    }

    @Test("money parses decimal text exactly and refuses what it cannot represent")
    func money() throws {
        let pln = try Currency(code: "pln")
        #expect(try Money(decimal: "1234.5", currency: pln).minorUnits == 123_450)
        #expect(try Money(decimal: "-0.05", currency: pln).decimalString == "-0.05")
        #expect(try Money(decimal: "1000", currency: try Currency(code: "JPY")).decimalString == "1000")
        #expect(try Money(decimal: "1.234", currency: try Currency(code: "KWD")).minorUnits == 1234)
        for bad in ["1.234", "abc", "", "1.", ".5", "1e5", "1,5", "99999999999999999999"] {
            #expect(throws: ValidationError.self, "\(bad)") { try Money(decimal: bad, currency: pln) }
        }
        #expect(throws: ValidationError.self) { try Money(minorUnits: 1, currency: pln) + Money(minorUnits: 1, currency: try Currency(code: "EUR")) }
        #expect(throws: ValidationError.self) { try Currency(code: "zł") }
    }

    @Test(
        "amounts are read as people type them in each of our languages",
        arguments: [
            ("300 000,00", "PLN", "300000.00"), ("300000,00", "PLN", "300000.00"), ("1 200,50 zł", "PLN", "1200.50"),
            ("1\u{00A0}200,50\u{00A0}zł", "PLN", "1200.50"), ("1\u{202F}200,5", "PLN", "1200.50"), ("PLN 99", "PLN", "99.00"),
            ("1,200.50", "USD", "1200.50"), ("$1,200", "USD", "1200.00"), ("1.200.000,75 €", "EUR", "1200000.75"), ("1'250.40", "CHF", "1250.40"),
            ("12 000 руб.", "RUB", "12000.00"), ("12 000,5 ₽", "RUB", "12000.50"), ("1 500 Ft", "HUF", "1500.00"), ("2 400,90 лв.", "BGN", "2400.90"),
            ("1,200", "PLN", "1200.00"), ("1.200", "EUR", "1200.00"), ("12,5", "PLN", "12.50"), ("-1 000,00", "PLN", "-1000.00"),
            ("0,99", "EUR", "0.99"),
        ]
    )
    func typedAmounts(text: String, code: String, expected: String) throws {
        #expect(try Money(typed: text, currency: Currency(code: code)).decimalString == expected)
    }

    @Test(
        "typed amounts that are not amounts, or in another currency, are refused rather than guessed",
        arguments: [
            ("12 500,5x", "PLN"), ("", "PLN"), ("zł", "PLN"), ("1,2,3", "PLN"), ("12.34.56", "EUR"), ("1,234.567", "USD"), ("100 €", "PLN"),
            (",5", "PLN"), ("1 200,505", "PLN"), ("12-5", "PLN"), ("1 200,50 zł zł", "PLN"),
        ]
    )
    func untypedAmounts(text: String, code: String) throws {
        #expect(throws: ValidationError.self) { try Money(typed: text, currency: Currency(code: code)) }
    }

    @Test("dates, numbers and money are formatted in the reader's language and time zone")
    func formatting() throws {
        let moment = Timestamp(rawValue: 1_767_225_600_000)  // 2026-01-01 00:00 UTC
        let polish = DisplayFormatter(localeIdentifier: "pl", timeZoneIdentifier: "Europe/Warsaw")
        let russian = DisplayFormatter(localeIdentifier: "ru", timeZoneIdentifier: "Europe/Moscow")
        #expect(polish.dateTime(moment).hasSuffix("1:00") && polish.dateTime(moment).contains("sty"))
        #expect(russian.dateTime(moment).hasSuffix("3:00") && russian.dateTime(moment).contains("янв"))
        #expect(polish.number(1_234_567).filter(\.isNumber) == "1234567")
        #expect(polish.number(1_234_567) != "1,234,567")
        let amount = try Money(decimal: "1234.50", currency: try Currency(code: "PLN"))
        let text = polish.money(amount)
        #expect(text.contains("234,50") && text.contains("zł"), "\(text)")
        #expect(
            DisplayFormatter(localeIdentifier: "en", timeZoneIdentifier: "UTC").money(amount).replacingOccurrences(of: "\u{00A0}", with: " ")
                == "PLN 1,234.50"
        )
    }

    @Test("a cursor round-trips, and one made for another sort or tampered with is refused")
    func cursors() throws {
        let sort = Sort(field: .name)
        let cursor = Cursor(sort: sort, key: "łódź", id: 42)
        #expect(try Cursor(token: cursor.token, for: sort) == cursor)
        #expect(throws: ValidationError.self) { try Cursor(token: cursor.token, for: Sort(field: .name, descending: true)) }
        #expect(throws: ValidationError.self) { try Cursor(token: "not-a-cursor", for: sort) }
        #expect(throws: ValidationError.self) {
            try Cursor(token: Cursor(sort: Sort(field: .createdAt), key: "abc", id: 1).token, for: Sort(field: .createdAt))
        }
    }
}

@Suite("Records and permissions as data")
struct DomainTests {
    @Test("the audit diff names exactly the fields that changed")
    func diff() {
        let changes = FieldChange.diff(old: ["name": "A", "tags": "", "city": "Łódź"], new: ["name": "B", "tags": "vip", "city": "Łódź"])
        #expect(changes == [FieldChange(field: "name", old: "A", new: "B"), FieldChange(field: "tags", old: nil, new: "vip")])
    }

    @Test("validation trims, normalises and collects every error")
    func validation() throws {
        let fields = try CompanyFields(name: "  Acme  ", taxID: " pl123 ", website: "acme.pl", tags: [" vip", "VIP", ""]).validated()
        #expect(fields.name == "Acme" && fields.taxID == "PL123" && fields.website == "https://acme.pl" && fields.tags == ["vip"])
        #expect(throws: ValidationErrors.self) { try CompanyFields(name: "", website: "no site").validated() }
        let contact = ContactFields(firstName: "János", lastName: "Kovács", nameOrder: .familyFirst)
        #expect(contact.displayName == "Kovács János" && contact.sortName == "kovacs janos")
    }

    @Test("each role's visibility", arguments: Role.allCases)
    func visibility(role: Role) {
        let me = UserID(1)
        let north = TeamID(1)
        let south = TeamID(2)
        let west = TeamID(3)
        let context = AccessContext(
            user: me,
            role: role,
            memberTeams: [north, west],
            sharingTeams: [north],
            headedTeams: role == .salesManager ? [south] : []
        )
        let visibility = context.visibility
        #expect(visibility.allows(owner: me, team: nil))
        switch role {
        case .admin:
            #expect(visibility == .all)
        case .salesManager:
            #expect(visibility.allows(owner: UserID(9), team: south) && visibility.allows(owner: UserID(9), team: north))
            #expect(!visibility.allows(owner: UserID(9), team: west))
        case .salesRep, .serviceAgent:
            #expect(visibility.allows(owner: UserID(9), team: north))
            #expect(!visibility.allows(owner: UserID(9), team: west) && !visibility.allows(owner: UserID(9), team: south))
        }
        #expect(AccessContext.system(reason: "test").visibility == .all)
    }
}

@Suite("Folding text by lookup")
struct TextFoldingLookupTests {
    @Test("the per-scalar lookup folds exactly as the definition does, for names in our five languages and every scalar it covers")
    func sameAsDefinition() {
        var samples = [
            "Łukasz Wiśniewski", "ŻÓŁĆ gęślą jaźń", "Иванов Щукин Юлия Ёлкина", "Székesfehérvár Őrség Ünnep", "Йордан Ъгъл Щастие",
            "Straße Øresund Æbeltoft", "e\u{0301}te\u{0301}", "A-Z a-z 0-9 @.+", "İstanbul",
        ]
        samples += (0x80..<0x0530).compactMap { Unicode.Scalar(UInt32($0)).map { "x" + String(Character($0)) + "Y" } }
        for text in samples {
            #expect(TextFolding.fold(text) == TextFolding.foldByCharacters(text), "\(text.unicodeScalars.map { String($0.value, radix: 16) })")
        }
        // Greek and other scripts take the definition's way.
        #expect(TextFolding.fold("ΟΔΟΣ 東京") == TextFolding.foldByCharacters("ΟΔΟΣ 東京"))
    }

    @Test("a sort key is the folded text with every run of whitespace one space, whether or not it needed mending, numbers by value")
    func sortKeys() {
        let spaces = [" ", "  ", "\t", "\n", "\r\n", "\u{00A0}", "\u{0085}", "\u{2003}", "\u{3000}", "\u{1680}", " \u{2009} "]
        for space in spaces {
            for text in ["Łukasz\(space)Wiśniewski", "\(space)Иванов", "Kovács\(space)", "\(space)a\(space)b\(space)", "Odlew 2"] {
                let expected = NaturalOrder.key(TextFolding.fold(text).split(whereSeparator: \.isWhitespace).joined(separator: " "))
                #expect(TextFolding.sortKey(text) == expected, "\(text.unicodeScalars.map { String($0.value, radix: 16) })")
            }
        }
        #expect(TextFolding.sortKey("Łukasz Wiśniewski") == "lukasz wisniewski")
        #expect(TextFolding.sortKey("") == "")
    }
}
