import CRMCore
import Foundation

extension ProcessValue {
    /// Process variables as clients send them: numbers become exact decimals.
    init(json: JSONValue) {
        switch json {
        case .null: self = .null
        case .bool(let value): self = .bool(value)
        case .int(let value): self = .number(Decimal(value))
        case .number(let value): self = .number(Decimal(string: String(value)) ?? Decimal(value))
        case .string(let value): self = .string(value)
        case .array(let items): self = .list(items.map(ProcessValue.init(json:)))
        case .object(let fields): self = .object(fields.mapValues(ProcessValue.init(json:)))
        }
    }

    var json: JSONValue {
        switch self {
        case .null: .null
        case .bool(let value): .bool(value)
        case .number(let value):
            if value == value.rounded(), let whole = Int64(exactly: NSDecimalNumber(decimal: value).int64Value), Decimal(whole) == value {
                .int(whole)
            } else {
                .number(NSDecimalNumber(decimal: value).doubleValue)
            }
        case .string(let value): .string(value)
        case .list(let items): .array(items.map(\.json))
        case .object(let fields): .object(fields.mapValues(\.json))
        }
    }
}

extension Decimal {
    fileprivate func rounded() -> Decimal {
        var result = Decimal()
        var value = self
        NSDecimalRound(&result, &value, 0, .plain)
        return result
    }
}
