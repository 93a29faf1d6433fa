public import Foundation

/// Text files as other programs write them: UTF-8 (with or without a byte-order mark), UTF-16 with a mark, or
/// one of the legacy code pages our users' systems still produce (windows-1251 and KOI8-R for Russian and
/// Bulgarian, windows-1250 and ISO-8859-2 for Polish and Hungarian). Without a mark, the code page is the one
/// under which the most words read as words of one script.
public enum TextDecoding {
    /// The decoded text and the name of the encoding it was read as.
    public static func decode(_ data: Data) throws(ValidationError) -> (text: String, encoding: String) {
        let bytes = [UInt8](data)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]), let text = String(bytes: bytes.dropFirst(3), encoding: .utf8) { return (text, "utf-8") }
        if bytes.starts(with: [0xFF, 0xFE]), let text = String(data: Data(bytes.dropFirst(2)), encoding: .utf16LittleEndian) {
            return (text, "utf-16le")
        }
        if bytes.starts(with: [0xFE, 0xFF]), let text = String(data: Data(bytes.dropFirst(2)), encoding: .utf16BigEndian) {
            return (text, "utf-16be")
        }
        if let text = String(validating: bytes, as: UTF8.self) { return (text, "utf-8") }
        if bytes.contains(0) {
            throw ValidationError(code: "binary_file", message: "the file holds NUL bytes: it is not text, or it is UTF-16 without a byte-order mark")
        }
        let scored = codePages.map { name, table in
            let text = decode(bytes, table)
            return (name: name, text: text, score: plausibility(text))
        }
        // Ties keep the order of `codePages`: windows code pages are the commoner.
        let best = scored.enumerated().max { ($0.element.score, -$0.offset) < ($1.element.score, -$1.offset) }!.element
        return (best.text, best.name)
    }

    /// Each code page's characters for bytes 0x80–0xFF (U+FFFD where the page defines none).
    public static let codePages: [(name: String, table: [Character])] = [
        (
            "windows-1251",
            Array(
                "ЂЃ‚ѓ„…†‡€‰Љ‹ЊЌЋЏђ‘’“”•–—\u{FFFD}™љ›њќћџ ЎўЈ¤Ґ¦§Ё©Є«¬\u{AD}®Ї°±Ііґµ¶·ё№є»јЅѕїАБВГДЕЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯабвгдежзийклмнопрстуфхцчшщъыьэюя"
            )
        ),
        (
            "koi8-r",
            Array("─│┌┐└┘├┤┬┴┼▀▄█▌▐░▒▓⌠■∙√≈≤≥ ⌡°²·÷═║╒ё╓╔╕╖╗╘╙╚╛╜╝╞╟╠╡Ё╢╣╤╥╦╧╨╩╪╫╬©юабцдефгхийклмнопярстужвьызшэщчъЮАБЦДЕФГХИЙКЛМНОПЯРСТУЖВЬЫЗШЭЩЧЪ")
        ),
        (
            "windows-1250",
            Array(
                "€\u{FFFD}‚\u{FFFD}„…†‡\u{FFFD}‰Š‹ŚŤŽŹ\u{FFFD}‘’“”•–—\u{FFFD}™š›śťžź ˇ˘Ł¤Ą¦§¨©Ş«¬\u{AD}®Ż°±˛ł´µ¶·¸ąş»Ľ˝ľżŔÁÂĂÄĹĆÇČÉĘËĚÍÎĎĐŃŇÓÔŐÖ×ŘŮÚŰÜÝŢßŕáâăäĺćçčéęëěíîďđńňóôőö÷řůúűüýţ˙"
            )
        ),
        (
            "iso-8859-2",
            Array(
                "\u{80}\u{81}\u{82}\u{83}\u{84}\u{85}\u{86}\u{87}\u{88}\u{89}\u{8A}\u{8B}\u{8C}\u{8D}\u{8E}\u{8F}\u{90}\u{91}\u{92}\u{93}\u{94}\u{95}\u{96}\u{97}\u{98}\u{99}\u{9A}\u{9B}\u{9C}\u{9D}\u{9E}\u{9F} Ą˘Ł¤ĽŚ§¨ŠŞŤŹ\u{AD}ŽŻ°ą˛ł´ľśˇ¸šşťź˝žżŔÁÂĂÄĹĆÇČÉĘËĚÍÎĎĐŃŇÓÔŐÖ×ŘŮÚŰÜÝŢßŕáâăäĺćçčéęëěíîďđńňóôőö÷řůúűüýţ˙"
            )
        ),
    ]

    static func decode(_ bytes: [UInt8], _ table: [Character]) -> String {
        var text = ""
        text.reserveCapacity(bytes.count)
        for byte in bytes {
            text.append(byte < 0x80 ? Character(Unicode.Scalar(byte)) : table[Int(byte) - 0x80])
        }
        return text
    }

    /// Words with non-ASCII characters count +1 when made only of letters of one script (Latin or Cyrillic)
    /// and -1 otherwise; lower-case letters outnumber capitals in real text, which tells windows-1251 from
    /// KOI8-R; characters a code page does not define, and control characters, count against it.
    static func plausibility(_ text: String) -> Int {
        var score = 0
        for word in text.split(whereSeparator: { $0.isWhitespace || ";,.:\"'()[]{}|/\\-–—«»„“”0123456789".contains($0) }) {
            guard word.contains(where: { !$0.isASCII }) else { continue }
            let cyrillic = word.allSatisfy { $0.isLetter && $0.unicodeScalars.allSatisfy { (0x400...0x4FF).contains($0.value) } }
            let latin = word.allSatisfy { $0.isLetter && $0.unicodeScalars.allSatisfy { $0.value < 0x250 } }
            score += cyrillic || latin ? 2 : -2
            score += word.dropFirst().reduce(0) { $0 + ($1.isLowercase ? 1 : ($1.isUppercase ? -1 : 0)) }
        }
        score -= 10 * text.unicodeScalars.count { $0 == "\u{FFFD}" || ((0x80...0x9F).contains($0.value)) }
        return score
    }
}
