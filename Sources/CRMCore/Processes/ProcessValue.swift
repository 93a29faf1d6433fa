public import Foundation

/// A process variable's value: what expressions read and scripts write. Numbers are decimal, so amounts add up
/// exactly.
public enum ProcessValue: Sendable, Equatable, Codable {
    case null
    case bool(Bool)
    case number(Decimal)
    case string(String)
    case list([ProcessValue])
    case object([String: ProcessValue])

    public init(_ value: Int) { self = .number(Decimal(value)) }

    /// Truth as conditions see it: false, null, zero, "" and empty collections are false.
    public var isTruthy: Bool {
        switch self {
        case .null: false
        case .bool(let value): value
        case .number(let value): !value.isZero
        case .string(let value): !value.isEmpty
        case .list(let value): !value.isEmpty
        case .object(let value): !value.isEmpty
        }
    }

    public var typeName: String {
        switch self {
        case .null: "null"
        case .bool: "yes/no"
        case .number: "number"
        case .string: "text"
        case .list: "list"
        case .object: "object"
        }
    }

    public var description: String {
        switch self {
        case .null: "null"
        case .bool(let value): value ? "true" : "false"
        case .number(let value): "\(value)"
        case .string(let value): value
        case .list(let values): "[" + values.map(\.description).joined(separator: ", ") + "]"
        case .object(let fields): "{" + fields.keys.sorted().map { "\($0): \(fields[$0]!.description)" }.joined(separator: ", ") + "}"
        }
    }
}
