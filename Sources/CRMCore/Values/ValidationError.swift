/// A rule about a value was broken. `field` names where, when known; `code` is stable for API clients.
public struct ValidationError: Error, Equatable, Sendable {
    public var field: String?
    public let code: String
    public let message: String

    public init(field: String? = nil, code: String, message: String) {
        self.field = field
        self.code = code
        self.message = message
    }

    public func at(_ field: String) -> ValidationError {
        var copy = self
        copy.field = field
        return copy
    }
}

/// Every broken rule of one input, so a form or an API client can show them all at once.
public struct ValidationErrors: Error, Sendable {
    public let errors: [ValidationError]
    public init(_ errors: [ValidationError]) { self.errors = errors }
}
