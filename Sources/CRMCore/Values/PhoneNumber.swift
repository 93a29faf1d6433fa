import Foundation

/// A telephone number normalised to E.164 (`+48221234567`), the form used for matching callers and duplicates.
///
/// Numbers written without an international prefix are read as national numbers of the default country:
/// a leading trunk `0` (Poland, Hungary's `06`, Bulgaria, the UK) or Russia's `8` is dropped before the
/// country code is added. We do not ship a full numbering-plan database; the length check (8 to 15 digits
/// in all, per E.164) catches typing mistakes without rejecting valid numbers of countries we do not know.
public struct PhoneNumber: Hashable, Codable, Sendable, CustomStringConvertible {
    public let e164: String

    /// The calling code assumed when an installation sets none (`clientele serve --default-country-code`); every
    /// other default in the code is this one, and the server passes its setting everywhere a number is read.
    public static let fallbackCountryCode = "48"

    public init(_ raw: String, defaultCountryCode: String = fallbackCountryCode) throws(ValidationError) {
        let invalid = { ValidationError(code: "invalid_phone", message: "'\(raw)' is not a phone number") }
        var text = raw.trimmingWhitespace()
        // Only a number with something besides digits and punctuation can have an extension.
        if !text.utf8.allSatisfy(Self.allowedASCII.contains) { text = Self.withoutExtension(text) }
        guard !text.isEmpty, text.allSatisfy({ Self.allowed.contains($0) }) else { throw invalid() }
        let plusCount = text.filter { $0 == "+" }.count
        guard plusCount == 0 || (plusCount == 1 && text.hasPrefix("+")) else { throw invalid() }
        let digits = text.filter(\.isASCIIDigit)

        var international: String
        if text.hasPrefix("+") {
            international = digits
        } else if digits.hasPrefix("00") {
            international = String(digits.dropFirst(2))
        } else if defaultCountryCode == "7", digits.count == 11, digits.hasPrefix("8") {
            international = "7" + digits.dropFirst()
        } else if defaultCountryCode == "36", digits.hasPrefix("06") {
            international = "36" + digits.dropFirst(2)
        } else if digits.hasPrefix("0") {
            international = defaultCountryCode + digits.dropFirst()
        } else {
            international = defaultCountryCode + digits
        }
        guard (8...15).contains(international.count), international.first != "0" else { throw invalid() }
        self.e164 = "+" + international
    }

    private static let allowed = Set("0123456789+()-./ \u{00A0}")
    private static let allowedASCII = Set("0123456789+()-./ ".utf8)

    /// The number before an extension ("ext. 12", "x12", "wew. 12"), which is not part of the number used for matching.
    private static func withoutExtension(_ text: String) -> String {
        let lowered = text.lowercased()
        let cut = [" ext", " x", " wew", " доб", ";ext="].compactMap { lowered.range(of: $0) }.map {
            lowered.distance(from: lowered.startIndex, to: $0.lowerBound)
        }.min()
        return cut.map { String(text.prefix($0)) } ?? text
    }

    public var description: String { e164 }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        do { try self.init(text) } catch {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: error.message)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(e164)
    }
}

extension Character {
    var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}
