extension PhoneNumber {
    /// The number as people read it: the country code apart and the national number in the groups its country
    /// writes (`+48 22 123 45 67`, `+48 600 100 200`, `+7 495 123-45-67`, `+36 1 234 5678`, `+359 2 987 6543`,
    /// `+44 20 7946 0958`), in groups of three elsewhere. Pages show it; matching, links and exports keep `e164`.
    public var international: String {
        let digits = Array(e164.utf8.dropFirst())
        let codeLength = Self.callingCodeLength(digits)
        guard digits.count > codeLength else { return e164 }
        let code = String(decoding: digits[..<codeLength], as: UTF8.self)
        let national = Array(digits[codeLength...])
        return "+\(code) " + Self.grouped(national, Self.groups(code: code, national))
    }

    /// Calling codes are prefix-free: 1 and 7 have one digit, the codes listed here two, every other three (ITU-T E.164).
    private static func callingCodeLength(_ digits: [UInt8]) -> Int {
        guard let first = digits.first else { return 0 }
        if first == UInt8(ascii: "1") || first == UInt8(ascii: "7") { return 1 }
        guard digits.count >= 2 else { return 1 }
        return twoDigitCodes.contains(String(decoding: digits[..<2], as: UTF8.self)) ? 2 : 3
    }

    private static let twoDigitCodes: Set<String> = [
        "20", "27", "30", "31", "32", "33", "34", "36", "39", "40", "41", "43", "44", "45", "46", "47", "48", "49",
        "51", "52", "53", "54", "55", "56", "57", "58", "60", "61", "62", "63", "64", "65", "66", "81", "82", "84", "86",
        "90", "91", "92", "93", "94", "95", "98",
    ]

    /// Group lengths of a national number (the last group takes what is left), and the separator after each group.
    private static func groups(code: String, _ national: [UInt8]) -> [(length: Int, separator: String)] {
        let prefix = { (count: Int) in String(decoding: national.prefix(count), as: UTF8.self) }
        switch (code, national.count) {
        case ("48", 9):
            // Landlines have a two-digit area code; mobile numbers are read in threes.
            return polishAreaCodes.contains(prefix(2)) ? [(2, " "), (3, " "), (2, " ")] : [(3, " "), (3, " ")]
        case ("7", 10):
            return [(3, " "), (3, "-"), (2, "-")]
        case ("36", 8) where prefix(1) == "1":
            return [(1, " "), (3, " ")]
        case ("36", 9):
            return [(2, " "), (3, " ")]
        case ("36", 8):
            return [(2, " "), (3, " ")]
        case ("359", 8) where prefix(1) == "2", ("359", 7) where prefix(1) == "2":
            return [(1, " "), (3, " ")]
        case ("359", 9):
            return [(2, " "), (3, " ")]
        case ("44", 10) where prefix(1) == "2":
            return [(2, " "), (4, " ")]
        case ("44", 10):
            return [(4, " ")]
        default:
            // Threes, without a lone digit at the end.
            let count = max((national.count - 1) / 3, 0)
            return Array(repeating: (3, " "), count: national.count % 3 == 1 && count > 0 ? count - 1 : count)
        }
    }

    private static let polishAreaCodes: Set<String> = [
        "12", "13", "14", "15", "16", "17", "18", "22", "23", "24", "25", "29", "32", "33", "34", "41", "42", "43", "44",
        "46", "48", "52", "54", "55", "56", "58", "59", "61", "62", "63", "65", "67", "68", "71", "74", "75", "76", "77",
        "81", "82", "83", "84", "85", "86", "87", "89", "91", "94", "95",
    ]

    private static func grouped(_ digits: [UInt8], _ groups: [(length: Int, separator: String)]) -> String {
        var result = ""
        var index = 0
        for group in groups where index + group.length < digits.count {
            result += String(decoding: digits[index..<index + group.length], as: UTF8.self) + group.separator
            index += group.length
        }
        return result + String(decoding: digits[index...], as: UTF8.self)
    }
}
