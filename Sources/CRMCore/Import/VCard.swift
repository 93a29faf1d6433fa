public import Foundation

/// A person as a vCard (2.1, 3.0 or 4.0) describes them, with the parts Clientele keeps.
public struct VCardPerson: Sendable, Equatable {
    public struct Labeled: Sendable, Equatable {
        public var label: String
        public var value: String
    }

    public var formattedName = ""
    public var givenName = ""
    public var middleName = ""
    public var familyName = ""
    public var organization = ""
    public var title = ""
    public var phones: [Labeled] = []
    public var emails: [Labeled] = []
    public var categories: [String] = []
    public var note = ""
    public var hasPhoto = false
    /// The line of the file where the card begins, for messages.
    public var line = 0

    public init() {}
}

/// Reads the vCards address books, phones and mail programs export. Lines are unfolded as bytes before they
/// are decoded, so a fold inside a multi-byte character (ownCloud does this) does no harm; vCard 2.1's
/// quoted-printable values, soft line breaks and CHARSET parameters are honoured; itemN. groups carry Apple's
/// X-ABLabel names to the phone or address they label. A file that ends inside a card is refused, as half a
/// card cannot be told from a whole one.
public enum VCardReader {
    public static func read(_ data: Data) throws(ValidationError) -> [VCardPerson] {
        var bytes = [UInt8](data)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        var people: [VCardPerson] = []
        var current: VCardPerson?
        var depth = 0
        var labels: [String: String] = [:]
        var groupOf: [(group: String, kind: String, index: Int)] = []
        for line in logicalLines(bytes) {
            guard let property = Property(line.bytes) else { continue }
            switch (property.name, property.text.uppercased()) {
            case ("BEGIN", "VCARD"):
                depth += 1
                if depth == 1 {
                    current = VCardPerson()
                    current?.line = line.number
                    labels = [:]
                    groupOf = []
                }
                continue
            case ("END", "VCARD"):
                depth -= 1
                if depth == 0, var person = current {
                    for (group, kind, index) in groupOf {
                        guard let label = labels[group] else { continue }
                        if kind == "TEL" { person.phones[index].label = label } else { person.emails[index].label = label }
                    }
                    people.append(person)
                    current = nil
                }
                depth = max(depth, 0)
                continue
            default:
                break
            }
            // Properties of a card nested in another (vCard 2.1's AGENT) belong to neither person here.
            guard depth == 1, current != nil else { continue }
            apply(property, to: &current!, labels: &labels, groupOf: &groupOf)
        }
        if let current {
            throw ValidationError(
                code: "truncated_vcard",
                message: "the file ends inside the vCard that begins on line \(current.line); it is cut off or damaged"
            )
        }
        guard !people.isEmpty else {
            throw ValidationError(code: "no_vcard", message: "the file holds no vCard (BEGIN:VCARD … END:VCARD)")
        }
        return people
    }

    private static func apply(
        _ property: Property,
        to person: inout VCardPerson,
        labels: inout [String: String],
        groupOf: inout [(group: String, kind: String, index: Int)]
    ) {
        switch property.name {
        case "FN": person.formattedName = property.text
        case "N":
            let parts = property.components
            person.familyName = parts.count > 0 ? parts[0] : ""
            person.givenName = parts.count > 1 ? parts[1] : ""
            person.middleName = parts.count > 2 ? parts[2].split(whereSeparator: { $0 == "," || $0 == " " }).joined(separator: " ") : ""
        case "ORG": person.organization = property.components.first ?? ""
        case "TITLE": person.title = property.text
        case "NOTE": person.note = property.text
        case "CATEGORIES":
            person.categories += property.text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        case "PHOTO": person.hasPhoto = true
        case "X-ABLABEL":
            if let group = property.group {
                labels[group] = property.text.replacingOccurrences(of: "_$!<", with: "").replacingOccurrences(of: ">!$_", with: "").lowercased()
            }
        case "TEL", "EMAIL":
            let value = property.text.trimmingCharacters(in: .whitespaces)
            guard !value.isEmpty else { return }
            let entry = VCardPerson.Labeled(
                label: label(property.types, phone: property.name == "TEL"),
                value: property.name == "TEL" ? value.replacingOccurrences(of: "tel:", with: "") : value
            )
            if property.name == "TEL" { person.phones.append(entry) } else { person.emails.append(entry) }
            if let group = property.group {
                groupOf.append((group, property.name, property.name == "TEL" ? person.phones.count - 1 : person.emails.count - 1))
            }
        default: break
        }
    }

    /// The label Clientele uses for a TYPE: mobile, home, fax or work.
    private static func label(_ types: Set<String>, phone: Bool) -> String {
        if phone, types.contains("CELL") || types.contains("MOBILE") || types.contains("IPHONE") { return "mobile" }
        if phone, types.contains("FAX") { return "fax" }
        if types.contains("HOME") { return "home" }
        return "work"
    }

    /// Physical lines joined into logical ones, as bytes: a line beginning with a space or tab continues the one
    /// before it; a quoted-printable value ending in `=` continues on the next line.
    static func logicalLines(_ bytes: [UInt8]) -> [(number: Int, bytes: [UInt8])] {
        // Line ends are LF, CRLF, CR CR LF (iOS 5) or, from old Macs, CR alone.
        let separator: UInt8 = bytes.contains(0x0A) ? 0x0A : 0x0D
        var physical = bytes.split(separator: separator, omittingEmptySubsequences: false).map { line -> ArraySlice<UInt8> in
            var line = line
            while line.last == 0x0D { line = line.dropLast() }
            return line
        }
        if physical.last?.isEmpty == true { physical.removeLast() }
        var result: [(number: Int, bytes: [UInt8])] = []
        var index = 0
        while index < physical.count {
            var line = Array(physical[index])
            let number = index + 1
            index += 1
            while index < physical.count {
                let next = physical[index]
                if let first = next.first, first == 0x20 || first == 0x09 {
                    line += next.dropFirst()
                } else if line.last == 0x3D, isQuotedPrintable(line) {
                    line.removeLast()
                    line += next
                } else {
                    break
                }
                index += 1
            }
            if !line.isEmpty { result.append((number, line)) }
        }
        return result
    }

    private static func isQuotedPrintable(_ line: [UInt8]) -> Bool {
        guard let colon = line.firstIndex(of: 0x3A) else { return false }
        return String(decoding: line[..<colon], as: UTF8.self).uppercased().contains("QUOTED-PRINTABLE")
    }

    /// One content line: `group.NAME;PARAM=value;BARE:value`.
    struct Property {
        let group: String?
        let name: String
        let types: Set<String>
        let raw: String

        init?(_ line: [UInt8]) {
            var inQuotes = false
            var colon: Int?
            for (offset, byte) in line.enumerated() {
                if byte == 0x22 { inQuotes.toggle() }
                if byte == 0x3A, !inQuotes {
                    colon = offset
                    break
                }
            }
            guard let colon else { return nil }
            let head = String(decoding: line[..<colon], as: UTF8.self)
            var parts = head.split(separator: ";").map(String.init)
            guard !parts.isEmpty else { return nil }
            let qualified = parts.removeFirst().uppercased()
            if let dot = qualified.lastIndex(of: ".") {
                group = String(qualified[..<dot])
                name = String(qualified[qualified.index(after: dot)...])
            } else {
                group = nil
                name = qualified
            }
            var types = Set<String>()
            var encoding = ""
            var charset = "UTF-8"
            for parameter in parts {
                let pair = parameter.split(separator: "=", maxSplits: 1).map(String.init)
                let key = pair[0].uppercased().trimmingCharacters(in: .whitespaces)
                let value = pair.count > 1 ? pair[1].trimmingCharacters(in: CharacterSet(charactersIn: "\"")) : key
                switch pair.count == 1 ? "TYPE" : key {
                case "TYPE": types.formUnion(value.uppercased().split(separator: ",").map(String.init))
                case "ENCODING": encoding = value.uppercased()
                case "CHARSET": charset = value.uppercased()
                default: break
                }
                if pair.count == 1, ["QUOTED-PRINTABLE", "BASE64", "B"].contains(key) { encoding = key }
            }
            self.types = types
            var value = Array(line[(colon + 1)...])
            if encoding == "QUOTED-PRINTABLE" { value = Self.quotedPrintable(value) }
            if encoding == "BASE64" || encoding == "B" {
                raw = ""
            } else {
                raw = Self.decode(value, charset: charset)
            }
        }

        /// The value as text, escapes resolved.
        var text: String { Self.unescape(raw) }
        /// A structured value's parts (N, ADR, ORG), split on unescaped semicolons.
        var components: [String] {
            var parts: [String] = []
            var current = ""
            var escaped = false
            for character in raw {
                if escaped {
                    current.append("\\")
                    current.append(character)
                    escaped = false
                    continue
                }
                if character == "\\" {
                    escaped = true
                    continue
                }
                if character == ";" {
                    parts.append(Self.unescape(current))
                    current = ""
                    continue
                }
                current.append(character)
            }
            parts.append(Self.unescape(current))
            return parts.map { $0.trimmingCharacters(in: .whitespaces) }
        }

        static func unescape(_ text: String) -> String {
            guard text.contains("\\") else { return text }
            var result = ""
            var escaped = false
            for character in text {
                if escaped {
                    result += character == "n" || character == "N" ? "\n" : String(character)
                    escaped = false
                } else if character == "\\" {
                    escaped = true
                } else {
                    result.append(character)
                }
            }
            return result
        }

        static func quotedPrintable(_ bytes: [UInt8]) -> [UInt8] {
            var result: [UInt8] = []
            var index = 0
            while index < bytes.count {
                if bytes[index] == 0x3D, index + 2 < bytes.count,
                    let byte = UInt8(String(decoding: bytes[(index + 1)...(index + 2)], as: UTF8.self), radix: 16)
                {
                    result.append(byte)
                    index += 3
                } else {
                    result.append(bytes[index])
                    index += 1
                }
            }
            return result
        }

        /// Bytes as text in the card's CHARSET; UTF-8 when it is valid, else the legacy code page that fits.
        static func decode(_ bytes: [UInt8], charset: String) -> String {
            if let text = String(validating: bytes, as: UTF8.self) { return text }
            if let page = TextDecoding.codePages.first(where: { $0.name.uppercased() == charset }) { return TextDecoding.decode(bytes, page.table) }
            return (try? TextDecoding.decode(Data(bytes)).text) ?? String(decoding: bytes, as: UTF8.self)
        }
    }
}

extension VCardPerson {
    /// The contact this card becomes, and what could not be kept (a phone number that is not one).
    public func contactFields(defaultCountryCode: String) -> (fields: ContactFields, warnings: [String]) {
        var warnings: [String] = []
        var fields = ContactFields(firstName: givenName, middleName: middleName, lastName: familyName, jobTitle: title)
        if fields.firstName.isEmpty, fields.lastName.isEmpty {
            // Only a formatted name: its last word is taken as the family name.
            var words = formattedName.split(separator: " ").map(String.init)
            fields.lastName = words.popLast() ?? organization
            fields.firstName = words.joined(separator: " ")
        }
        if fields.firstName.isEmpty, fields.lastName.isEmpty {
            // A card with no name at all (phones export these) is known by its address or number.
            fields.lastName = emails.first?.value ?? phones.first?.value ?? ""
        }
        for phone in phones {
            do {
                let number = try PhoneNumber(phone.value, defaultCountryCode: defaultCountryCode)
                if !fields.phones.contains(where: { $0.number == number }) { fields.phones.append(LabeledPhone(label: phone.label, number: number)) }
            } catch {
                warnings.append("\(phone.value): \(error.message)")
            }
        }
        for email in emails {
            do {
                let address = try EmailAddress(email.value)
                if !fields.emails.contains(where: { $0.address == address }) {
                    fields.emails.append(LabeledEmail(label: email.label, address: address))
                }
            } catch {
                warnings.append("\(email.value): \(error.message)")
            }
        }
        fields.tags = categories
        return (fields, warnings)
    }
}

/// Writes contacts as vCard 3.0, which every address book reads: CRLF line ends, lines folded at 75 octets
/// without splitting a character, text escaped as RFC 2426 asks.
public enum VCardWriter {
    public static func write(_ contacts: [(fields: ContactFields, organization: String?)]) -> String {
        var out = ""
        for (fields, organization) in contacts {
            var lines = ["BEGIN:VCARD", "VERSION:3.0"]
            lines.append("N:" + [fields.lastName, fields.firstName, fields.middleName, "", ""].map(escape).joined(separator: ";"))
            lines.append("FN:" + escape(fields.displayName))
            if let organization, !organization.isEmpty { lines.append("ORG:" + escape(organization)) }
            if !fields.jobTitle.isEmpty { lines.append("TITLE:" + escape(fields.jobTitle)) }
            for phone in fields.phones {
                let type = ["mobile": "CELL", "home": "HOME", "fax": "FAX"][phone.label] ?? "WORK"
                lines.append("TEL;TYPE=\(type),VOICE:\(phone.number.e164)")
            }
            for email in fields.emails { lines.append("EMAIL;TYPE=INTERNET:" + escape(email.address.value)) }
            if !fields.tags.isEmpty { lines.append("CATEGORIES:" + fields.tags.map(escape).joined(separator: ",")) }
            lines.append("END:VCARD")
            out += lines.map(fold).joined()
        }
        return out
    }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: ",", with: "\\,")
            .replacingOccurrences(of: ";", with: "\\;").replacingOccurrences(of: "\r\n", with: "\\n").replacingOccurrences(of: "\n", with: "\\n")
    }

    /// The line with CRLF, continued on lines starting with a space after every 75 octets (74 after a fold).
    static func fold(_ line: String) -> String {
        var result = ""
        var octets = 0
        for character in line {
            let size = String(character).utf8.count
            if octets + size > 75 {
                result += "\r\n "
                octets = 1
            }
            result.append(character)
            octets += size
        }
        return result + "\r\n"
    }
}
