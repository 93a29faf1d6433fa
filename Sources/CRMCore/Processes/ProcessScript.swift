/// A script task's body in the safe language: one statement per line, each an assignment (`x = 0`,
/// `x, y = 1, 2`, `x += 1`), `del(x)` or `print(…)` (ignored: there is no console). Scripts can only change
/// process variables.
public struct ProcessScript: Sendable, Equatable {
    public enum Statement: Sendable, Equatable {
        case assign([String], [ProcessExpression])
        case update(String, ProcessExpression.Operator, ProcessExpression)
        case delete(String)
        case print([ProcessExpression])
    }

    public let statements: [Statement]

    public init(parsing text: String) throws(ValidationError) {
        var statements: [Statement] = []
        for line in text.split(whereSeparator: \.isNewline) {
            let trimmed = line.trimmingWhitespace()
            guard !trimmed.isEmpty, !trimmed.hasPrefix("#") else { continue }
            statements.append(try Self.statement(trimmed))
        }
        self.statements = statements
    }

    static func statement(_ text: String) throws(ValidationError) -> Statement {
        var parser = try ExpressionParser(text)
        if case .name(let word)? = parser.peek, word == "del" || word == "print" {
            _ = parser.take(word)
            try parser.expect("(")
            var arguments: [ProcessExpression] = []
            if !parser.take(")") {
                repeat { arguments.append(try parser.expression()) } while parser.take(",")
                try parser.expect(")")
            }
            try parser.expectEnd()
            if word == "print" { return .print(arguments) }
            guard arguments.count == 1, case .variable(let name, path: []) = arguments[0] else {
                throw ExpressionParser.fail("del takes one variable", text)
            }
            return .delete(name)
        }
        var targets: [String] = []
        repeat {
            guard case .name(let name)? = parser.peek else { throw ExpressionParser.fail("a statement starts with the variable it sets", text) }
            _ = parser.take(name)
            targets.append(name)
        } while parser.take(",")
        let updates: [(String, ProcessExpression.Operator)] = [("+=", .plus), ("-=", .minus), ("*=", .times), ("/=", .divide)]
        for (symbol, op) in updates where parser.take(symbol) {
            guard targets.count == 1 else { throw ExpressionParser.fail("\(symbol) sets one variable", text) }
            let value = try parser.expression()
            try parser.expectEnd()
            return .update(targets[0], op, value)
        }
        try parser.expect("=")
        var values: [ProcessExpression] = []
        repeat { values.append(try parser.expression()) } while parser.take(",")
        try parser.expectEnd()
        guard values.count == targets.count else {
            throw ExpressionParser.fail("\(targets.count) variable(s) but \(values.count) value(s)", text)
        }
        return .assign(targets, values)
    }

    /// Runs the statements in order on `variables`; on an error nothing is changed.
    public func run(_ variables: inout [String: ProcessValue]) throws(ProcessError) {
        var result = variables
        for statement in statements {
            switch statement {
            case .assign(let targets, let values):
                var evaluated: [ProcessValue] = []
                for value in values { evaluated.append(try value.evaluate(result)) }
                for (target, value) in zip(targets, evaluated) { result[target] = value }
            case .update(let target, let op, let value):
                guard let current = result[target] else { throw ProcessError.expression("the variable '\(target)' is not set") }
                result[target] = try ProcessExpression.apply(op, current, try value.evaluate(result))
            case .delete(let name):
                result[name] = nil
            case .print(let arguments):
                for argument in arguments { _ = try argument.evaluate(result) }
            }
        }
        variables = result
    }
}
