import CRMCore
import HTTPTypes

/// A URL's query parameters, read strictly: unknown names and bad values are collected as errors that name
/// them, and `finish()` answers them all at once as one 400.
struct QueryParameters {
    let values: [String: String]
    private(set) var errors: [ValidationError] = []

    init(_ values: [String: String], allowed: Set<String>) {
        self.values = values
        for name in values.keys.sorted() where !allowed.contains(name) {
            errors.append(ValidationError(field: name, code: "unknown_parameter", message: "is not a parameter here"))
        }
    }

    /// The parameter's text, or nil when it is missing or empty.
    func text(_ name: String) -> String? {
        values[name].flatMap { $0.isEmpty ? nil : $0 }
    }

    mutating func id(_ name: String) -> Int64? {
        guard let text = text(name) else { return nil }
        guard let value = Int64(text), value > 0 else {
            errors.append(ValidationError(field: name, code: "invalid_id", message: "must be a positive integer"))
            return nil
        }
        return value
    }

    mutating func choice<E: RawRepresentable & CaseIterable>(_ name: String, _ type: E.Type, normalize: (String) -> String = { $0 }) -> E?
    where E.RawValue == String {
        guard let text = text(name) else { return nil }
        guard let value = E(rawValue: normalize(text)) else {
            errors.append(
                ValidationError(field: name, code: "invalid_choice", message: "must be one of " + E.allCases.map(\.rawValue).joined(separator: ", "))
            )
            return nil
        }
        return value
    }

    mutating func bool(_ name: String) -> Bool? {
        guard let text = text(name) else { return nil }
        guard text == "true" || text == "false" else {
            errors.append(ValidationError(field: name, code: "invalid_choice", message: "must be true or false"))
            return nil
        }
        return text == "true"
    }

    mutating func date(_ name: String) -> CalendarDate? {
        guard let text = text(name) else { return nil }
        do { return try CalendarDate(parsing: text) } catch {
            errors.append(error.at(name))
            return nil
        }
    }

    mutating func integer(_ name: String, in range: ClosedRange<Int>) -> Int? {
        guard let text = text(name) else { return nil }
        guard let value = Int(text), range.contains(value) else {
            errors.append(
                ValidationError(field: name, code: "invalid_limit", message: "must be a whole number from \(range.lowerBound) to \(range.upperBound)")
            )
            return nil
        }
        return value
    }

    mutating func fail(_ error: ValidationError) { errors.append(error) }

    func finish() throws {
        guard errors.isEmpty else { throw APIError.badParameters(errors) }
    }
}
