public import Foundation

/// Plain JSON for values leaving or entering a process by HTTP (webhook bodies and replies), where
/// `Codable`'s tagged form would mean nothing to the other side.
extension ProcessValue {
    /// Reads any JSON document; nil when the data is not JSON.
    public init?(plainJSON data: Data) {
        guard let read = try? JSONDecoder().decode(PlainJSON.self, from: data) else { return nil }
        self = read.value
    }

    public var plainJSON: Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return (try? encoder.encode(PlainJSON(value: self))) ?? Data("null".utf8)
    }
}

/// A `ProcessValue` coded as the JSON it means: `true`, `12.5`, `"text"`, `[…]`, `{…}`.
private struct PlainJSON: Codable {
    let value: ProcessValue

    init(value: ProcessValue) { self.value = value }

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            value = .null
        } else if let flag = try? container.decode(Bool.self) {
            value = .bool(flag)
        } else if let number = try? container.decode(Decimal.self) {
            value = .number(number)
        } else if let text = try? container.decode(String.self) {
            value = .string(text)
        } else if let items = try? container.decode([PlainJSON].self) {
            value = .list(items.map(\.value))
        } else {
            value = .object(try container.decode([String: PlainJSON].self).mapValues(\.value))
        }
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch value {
        case .null: try container.encodeNil()
        case .bool(let flag): try container.encode(flag)
        case .number(let number): try container.encode(number)
        case .string(let text): try container.encode(text)
        case .list(let items): try container.encode(items.map(PlainJSON.init(value:)))
        case .object(let fields): try container.encode(fields.mapValues(PlainJSON.init(value:)))
        }
    }
}
