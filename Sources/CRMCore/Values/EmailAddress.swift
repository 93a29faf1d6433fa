/// An e-mail address, lower-cased for matching.
///
/// Lower-casing the local part is not strictly RFC 5321, but every mail system our users meet treats it as
/// case-insensitive, and matching `Anna@Firma.pl` with `anna@firma.pl` matters more for duplicates and caller
/// recognition than the theoretical case-sensitive mailbox.
public struct EmailAddress: Hashable, Codable, Sendable, CustomStringConvertible {
    public let value: String

    public init(_ raw: String) throws(ValidationError) {
        let trimmed = raw.trimmingWhitespace()
        guard Self.isWellFormed(trimmed) else {
            throw ValidationError(code: "invalid_email", message: "'\(raw)' is not an e-mail address")
        }
        self.value = trimmed.lowercased()
    }

    /// One `@` after something, a domain with a dot inside, at most 254 characters, no spaces or separators of lists.
    static func isWellFormed(_ text: String) -> Bool {
        // Nearly every address is ASCII, checked byte by byte (an import checks hundreds of thousands).
        guard text.utf8.allSatisfy({ $0 < 0x80 }) else { return isWellFormedByCharacters(text) }
        let bytes = Array(text.utf8)
        guard bytes.count <= 254, let at = bytes.firstIndex(of: UInt8(ascii: "@")), at > 0 else { return false }
        let domain = bytes[(at + 1)...]
        guard !domain.contains(UInt8(ascii: "@")), domain.contains(UInt8(ascii: ".")),
            domain.first != UInt8(ascii: "."), domain.last != UInt8(ascii: ".")
        else { return false }
        return !bytes.contains {
            $0 == 0x20 || (0x09...0x0D).contains($0) || $0 == UInt8(ascii: "<") || $0 == UInt8(ascii: ">") || $0 == UInt8(ascii: ",")
                || $0 == UInt8(ascii: ";")
        }
    }

    static func isWellFormedByCharacters(_ text: String) -> Bool {
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        return parts.count == 2 && !parts[0].isEmpty && parts[1].contains(".")
            && !parts[1].hasPrefix(".") && !parts[1].hasSuffix(".")
            && text.count <= 254
            && !text.contains(where: { $0.isWhitespace || $0 == "<" || $0 == ">" || $0 == "," || $0 == ";" })
    }

    public var description: String { value }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        do { try self.init(text) } catch {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: error.message)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(value)
    }
}

extension StringProtocol where UTF8View: BidirectionalCollection {
    public func trimmingWhitespace() -> String {
        // Most values have nothing to trim: a visible ASCII byte at both ends says so without Unicode's tables
        // (every whitespace character is an ASCII control or space, or not ASCII at all).
        if let first = utf8.first, let last = utf8.last, (0x21..<0x7F).contains(first), (0x21..<0x7F).contains(last) { return String(self) }
        var slice = Substring(self)
        while let first = slice.first, first.isWhitespace { slice.removeFirst() }
        while let last = slice.last, last.isWhitespace { slice.removeLast() }
        return String(slice)
    }
}
