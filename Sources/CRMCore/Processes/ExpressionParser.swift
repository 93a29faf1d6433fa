import Foundation

/// Turns expression text into `ProcessExpression`s, with precedence from loosest to tightest:
/// `or`, `and`, `not`, comparisons and `in`, `+ -`, `* / %`, unary minus, calls and `.field`.
struct ExpressionParser {
    enum Token: Equatable {
        case number(Decimal)
        case string(String)
        case name(String)
        case symbol(String)
    }

    private(set) var tokens: [Token]
    private(set) var position = 0
    let source: String

    init(_ text: String) throws(ValidationError) {
        source = text
        tokens = try Self.tokenize(text)
    }

    static func fail(_ message: String, _ source: String) -> ValidationError {
        ValidationError(code: "invalid_expression", message: "'\(source)': \(message)")
    }

    static func tokenize(_ text: String) throws(ValidationError) -> [Token] {
        var tokens: [Token] = []
        let characters = Array(text)
        var index = 0
        let symbols = [
            "==", "!=", "<=", ">=", "&&", "||", "+=", "-=", "*=", "/=", "<", ">", "!", "+", "-", "*", "/", "%", "(", ")", "[", "]", ",", ".", "=",
        ]
        while index < characters.count {
            let character = characters[index]
            if character.isWhitespace {
                index += 1
            } else if character.isNumber && character.isASCII {
                var end = index
                while end < characters.count, (characters[end].isASCII && characters[end].isNumber) || characters[end] == "." { end += 1 }
                guard let value = Decimal(string: String(characters[index..<end]), locale: Locale(identifier: "en_US_POSIX")) else {
                    throw fail("'\(String(characters[index..<end]))' is not a number", text)
                }
                tokens.append(.number(value))
                index = end
            } else if character == "\"" || character == "'" {
                var end = index + 1
                var value = ""
                while end < characters.count, characters[end] != character {
                    if characters[end] == "\\", end + 1 < characters.count { end += 1 }
                    value.append(characters[end])
                    end += 1
                }
                guard end < characters.count else { throw fail("a text is never closed", text) }
                tokens.append(.string(value))
                index = end + 1
            } else if character.isLetter || character == "_" {
                var end = index
                while end < characters.count, characters[end].isLetter || characters[end].isNumber || characters[end] == "_" { end += 1 }
                tokens.append(.name(String(characters[index..<end])))
                index = end
            } else if let symbol = symbols.first(where: { symbol in
                symbol.count <= characters.count - index && String(characters[index..<index + symbol.count]) == symbol
            }) {
                tokens.append(.symbol(symbol))
                index += symbol.count
            } else {
                throw fail("'\(character)' is not allowed", text)
            }
        }
        return tokens
    }

    var atEnd: Bool { position >= tokens.count }
    var peek: Token? { atEnd ? nil : tokens[position] }

    mutating func take(_ symbol: String) -> Bool {
        if peek == .symbol(symbol) || peek == .name(symbol) {
            position += 1
            return true
        }
        return false
    }

    mutating func expect(_ symbol: String) throws(ValidationError) {
        guard take(symbol) else { throw Self.fail("expected '\(symbol)'", source) }
    }

    func expectEnd() throws(ValidationError) {
        guard atEnd else { throw Self.fail("unexpected text after the expression", source) }
    }

    mutating func expression() throws(ValidationError) -> ProcessExpression {
        var left = try conjunction()
        while take("or") || take("||") { left = .binary(.or, left, try conjunction()) }
        return left
    }

    mutating func conjunction() throws(ValidationError) -> ProcessExpression {
        var left = try negation()
        while take("and") || take("&&") { left = .binary(.and, left, try negation()) }
        return left
    }

    mutating func negation() throws(ValidationError) -> ProcessExpression {
        if take("not") || take("!") { return .not(try negation()) }
        return try comparison()
    }

    mutating func comparison() throws(ValidationError) -> ProcessExpression {
        let left = try sum()
        let operators: [(String, ProcessExpression.Operator)] = [
            ("==", .equal), ("!=", .notEqual), ("<=", .lessOrEqual), (">=", .greaterOrEqual), ("<", .less), (">", .greater), ("in", .contains),
        ]
        for (symbol, op) in operators where take(symbol) {
            return .binary(op, left, try sum())
        }
        return left
    }

    mutating func sum() throws(ValidationError) -> ProcessExpression {
        var left = try product()
        while true {
            if take("+") {
                left = .binary(.plus, left, try product())
            } else if take("-") {
                left = .binary(.minus, left, try product())
            } else {
                return left
            }
        }
    }

    mutating func product() throws(ValidationError) -> ProcessExpression {
        var left = try unary()
        while true {
            if take("*") {
                left = .binary(.times, left, try unary())
            } else if take("/") {
                left = .binary(.divide, left, try unary())
            } else if take("%") {
                left = .binary(.remainder, left, try unary())
            } else {
                return left
            }
        }
    }

    mutating func unary() throws(ValidationError) -> ProcessExpression {
        if take("-") { return .negate(try unary()) }
        if take("!") { return .not(try unary()) }
        return try primary()
    }

    mutating func primary() throws(ValidationError) -> ProcessExpression {
        guard let token = peek else { throw Self.fail("the expression ends too early", source) }
        position += 1
        switch token {
        case .number(let value): return .literal(.number(value))
        case .string(let value): return .literal(.string(value))
        case .symbol("("):
            let inner = try expression()
            try expect(")")
            return inner
        case .symbol("["):
            var items: [ProcessExpression] = []
            if !take("]") {
                repeat { items.append(try expression()) } while take(",")
                try expect("]")
            }
            return .list(items)
        case .name(let name):
            switch name {
            case "true", "True": return .literal(.bool(true))
            case "false", "False": return .literal(.bool(false))
            case "null", "None": return .literal(.null)
            default: break
            }
            if take("(") {
                // Unknown names are refused when evaluated, not here: a host may supply more functions.
                var arguments: [ProcessExpression] = []
                if !take(")") {
                    repeat { arguments.append(try expression()) } while take(",")
                    try expect(")")
                }
                return .call(ProcessExpression.functions.contains(name.lowercased()) ? name.lowercased() : name, arguments)
            }
            var path: [String] = []
            while take(".") {
                guard case .name(let field)? = peek else { throw Self.fail("expected a field name after '.'", source) }
                position += 1
                path.append(field)
            }
            return .variable(name, path: path)
        default:
            throw Self.fail("unexpected '\(token)'", source)
        }
    }
}
