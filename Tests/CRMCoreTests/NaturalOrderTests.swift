import CRMCore
import Testing

/// Lists sort names by their sort keys, byte by byte on both engines; numbers in them must compare by value.
@Suite("Numbers in names sort by value")
struct NaturalOrderTests {
    static let names = [
        "Odlew", "Odlew 1", "Odlew 007", "Odlew 2", "Odlew 2a", "Odlew 2 Gliwice", "Odlew 10", "Odlew 12", "Odlew 100",
        "Odlew 99999999", "Odlew 123456789", "Odlew 1234567890", "Odlew Śląski", "Odlewnia", "Odlewnia 3",
        "Filia 0", "Filia 00", "Filia 1.5", "Filia 1.10", "Магазин №9", "Магазин №10", "Apteka 24h", "R2D2", "2 Brothers",
        "10 Downing", "Ürün 3", "Ürün 30", String(repeating: "7", count: 120), String(repeating: "7", count: 110),
    ]

    @Test("names differing in a number list in the number's order; numbers still come before letters")
    func order() {
        let sorted = [
            "Odlew 10", "Odlew", "Odlew 2 Gliwice", "Odlew 100", "Odlew 2", "Odlew 1234567890", "Odlew 99999999", "Odlew 123456789", "Odlew 12",
            "Odlewnia", "Odlew 1", "Odlew Śląski",
        ]
        .sorted { TextFolding.sortKey($0) < TextFolding.sortKey($1) }
        #expect(
            sorted == [
                "Odlew", "Odlew 1", "Odlew 2", "Odlew 2 Gliwice", "Odlew 10", "Odlew 12", "Odlew 100", "Odlew 99999999", "Odlew 123456789",
                "Odlew 1234567890", "Odlew Śląski", "Odlewnia",
            ]
        )
        #expect(TextFolding.sortKey("Магазин №9") < TextFolding.sortKey("Магазин №10"))
        #expect(TextFolding.sortKey("Filia 1.5") < TextFolding.sortKey("Filia 1.10"))
        #expect(TextFolding.sortKey("2 Brothers") < TextFolding.sortKey("10 Downing"))
        #expect(TextFolding.sortKey("Odlew 007") == TextFolding.sortKey("Odlew 7"))
        #expect(TextFolding.sortKey(String(repeating: "7", count: 110)) < TextFolding.sortKey(String(repeating: "7", count: 120)))
    }

    @Test("a key gives back its text, numbers without their leading zeros")
    func text() {
        for name in Self.names {
            let folded = TextFolding.fold(name)
            let withoutZeros = folded.replacing(/(^|[^0-9])0+([0-9])/) { "\($0.1)\($0.2)" }
            #expect(NaturalOrder.text(ofKey: TextFolding.sortKey(name)) == withoutZeros, "\(name)")
        }
        #expect(NaturalOrder.text(ofKey: "filia 10") == "filia 0")
    }

    @Test("every key of a name starting with what is typed starts with one of the typed text's key prefixes, which are in key order")
    func prefixes() {
        var checked = 0
        for name in Self.names {
            let folded = TextFolding.fold(name)
            let key = TextFolding.sortKey(name)
            for length in 1...folded.count {
                let typed = String(folded.prefix(length))
                let prefixes = NaturalOrder.keyPrefixes(typed)
                #expect(prefixes.contains { key.hasPrefix($0) }, "\(name) typed as \(typed): \(prefixes)")
                #expect(prefixes == prefixes.sorted())
                checked += 1
            }
        }
        #expect(checked > 300)
        #expect(NaturalOrder.keyPrefixes("odlew") == ["odlew"])
        #expect(NaturalOrder.keyPrefixes("r2d") == ["r12d"])
        #expect(
            NaturalOrder.keyPrefixes("odlew 1") == [
                "odlew 11", "odlew 21", "odlew 31", "odlew 41", "odlew 51", "odlew 61", "odlew 71", "odlew 81", "odlew 9",
            ]
        )
        #expect(NaturalOrder.keyPrefixes("odlew 00") == ["odlew "])
    }
}
