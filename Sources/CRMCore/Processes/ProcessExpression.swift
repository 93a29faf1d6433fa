public import Foundation

/// The small, safe expression language of conditions and scripts: literals, variables (with `.field`),
/// comparisons, `and`/`or`/`not`, arithmetic, and a fixed set of functions. Nothing can run code, read files
/// or loop. The dialects modelers write are all read: Camunda 7 `${approved}` and `#{!approved}`, Camunda 8
/// `=approved`, and Python-style `approved == True`.
public indirect enum ProcessExpression: Sendable, Equatable {
    case literal(ProcessValue)
    case variable(String, path: [String])
    case not(ProcessExpression)
    case negate(ProcessExpression)
    case binary(Operator, ProcessExpression, ProcessExpression)
    case call(String, [ProcessExpression])
    case list([ProcessExpression])

    public enum Operator: String, Sendable {
        case or, and, equal = "==", notEqual = "!=", less = "<", lessOrEqual = "<=", greater = ">", greaterOrEqual = ">="
        case plus = "+", minus = "-", times = "*", divide = "/", remainder = "%", contains = "in"
    }

    /// The built-in functions; a call to any other name fails when evaluated.
    public static let functions: Set<String> = [
        "len", "lower", "upper", "abs", "min", "max", "round", "str", "int", "contains", "startswith", "endswith", "days_between", "add_days",
        "team_members",
    ]

    /// Parses a condition in any of the dialects.
    public static func parse(_ text: String) throws(ValidationError) -> ProcessExpression {
        var parser = try ExpressionParser(Self.unwrap(text))
        let expression = try parser.expression()
        try parser.expectEnd()
        return expression
    }

    /// Strips a dialect's wrapper: `${…}`, `#{…}` or a leading `=`.
    static func unwrap(_ text: String) -> String {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if (trimmed.hasPrefix("${") || trimmed.hasPrefix("#{")) && trimmed.hasSuffix("}") {
            return String(trimmed.dropFirst(2).dropLast())
        }
        if trimmed.hasPrefix("=") && !trimmed.hasPrefix("==") { return String(trimmed.dropFirst()) }
        return trimmed
    }

    /// The variables the expression reads, to tell a modeler which ones a process needs.
    public var variables: Set<String> {
        switch self {
        case .literal: []
        case .variable(let name, _): [name]
        case .not(let inner), .negate(let inner): inner.variables
        case .binary(_, let left, let right): left.variables.union(right.variables)
        case .call(_, let arguments), .list(let arguments): arguments.reduce(into: Set<String>()) { $0.formUnion($1.variables) }
        }
    }

    public func evaluate(_ variables: [String: ProcessValue]) throws(ProcessError) -> ProcessValue {
        switch self {
        case .literal(let value): return value
        case .variable(let name, let path):
            guard var value = variables[name] else { throw ProcessError.expression("the variable '\(name)' is not set") }
            for field in path {
                guard case .object(let fields) = value else { throw ProcessError.expression("'\(name)' has no field '\(field)'") }
                value = fields[field] ?? .null
            }
            return value
        case .not(let inner): return .bool(!(try inner.evaluate(variables).isTruthy))
        case .negate(let inner):
            guard case .number(let number) = try inner.evaluate(variables) else { throw ProcessError.expression("only numbers can be negated") }
            return .number(-number)
        case .binary(.and, let left, let right):
            // Short-circuits, so `x != null and x > 1` never compares null.
            guard try left.evaluate(variables).isTruthy else { return .bool(false) }
            return .bool(try right.evaluate(variables).isTruthy)
        case .binary(.or, let left, let right):
            if try left.evaluate(variables).isTruthy { return .bool(true) }
            return .bool(try right.evaluate(variables).isTruthy)
        case .binary(let op, let left, let right):
            return try Self.apply(op, try left.evaluate(variables), try right.evaluate(variables))
        case .list(let items):
            var values: [ProcessValue] = []
            for item in items { values.append(try item.evaluate(variables)) }
            return .list(values)
        case .call(let name, let arguments):
            var values: [ProcessValue] = []
            for argument in arguments { values.append(try argument.evaluate(variables)) }
            if name == "team_members" { return try Self.teamMembers(values, teams: variables["teams"]) }
            return try Self.call(name, values)
        }
    }

    static func apply(_ op: Operator, _ left: ProcessValue, _ right: ProcessValue) throws(ProcessError) -> ProcessValue {
        switch (op, left, right) {
        case (.equal, _, _): return .bool(left == right)
        case (.notEqual, _, _): return .bool(left != right)
        case (.contains, _, .list(let items)): return .bool(items.contains(left))
        case (.contains, .string(let part), .string(let whole)): return .bool(whole.contains(part))
        case (.plus, .string(let a), .string(let b)): return .string(a + b)
        case (.plus, .list(let a), .list(let b)): return .list(a + b)
        case (.remainder, .string(let format), _):
            return .string(format.replacingOccurrences(of: "%d", with: right.description).replacingOccurrences(of: "%s", with: right.description))
        case (_, .number(let a), .number(let b)):
            switch op {
            case .less: return .bool(a < b)
            case .lessOrEqual: return .bool(a <= b)
            case .greater: return .bool(a > b)
            case .greaterOrEqual: return .bool(a >= b)
            case .plus: return .number(a + b)
            case .minus: return .number(a - b)
            case .times: return .number(a * b)
            case .divide:
                guard !b.isZero else { throw ProcessError.expression("division by zero") }
                return .number(a / b)
            case .remainder:
                guard !b.isZero else { throw ProcessError.expression("division by zero") }
                let quotient = NSDecimalNumber(decimal: a / b).int64Value
                return .number(a - Decimal(quotient) * b)
            default: break
            }
        case (.less, .string(let a), .string(let b)): return .bool(a < b)
        case (.lessOrEqual, .string(let a), .string(let b)): return .bool(a <= b)
        case (.greater, .string(let a), .string(let b)): return .bool(a > b)
        case (.greaterOrEqual, .string(let a), .string(let b)): return .bool(a >= b)
        default: break
        }
        throw ProcessError.expression("cannot apply \(op.rawValue) to \(left.typeName) and \(right.typeName)")
    }

    /// The members of a team, by its name in any letter case, from the directory the host supplies as `teams`
    /// (each member's e-mail, which a user task's assignee accepts).
    static func teamMembers(_ arguments: [ProcessValue], teams: ProcessValue?) throws(ProcessError) -> ProcessValue {
        guard arguments.count == 1, case .string(let name) = arguments[0] else { throw ProcessError.expression("team_members takes a team's name") }
        guard case .object(let directory)? = teams else {
            throw ProcessError.expression("team_members works only in a running process, where the teams are known")
        }
        guard let members = directory.first(where: { $0.key.lowercased() == name.lowercased() })?.value else {
            throw ProcessError.expression("there is no team '\(name)'")
        }
        return members
    }

    static func call(_ name: String, _ arguments: [ProcessValue]) throws(ProcessError) -> ProcessValue {
        func arity(_ count: Int) throws(ProcessError) {
            guard arguments.count == count else { throw ProcessError.expression("\(name) takes \(count) argument(s), not \(arguments.count)") }
        }
        switch (name, arguments.first) {
        case ("len", .string(let text)?):
            try arity(1)
            return ProcessValue(text.count)
        case ("len", .list(let items)?):
            try arity(1)
            return ProcessValue(items.count)
        case ("lower", .string(let text)?):
            try arity(1)
            return .string(text.lowercased())
        case ("upper", .string(let text)?):
            try arity(1)
            return .string(text.uppercased())
        case ("abs", .number(let value)?):
            try arity(1)
            return .number(abs(value))
        case ("round", .number(let value)?):
            var result = Decimal()
            var input = value
            NSDecimalRound(&result, &input, 0, .plain)
            return .number(result)
        case ("int", .number(let value)?):
            try arity(1)
            return .number(Decimal(NSDecimalNumber(decimal: value).int64Value))
        case ("int", .string(let text)?):
            try arity(1)
            guard let value = Int64(text.trimmingCharacters(in: .whitespaces)) else {
                throw ProcessError.expression("'\(text)' is not a whole number")
            }
            return .number(Decimal(value))
        case ("str", let value?):
            try arity(1)
            return .string(value.description)
        case ("min", _), ("max", _):
            let numbers = arguments.compactMap { if case .number(let n) = $0 { n } else { nil } }
            guard !numbers.isEmpty, numbers.count == arguments.count else { throw ProcessError.expression("\(name) takes numbers") }
            return .number(name == "min" ? numbers.min()! : numbers.max()!)
        case ("contains", _):
            try arity(2)
            return try apply(.contains, arguments[1], arguments[0])
        case ("days_between", _):
            // Dates are ISO days ("2027-03-31"); `today` is always set by the engine.
            try arity(2)
            guard case .string(let from) = arguments[0], case .string(let to) = arguments[1],
                let first = try? CalendarDate(parsing: String(from.prefix(10))), let second = try? CalendarDate(parsing: String(to.prefix(10)))
            else {
                throw ProcessError.expression("days_between takes two dates written as YYYY-MM-DD")
            }
            return ProcessValue(first.days(until: second))
        case ("add_days", _):
            try arity(2)
            guard case .string(let from) = arguments[0], case .number(let count) = arguments[1],
                let day = try? CalendarDate(parsing: String(from.prefix(10)))
            else {
                throw ProcessError.expression("add_days takes a date written as YYYY-MM-DD and a number of days")
            }
            return .string(day.adding(days: Int(truncating: count as NSDecimalNumber)).description)
        case ("startswith", .string(let text)?), ("endswith", .string(let text)?):
            try arity(2)
            guard case .string(let part) = arguments[1] else { throw ProcessError.expression("\(name) takes text") }
            return .bool(name == "startswith" ? text.hasPrefix(part) : text.hasSuffix(part))
        default:
            throw ProcessError.expression(
                functions.contains(name)
                    ? "\(name) cannot take \(arguments.map(\.typeName).joined(separator: ", "))" : "there is no function '\(name)'"
            )
        }
    }
}

/// Why a running instance could not go on; it becomes an incident an admin can see and retry.
public enum ProcessError: Error, Sendable, Equatable {
    case expression(String)
    case noPath(gateway: String)
    case action(String)

    public var message: String {
        switch self {
        case .expression(let text): text
        case .noPath(let gateway): "no condition of gateway '\(gateway)' holds and it has no default flow"
        case .action(let text): text
        }
    }
}
