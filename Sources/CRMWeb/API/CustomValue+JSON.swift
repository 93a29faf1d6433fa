import CRMCore
import Foundation

extension CustomValue {
    /// The value as plain JSON of its type: text, a number, `{"amount": "1200.50", "currency": "PLN"}`, a date
    /// (`2026-11-30`), a date-time (ISO 8601), a boolean, an option, a list of options, or a user's id.
    var json: JSONValue {
        switch self {
        case .text(let text): .string(text)
        case .number(let number):
            (Int64(exactly: NSDecimalNumber(decimal: number).doubleValue)).map(JSONValue.int) ?? .number(NSDecimalNumber(decimal: number).doubleValue)
        case .money(let money): .object(["amount": .string(money.decimalString), "currency": .string(money.currency.code)])
        case .date(let date): .string(date.description)
        case .dateTime(let time): .string(time.iso8601)
        case .yesNo(let flag): .bool(flag)
        case .choice(let option): .string(option)
        case .choices(let chosen): .array(chosen.map(JSONValue.string))
        case .user(let id): .int(id.rawValue)
        }
    }
}

/// Reads a request's `custom` object by the record type's fields: each member typed as its field says, `null`
/// clearing it; unknown keys and wrong values are errors named `custom.<key>`.
enum CustomInput {
    static func apply(_ input: inout JSONInput, fields: [FieldDefinition], to values: inout CustomValues, defaultCountryCode: String) {
        guard let object = input.object["custom"] else { return }
        guard case .object(let members) = object else {
            input.fail("custom", "wrong_type", "must be an object of the record's custom fields")
            return
        }
        let byKey = Dictionary(uniqueKeysWithValues: fields.map { ($0.key, $0) })
        for (key, member) in members.sorted(by: { $0.key < $1.key }) {
            guard let field = byKey[key] else {
                input.fail("custom.\(key)", "unknown_field", "is not a field here")
                continue
            }
            if member == .null {
                values[key] = nil
                continue
            }
            do throws(ValidationError) {
                values[key] = try value(member, field, defaultCountryCode: defaultCountryCode)
            } catch {
                input.fail("custom.\(key)", error.code, error.message)
            }
        }
    }

    private static func value(_ member: JSONValue, _ field: FieldDefinition, defaultCountryCode: String) throws(ValidationError) -> CustomValue? {
        let wrong = ValidationError(field: "custom.\(field.key)", code: "wrong_type", message: "must be \(expected(field.kind))")
        let utc = TimeZone(identifier: "UTC")!
        switch (field.kind, member) {
        case (.number, .int(let number)): return .number(Decimal(number))
        case (.number, .number(let number)): return .number(Decimal(string: String(number)) ?? Decimal(number))
        case (.money, .object(let parts)):
            guard case .string(let amount)? = parts["amount"], case .string(let currency)? = parts["currency"], parts.count == 2 else { throw wrong }
            return try field.value(parsing: "\(amount) \(currency)", defaultCountryCode: defaultCountryCode, timeZone: utc)
        case (.yesNo, .bool(let flag)): return .yesNo(flag)
        case (.user, .int(let id)): return try field.value(parsing: String(id), defaultCountryCode: defaultCountryCode, timeZone: utc)
        case (.choices, .array(let items)):
            var texts: [String] = []
            for item in items {
                guard case .string(let text) = item, !text.contains(";") else { throw wrong }
                texts.append(text)
            }
            return texts.isEmpty
                ? .choices([]) : try field.value(parsing: texts.joined(separator: ";"), defaultCountryCode: defaultCountryCode, timeZone: utc)
        case (.text, .string(let text)), (.longText, .string(let text)), (.number, .string(let text)), (.date, .string(let text)),
            (.dateTime, .string(let text)), (.choice, .string(let text)), (.url, .string(let text)), (.email, .string(let text)),
            (.phone, .string(let text)), (.money, .string(let text)):
            return try field.value(parsing: text, defaultCountryCode: defaultCountryCode, timeZone: utc)
        default:
            throw wrong
        }
    }

    static func expected(_ kind: FieldKind) -> String {
        switch kind {
        case .text, .longText: "text"
        case .number: "a number"
        case .money: #"{"amount": "1200.50", "currency": "PLN"}"#
        case .date: "a date, YYYY-MM-DD"
        case .dateTime: "an ISO 8601 date-time"
        case .yesNo: "true or false"
        case .choice: "one of the field's options"
        case .choices: "an array of the field's options"
        case .url: "a web address"
        case .email: "an e-mail address"
        case .phone: "a phone number"
        case .user: "a user's id"
        }
    }
}
