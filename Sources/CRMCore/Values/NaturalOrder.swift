/// Numbers inside sort keys compared by their value, so "Odlew 2" lists before "Odlew 10" on both engines, which
/// compare keys byte by byte.
///
/// Each run of ASCII digits is written after its length, leading zeros dropped: one digit "1"…"8" for numbers of up
/// to eight digits, "9" and two more for longer ones ("900" for nine digits … "999" for 108). A longer number is then
/// greater from its first byte on, and numbers of one length compare as text. The lengths are digits themselves, so
/// numbers still sort before letters, as they did.
public enum NaturalOrder {
    /// The longest number one length describes; a longer run is written as several numbers.
    static let longestNumber = 108

    /// `text` (folded) with its numbers written to sort by value.
    public static func key(_ text: String) -> String {
        rewritingNumbers(text) { bytes, index, result in
            var end = index
            while end < bytes.count, isDigit(bytes[end]) { end += 1 }
            var start = index
            while start < end - 1, bytes[start] == UInt8(ascii: "0") { start += 1 }
            var digits = bytes[start..<end]
            repeat {
                let number = digits.prefix(longestNumber)
                result += length(number.count) + number
                digits = digits.dropFirst(number.count)
            } while !digits.isEmpty
            return end
        }
    }

    /// The folded text a key was made of, its numbers without leading zeros.
    public static func text(ofKey key: String) -> String {
        rewritingNumbers(key) { bytes, index, result in
            var index = index
            var count = Int(bytes[index] - UInt8(ascii: "0"))
            index += 1
            if count == 9, index + 1 < bytes.count, isDigit(bytes[index]), isDigit(bytes[index + 1]) {
                count += Int(bytes[index] - UInt8(ascii: "0")) * 10 + Int(bytes[index + 1] - UInt8(ascii: "0"))
                index += 2
            }
            let end = min(index + count, bytes.count)
            result += bytes[index..<end]
            return end
        }
    }

    /// `text` with every other byte copied and each number, from its first digit, written by `number` (which
    /// answers where the number ended).
    private static func rewritingNumbers(_ text: String, _ number: (_ bytes: [UInt8], _ index: Int, _ result: inout [UInt8]) -> Int) -> String {
        guard text.utf8.contains(where: isDigit) else { return text }
        let bytes = Array(text.utf8)
        var result: [UInt8] = []
        result.reserveCapacity(bytes.count + 8)
        var index = 0
        while index < bytes.count {
            if isDigit(bytes[index]) {
                index = number(bytes, index, &result)
            } else {
                result.append(bytes[index])
                index += 1
            }
        }
        return String(decoding: result, as: UTF8.self)
    }

    /// Beginnings of keys, in key order, such that every key of a text starting with `typed` (folded) starts with
    /// one of them, for walking the name index as someone types.
    ///
    /// A number being typed may still grow ("Odlew 1" becomes "Odlew 12" or "Odlew 100"), so each length it may reach
    /// is its own beginning; lengths past eight share "9", which also begins longer numbers that do not start with
    /// the digits typed. A typed number of zeros alone may become any number. Callers match the text itself as well.
    public static func keyPrefixes(_ typed: String) -> [String] {
        let bytes = Array(typed.utf8)
        let headEnd = bytes.lastIndex { !isDigit($0) }.map { $0 + 1 } ?? 0
        guard headEnd < bytes.count else { return [key(typed)] }
        let head = key(String(decoding: bytes[..<headEnd], as: UTF8.self))
        let digits = bytes[headEnd...].drop { $0 == UInt8(ascii: "0") }
        guard !digits.isEmpty else { return [head] }
        let typedNumber = String(decoding: digits, as: UTF8.self)
        let short: [String] = digits.count <= 8 ? (digits.count...8).map { head + String(decoding: length($0), as: UTF8.self) + typedNumber } : []
        return short + [head + "9"]
    }

    private static func length(_ count: Int) -> [UInt8] {
        guard count > 8 else { return [UInt8(ascii: "0") + UInt8(count)] }
        let beyond = count - 9
        return [UInt8(ascii: "9"), UInt8(ascii: "0") + UInt8(beyond / 10), UInt8(ascii: "0") + UInt8(beyond % 10)]
    }

    private static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }
}
