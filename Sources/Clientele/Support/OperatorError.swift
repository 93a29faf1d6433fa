/// A refusal an operator can act on: printed as `Error: <message>` with a failing exit status, no usage text.
struct OperatorError: Error, CustomStringConvertible {
    let description: String
    init(_ message: String) { description = message }
}
