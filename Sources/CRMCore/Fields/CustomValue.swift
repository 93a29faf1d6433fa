public import Foundation

/// The value of a custom field. Stored with its type so a record reads back without the definitions, and
/// written to the API as plain JSON of that type (see `CustomValue.json` in the web layer).
public enum CustomValue: Sendable, Equatable, Codable {
    case text(String)
    case number(Decimal)
    case money(Money)
    case date(CalendarDate)
    case dateTime(Timestamp)
    case yesNo(Bool)
    /// The option of a single-choice field.
    case choice(String)
    /// The options of a multiple-choice field.
    case choices([String])
    case user(UserID)

    private enum CodingKeys: String, CodingKey { case type, value, currency }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        switch try container.decode(String.self, forKey: .type) {
        case "text": self = .text(try container.decode(String.self, forKey: .value))
        case "number":
            guard let number = Decimal(string: try container.decode(String.self, forKey: .value), locale: Locale(identifier: "en_US_POSIX")) else {
                throw DecodingError.dataCorruptedError(forKey: .value, in: container, debugDescription: "not a number")
            }
            self = .number(number)
        case "money":
            let currency = try Currency(code: try container.decode(String.self, forKey: .currency))
            self = .money(try Money(decimal: try container.decode(String.self, forKey: .value), currency: currency))
        case "date": self = .date(try CalendarDate(parsing: try container.decode(String.self, forKey: .value)))
        case "date_time": self = .dateTime(Timestamp(rawValue: try container.decode(Int64.self, forKey: .value)))
        case "yes_no": self = .yesNo(try container.decode(Bool.self, forKey: .value))
        case "choice": self = .choice(try container.decode(String.self, forKey: .value))
        case "choices": self = .choices(try container.decode([String].self, forKey: .value))
        case "user": self = .user(UserID(try container.decode(Int64.self, forKey: .value)))
        case let other: throw DecodingError.dataCorruptedError(forKey: .type, in: container, debugDescription: "unknown value type \(other)")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .text(let text):
            try container.encode("text", forKey: .type)
            try container.encode(text, forKey: .value)
        case .number(let number):
            try container.encode("number", forKey: .type)
            try container.encode(number.plainString, forKey: .value)
        case .money(let money):
            try container.encode("money", forKey: .type)
            try container.encode(money.decimalString, forKey: .value)
            try container.encode(money.currency.code, forKey: .currency)
        case .date(let date):
            try container.encode("date", forKey: .type)
            try container.encode(date.description, forKey: .value)
        case .dateTime(let time):
            try container.encode("date_time", forKey: .type)
            try container.encode(time.rawValue, forKey: .value)
        case .yesNo(let flag):
            try container.encode("yes_no", forKey: .type)
            try container.encode(flag, forKey: .value)
        case .choice(let option):
            try container.encode("choice", forKey: .type)
            try container.encode(option, forKey: .value)
        case .choices(let chosen):
            try container.encode("choices", forKey: .type)
            try container.encode(chosen, forKey: .value)
        case .user(let id):
            try container.encode("user", forKey: .type)
            try container.encode(id.rawValue, forKey: .value)
        }
    }

    /// The value as text: how the audit trail, CSV exports and plain pages show it.
    public var text: String {
        switch self {
        case .text(let text): text
        case .number(let number): number.plainString
        case .money(let money): "\(money.decimalString) \(money.currency.code)"
        case .date(let date): date.description
        case .dateTime(let time): time.iso8601
        case .yesNo(let flag): flag ? "yes" : "no"
        case .choice(let option): option
        case .choices(let chosen): chosen.joined(separator: "; ")
        case .user(let id): id.description
        }
    }

    /// The value with the option `from` called `to`, or nil when it does not hold `from`.
    public func renamingOption(_ from: String, to: String) -> CustomValue? {
        switch self {
        case .choice(from): .choice(to)
        case .choices(let chosen) where chosen.contains(from): .choices(chosen.map { $0 == from ? to : $0 })
        default: nil
        }
    }

    /// What the filter index holds for the value: folded texts it is found by (one per option), and a number it
    /// sorts and ranges by.
    public var indexed: (texts: [String], number: Double?) {
        switch self {
        case .text(let text): ([TextFolding.fold(text)], nil)
        case .number(let number): ([number.plainString], NSDecimalNumber(decimal: number).doubleValue)
        case .money(let money): ([money.currency.code], Double(money.minorUnits) / pow(10, Double(money.currency.minorDigits)))
        case .date(let date): ([date.description], Double(date.year * 10_000 + date.month * 100 + date.day))
        case .dateTime(let time): ([time.iso8601], Double(time.rawValue))
        case .yesNo(let flag): ([flag ? "true" : "false"], nil)
        case .choice(let option): ([TextFolding.fold(option)], nil)
        case .choices(let chosen): (chosen.map(TextFolding.fold), nil)
        case .user(let id): ([id.description], Double(id.rawValue))
        }
    }
}

/// A record's custom values by field key.
public typealias CustomValues = [String: CustomValue]

extension Dictionary where Key == String, Value == CustomValue {
    /// The values as the audit trail compares them, as `custom.<key>`.
    public var auditValues: [String: String] { [String: String](uniqueKeysWithValues: map { ("custom.\($0.key)", $0.value.text) }) }
}

extension Decimal {
    /// Digits and a point, never an exponent or a locale's comma.
    public var plainString: String { NSDecimalNumber(decimal: self).description(withLocale: Locale(identifier: "en_US_POSIX")) }
}
