import CRMCore
import Foundation
import HTTPTypes
import Hummingbird
import Logging

/// A request's JSON object, read strictly: it must be an object, may hold only the allowed fields, and every
/// field read with the wrong type is collected as a validation error naming it.
struct JSONInput {
    let object: [String: JSONValue]
    private(set) var errors: [ValidationError] = []

    /// Reads the whole body, refusing more than the context's upload limit.
    static func body(_ request: Request, context: AppContext) async throws -> ByteBuffer {
        try await request.body.collect(upTo: context.maxUploadSize)
    }

    init(_ buffer: ByteBuffer, request: Request, allowed: Set<String>) throws {
        let contentType = request.headers[.contentType]?.lowercased() ?? ""
        guard contentType.hasPrefix("application/json") || contentType.hasPrefix("application/merge-patch+json") else {
            throw APIError(.unsupportedMediaType, code: "unsupported_media_type", detail: "send the body as application/json")
        }
        let value: JSONValue
        do {
            value = try JSONDecoder().decode(JSONValue.self, from: Data(buffer.readableBytesView))
        } catch {
            throw APIError.badRequest("malformed_json", "the body is not valid JSON")
        }
        guard case .object(let object) = value else {
            throw APIError.badRequest("malformed_json", "the body must be a JSON object, not \(value.typeName)")
        }
        let controlled = Self.fieldsWithControlCharacters(value, path: "")
        guard controlled.isEmpty else {
            throw APIError.invalid(
                controlled.map { ValidationError(field: $0, code: "control_character", message: "must not contain control characters such as NUL") }
            )
        }
        let unknown = Set(object.keys).subtracting(allowed).sorted()
        guard unknown.isEmpty else {
            throw APIError.invalid(unknown.map { ValidationError(field: $0, code: "unknown_field", message: "is not a field here") })
        }
        self.object = object
    }

    private init(object: [String: JSONValue]) { self.object = object }

    /// An object already decoded (an element of an array), to read by the same rules.
    static func wrapping(_ object: [String: JSONValue]) -> JSONInput { JSONInput(object: object) }

    /// The paths (`name`, `phones.0.number`) of strings, keys included, holding control characters.
    static func fieldsWithControlCharacters(_ value: JSONValue, path: String) -> [String] {
        switch value {
        case .string(let text): return text.hasControlCharacters ? [path] : []
        case .array(let items): return items.enumerated().flatMap { fieldsWithControlCharacters($1, path: path.isEmpty ? "\($0)" : "\(path).\($0)") }
        case .object(let fields):
            return fields.sorted { $0.key < $1.key }.flatMap { key, field in
                let inner = path.isEmpty ? key : "\(path).\(key)"
                return key.hasControlCharacters ? [inner] : fieldsWithControlCharacters(field, path: inner)
            }
        default: return []
        }
    }

    /// No body at all, for operations whose body is optional.
    static let empty = JSONInput(object: [:])

    func has(_ key: String) -> Bool { object[key] != nil }

    /// Throws every collected error at once.
    func finish() throws {
        if !errors.isEmpty { throw APIError.invalid(errors) }
    }

    mutating func fail(_ key: String, _ code: String, _ message: String) {
        errors.append(ValidationError(field: key, code: code, message: message))
    }

    /// A string field; `null` reads as empty text.
    mutating func string(_ key: String) -> String? {
        switch object[key] {
        case nil: return nil
        case .null: return ""
        case .string(let text): return text
        case let other?:
            fail(key, "wrong_type", "must be a string, not \(other.typeName)")
            return nil
        }
    }

    mutating func bool(_ key: String) -> Bool? {
        switch object[key] {
        case nil: return nil
        case .bool(let value): return value
        case let other?:
            fail(key, "wrong_type", "must be true or false, not \(other.typeName)")
            return nil
        }
    }

    mutating func integer(_ key: String, in range: ClosedRange<Int>) -> Int? {
        switch object[key] {
        case nil: return nil
        case .int(let value) where range.contains(Int(value)): return Int(value)
        case let other?:
            fail(key, "wrong_type", "must be a whole number from \(range.lowerBound) to \(range.upperBound), not \(other.typeName)")
            return nil
        }
    }

    /// A member object read by the same rules, its errors named under `key` (`deal.pipeline_id`); nil when missing or null.
    mutating func nested(_ key: String, allowed: Set<String>) -> JSONInput? {
        switch object[key] {
        case nil, .null?: return nil
        case .object(let members)?:
            for name in Set(members.keys).subtracting(allowed).sorted() { fail("\(key).\(name)", "unknown_field", "is not a field here") }
            return JSONInput(object: members.filter { allowed.contains($0.key) })
        case let other?:
            fail(key, "wrong_type", "must be an object, not \(other.typeName)")
            return nil
        }
    }

    /// Takes the errors of a `nested` reader, named under its key.
    mutating func adopt(_ inner: JSONInput, under key: String) {
        errors += inner.errors.map { $0.at("\(key).\($0.field ?? "")") }
    }

    /// An id field: `.some(nil)` when the client sent `null` to clear it.
    mutating func id(_ key: String) -> Int64?? {
        switch object[key] {
        case nil: return nil
        case .null: return .some(nil)
        case .int(let value) where value > 0: return .some(value)
        case let other?:
            fail(key, "wrong_type", "must be a positive integer id, not \(other.typeName)")
            return nil
        }
    }

    /// A value of a fixed set; `.some(nil)` for `null`.
    mutating func choice<E: RawRepresentable & CaseIterable>(_ key: String, _ type: E.Type) -> E?? where E.RawValue == String {
        guard let text = string(key) else { return nil }
        if text.isEmpty, object[key] == .null { return .some(nil) }
        guard let value = E(rawValue: text) else {
            fail(key, "invalid_choice", "must be one of " + E.allCases.map(\.rawValue).joined(separator: ", "))
            return nil
        }
        return .some(value)
    }

    /// An object of texts (a list's filters), numbers taken as their digits and `null` members left out; nil
    /// when the key is missing or not an object (the latter reported).
    mutating func texts(_ key: String) -> [String: String]? {
        switch object[key] {
        case nil: return nil
        case .object(let members)?:
            var texts: [String: String] = [:]
            for (name, value) in members {
                switch value {
                case .string(let text): texts[name] = text
                case .int(let number): texts[name] = String(number)
                case .null: break
                default: fail("\(key).\(name)", "wrong_type", "must be text or a number")
                }
            }
            return texts
        case let other?:
            fail(key, "wrong_type", "must be an object, not \(other.typeName)")
            return nil
        }
    }

    mutating func strings(_ key: String) -> [String]? {
        array(key) { element, path throws(ValidationError) in
            guard case .string(let text) = element else {
                throw ValidationError(field: path, code: "wrong_type", message: "must be a string")
            }
            return text
        }
    }

    /// An array whose elements `read` converts, with errors naming the element (`phones[1].number`).
    mutating func array<T>(_ key: String, _ read: (JSONValue, String) throws(ValidationError) -> T) -> [T]? {
        switch object[key] {
        case nil: return nil
        case .null: return []
        case .array(let elements):
            var result: [T] = []
            for (index, element) in elements.enumerated() {
                do { result.append(try read(element, "\(key)[\(index)]")) } catch { errors.append(error) }
            }
            return result
        case let other?:
            fail(key, "wrong_type", "must be an array, not \(other.typeName)")
            return nil
        }
    }

    /// Reads `{"label": …, "<field>": …}` objects for phones and e-mails.
    static func labeled<T>(
        _ element: JSONValue,
        _ path: String,
        field: String,
        defaultLabel: String,
        parse: (String) throws(ValidationError) -> T
    ) throws(ValidationError) -> (String, T) {
        guard case .object(let object) = element else {
            throw ValidationError(field: path, code: "wrong_type", message: "must be an object with \(field)")
        }
        if let extra = Set(object.keys).subtracting(["label", field]).sorted().first {
            throw ValidationError(field: "\(path).\(extra)", code: "unknown_field", message: "is not a field here")
        }
        guard case .string(let raw)? = object[field] else {
            throw ValidationError(field: "\(path).\(field)", code: "required", message: "must be a string")
        }
        var label = defaultLabel
        if let value = object["label"] {
            guard case .string(let text) = value, text.count <= 40 else {
                throw ValidationError(field: "\(path).label", code: "wrong_type", message: "must be a string of at most 40 characters")
            }
            label = text
        }
        do { return (label, try parse(raw)) } catch { throw error.at("\(path).\(field)") }
    }
}
