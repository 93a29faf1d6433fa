import Foundation

/// Folds text for matching and sorting: lower case, accents removed, and the letters that Unicode does not
/// decompose (Polish ł, Danish ø, German ß …) spelled in plain Latin, so `lodz` finds Łódź in every engine.
///
/// SQLite FTS5's `remove_diacritics` and PostgreSQL's `unaccent` disagree on exactly these letters, so the
/// store keeps a folded copy of every searchable text made here and compares folded to folded.
public enum TextFolding {
    private static let undecomposable: [Character: String] = [
        "ł": "l", "đ": "d", "ð": "d", "ø": "o", "ß": "ss", "æ": "ae", "œ": "oe", "ı": "i", "þ": "th",
        "ħ": "h", "ŀ": "l",
    ]

    public static func fold(_ text: String) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            let value = scalar.value
            if value < 0x80 {
                bytes.append(value >= 0x41 && value <= 0x5A ? UInt8(value + 0x20) : UInt8(value))
            } else if value < UInt32(folded.count), !greek.contains(value) {
                bytes += folded[Int(value)]
            } else {
                return foldByCharacters(text)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Each scalar of Latin, combining marks and Cyrillic folded alone, as UTF-8: folding is then a lookup per
    /// scalar (an import folds every name of a file several times). Greek is left to `foldByCharacters`, whose
    /// lower case depends on where a sigma stands in its word.
    private static let folded: [[UInt8]] = (0..<0x0530).map { value in
        Array(foldByCharacters(String(Character(Unicode.Scalar(UInt32(value))!))).utf8)
    }
    private static let greek: Range<UInt32> = 0x0370..<0x0400

    /// The definition: lower case, canonical decomposition, marks dropped, undecomposable letters spelled out.
    static func foldByCharacters(_ text: String) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count)
        for character in text.lowercased().decomposedStringWithCanonicalMapping {
            if let replacement = undecomposable[character] {
                result += replacement
                continue
            }
            var scalars = String.UnicodeScalarView()
            for scalar in character.unicodeScalars where !isMark(scalar) {
                scalars.append(scalar)
            }
            result.unicodeScalars.append(contentsOf: scalars)
        }
        // ё is read as е in everyday Russian writing; searching for one must find the other.
        return result.replacingOccurrences(of: "ё", with: "е")
    }

    /// Folded text with runs of whitespace collapsed and numbers written to sort by value (`NaturalOrder`), used as
    /// a sort key so that "Łódź" sorts among the Ls and "Odlew 2" before "Odlew 10".
    public static func sortKey(_ text: String) -> String {
        let folded = fold(text)
        // Most names are already single-spaced: no ASCII control or doubled, leading or trailing space, and none of the
        // lead bytes every other whitespace character's UTF-8 starts with (U+0085, U+00A0, U+1680, U+2000…U+3000).
        var previous = UInt8(ascii: " ")
        let spaced = folded.utf8.allSatisfy { byte in
            defer { previous = byte }
            return byte >= 0x20 && byte != 0xC2 && !(0xE1...0xE3).contains(byte) && !(byte == 0x20 && previous == 0x20)
        }
        if spaced, folded.utf8.last != 0x20 { return NaturalOrder.key(folded) }
        return NaturalOrder.key(folded.split(whereSeparator: \.isWhitespace).joined(separator: " "))
    }

    private static func isMark(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .nonspacingMark, .spacingMark, .enclosingMark: true
        default: false
        }
    }
}
