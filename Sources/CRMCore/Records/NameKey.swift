import Foundation

/// The spelling-independent form of a person's or company's name that duplicate detection compares: folded
/// (case, accents, Polish ł), Cyrillic written in Latin letters, legal forms, initials and punctuation dropped
/// (numbers kept without leading zeros: "Filia 2" is not "Filia 3", but is "Filia 02"),
/// words in alphabetical order. "Wiśniewski Łukasz" and "Lukasz Wisniewski" both give "lukasz wisniewski";
/// "Иванов" and "Ivanov" give "ivanov"; "Łódź Tekstylia sp. z o.o." and "Lodz Tekstylia" give "lodz tekstylia".
public enum NameKey {
    public static func of(_ name: String) -> String { of(sortKey: TextFolding.sortKey(name)) }

    /// The key of the name a stored sort key was made of, so candidates can be judged without reading their names.
    public static func of(sortKey: String) -> String {
        let text = latin(NaturalOrder.text(ofKey: sortKey))
        // Folded Latin and Cyrillic names are ASCII by now, split byte by byte; other scripts by their characters.
        let split: [String] =
            text.utf8.allSatisfy({ $0 < 0x80 })
            ? text.utf8.split { !isASCIILetterOrDigit($0) }.map { String(decoding: $0, as: UTF8.self) }
            : text.split { !$0.isLetter && !$0.isNumber }.map(String.init)
        let words = split.map(squash).filter { ($0.count > 1 || $0.allSatisfy(\.isNumber)) && !legalForms.contains($0) }
        return words.sorted().joined(separator: " ")
    }

    private static func isASCIILetterOrDigit(_ byte: UInt8) -> Bool {
        (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
    }

    /// Folded text with Cyrillic letters in Latin ones (other characters unchanged), so a name typed in either
    /// script can be found by the other: `иванов` → `ivanov`, `христов` → `khristov`.
    public static func latin(_ folded: String) -> String {
        guard folded.unicodeScalars.contains(where: { (0x0400...0x04FF).contains($0.value) }) else { return folded }
        var result = ""
        result.reserveCapacity(folded.utf8.count)
        // Folding left no marks to join a letter, so each Cyrillic letter is one scalar.
        for scalar in folded.unicodeScalars {
            if let latin = cyrillic[scalar] { result += latin } else { result.unicodeScalars.append(scalar) }
        }
        return result
    }

    /// Spellings that transliteration schemes disagree on, made one: Russian passports write х as kh,
    /// Bulgarian ones as h; щ is shch or sht.
    private static func squash(_ word: String) -> String {
        guard word.utf8.contains(UInt8(ascii: "h")) else { return word }
        return word.replacingOccurrences(of: "kh", with: "h").replacingOccurrences(of: "shch", with: "sht")
    }

    /// Folded Cyrillic (й and ё are already и and е) as Russian and Bulgarian names are written in Latin letters.
    private static let cyrillic: [Unicode.Scalar: String] = [
        "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ж": "zh", "з": "z", "и": "i", "к": "k", "л": "l",
        "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts",
        "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu", "я": "ya",
    ]

    /// Legal forms of Polish, Russian, Hungarian, Bulgarian and English companies, as words after folding.
    private static let legalForms: Set<String> = [
        "sp", "zoo", "oo", "sa", "ska", "spk", "ltd", "limited", "plc", "llc", "inc", "gmbh", "ag",
        "kft", "zrt", "nyrt", "bt", "ooo", "oao", "zao", "ao", "pao", "ip", "eood", "ood", "ead", "ad", "et",
    ]
}
