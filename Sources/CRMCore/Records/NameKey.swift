import Foundation

/// The spelling-independent form of a person's or company's name that duplicate detection compares: folded
/// (case, accents, Polish ł), Cyrillic written in Latin letters, legal forms, initials and punctuation dropped
/// (numbers kept: "Filia 2" is not "Filia 3"),
/// words in alphabetical order. "Wiśniewski Łukasz" and "Lukasz Wisniewski" both give "lukasz wisniewski";
/// "Иванов" and "Ivanov" give "ivanov"; "Łódź Tekstylia sp. z o.o." and "Lodz Tekstylia" give "lodz tekstylia".
public enum NameKey {
    public static func of(_ name: String) -> String {
        let words = latin(TextFolding.fold(name))
            .split { !$0.isLetter && !$0.isNumber }
            .map { squash(String($0)) }
            .filter { ($0.count > 1 || $0.allSatisfy(\.isNumber)) && !legalForms.contains($0) }
        return words.sorted().joined(separator: " ")
    }

    /// Folded text with Cyrillic letters in Latin ones (other characters unchanged), so a name typed in either
    /// script can be found by the other: `иванов` → `ivanov`, `христов` → `khristov`.
    public static func latin(_ folded: String) -> String {
        guard folded.unicodeScalars.contains(where: { (0x0400...0x04FF).contains($0.value) }) else { return folded }
        var result = ""
        result.reserveCapacity(folded.utf8.count)
        for character in folded {
            if let latin = cyrillic[character] { result += latin } else { result.append(character) }
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
    private static let cyrillic: [Character: String] = [
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
