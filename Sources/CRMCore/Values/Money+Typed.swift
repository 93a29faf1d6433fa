/// Amounts as people type them into forms, in any of our languages: "300 000,00", "300000,00", "1 200,50 zł",
/// "1,200.50", "€ 99", "1 500 Ft", "12 000 руб.". This is the one reader of typed amounts: deal forms, lead
/// conversion, forecast overrides, plans and money custom fields all come through it.
extension Money {
    /// Reads a typed amount in `currency`. Spaces (also no-break and thin ones) and apostrophes group thousands;
    /// where both a comma and a point appear, the last is the decimal mark; a single mark followed by exactly three
    /// digits groups thousands ("1,200", "1.200") unless spaces group them already or the currency has three decimals. The currency's own code or
    /// symbol may stand before or after the number; anything else is an error, never a guess.
    public init(typed text: String, currency: Currency) throws(ValidationError) {
        let invalid = ValidationError(code: "invalid_amount", message: "'\(text)' is not an amount in \(currency.code)")
        var body = Self.withoutCurrencyMark(text.trimmingWhitespace(), currency)
        // Thousands already grouped by spaces or apostrophes make a comma or point the decimal mark.
        let spaced = body.contains { $0.isWhitespace || $0 == "'" || $0 == "’" }
        body.removeAll { $0.isWhitespace || $0 == "'" || $0 == "’" }
        var negative = false
        if body.first == "-" || body.first == "−" {
            negative = true
            body.removeFirst()
        }
        guard !body.isEmpty, body.allSatisfy({ $0.isASCIIDigit || $0 == "," || $0 == "." }), body.first?.isASCIIDigit == true else { throw invalid }
        let marks = body.filter { $0 == "," || $0 == "." }
        var decimalMark: Character?
        if Set(marks).count == 2 {
            decimalMark = marks.last
        } else if marks.count == 1, let mark = marks.first {
            let after = body.split(separator: mark, omittingEmptySubsequences: false)[1]
            decimalMark = after.count == 3 && currency.minorDigits != 3 && !spaced ? nil : mark
        }
        // Grouping marks must stand between groups of three digits; "1,2,3" or "12.34.56" is a typing error.
        let parts = body.split(separator: decimalMark ?? " ", omittingEmptySubsequences: false)
        guard parts.count <= 2 else { throw invalid }
        let groups = parts[0].split(whereSeparator: { $0 == "," || $0 == "." }).map(String.init)
        guard groups.dropFirst().allSatisfy({ $0.count == 3 }), !groups.isEmpty, groups.count == parts[0].filter({ $0 == "," || $0 == "." }).count + 1
        else { throw invalid }
        let decimal = (negative ? "-" : "") + groups.joined() + (parts.count == 2 ? "." + parts[1] : "")
        do { try self.init(decimal: decimal, currency: currency) } catch { throw invalid }
    }

    /// The text without the currency's code or symbol at either end ("1 200,50 zł", "PLN 1200", "руб. 500").
    private static func withoutCurrencyMark(_ text: String, _ currency: Currency) -> String {
        let marks = ([currency.code] + (symbols[currency.code] ?? [])).sorted { $0.count > $1.count }
        var body = text
        for mark in marks {
            if body.lowercased().hasSuffix(mark.lowercased()) {
                body = String(body.dropLast(mark.count)).trimmingWhitespace()
                break
            }
            if body.lowercased().hasPrefix(mark.lowercased()) {
                body = String(body.dropFirst(mark.count)).trimmingWhitespace()
                break
            }
        }
        return body
    }

    /// How the currencies our customers sell in are written after or before an amount.
    static let symbols: [String: [String]] = [
        "PLN": ["zł", "zl"], "EUR": ["€"], "USD": ["$", "US$"], "GBP": ["£"], "RUB": ["₽", "руб.", "руб", "р."],
        "HUF": ["Ft"], "BGN": ["лв.", "лв"], "CZK": ["Kč"], "UAH": ["₴", "грн"], "CHF": ["Fr.", "SFr."], "RON": ["lei"],
    ]
}
