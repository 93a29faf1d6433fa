/// An e-mail address, lower-cased for matching.
///
/// Lower-casing the local part is not strictly RFC 5321, but every mail system our users meet treats it as
/// case-insensitive, and matching `Anna@Firma.pl` with `anna@firma.pl` matters more for duplicates and caller
/// recognition than the theoretical case-sensitive mailbox.
public struct EmailAddress: Hashable, Codable, Sendable, CustomStringConvertible {
    public let value: String

    public init(_ raw: String) throws(ValidationError) {
        let trimmed = raw.trimmingWhitespace()
        let parts = trimmed.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[1].contains("."),
              !parts[1].hasPrefix("."), !parts[1].hasSuffix("."),
              trimmed.count <= 254,
              !trimmed.contains(where: { $0.isWhitespace || $0 == "<" || $0 == ">" || $0 == "," || $0 == ";" })
        else {
            throw ValidationError(code: "invalid_email", message: "'\(raw)' is not an e-mail address")
        }
        self.value = trimmed.lowercased()
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

extension StringProtocol {
    public func trimmingWhitespace() -> String {
        var slice = Substring(self)
        while let first = slice.first, first.isWhitespace { slice.removeFirst() }
        while let last = slice.last, last.isWhitespace { slice.removeLast() }
        return String(slice)
    }
}
