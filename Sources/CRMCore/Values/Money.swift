import Foundation

/// An amount of money in a currency, held as an integer count of the currency's minor unit.
///
/// Floating point never touches money: amounts are parsed from decimal text and formatted back to it,
/// and arithmetic refuses to mix currencies.
public struct Money: Hashable, Codable, Sendable {
    public let minorUnits: Int64
    public let currency: Currency

    public init(minorUnits: Int64, currency: Currency) {
        self.minorUnits = minorUnits
        self.currency = currency
    }

    /// A number as people type it ("12 500,50", with spaces or no-break spaces between thousands and a decimal
    /// comma) in the form `init(decimal:)` reads ("12500.50").
    public static func typedDecimal(_ text: String) -> String {
        text.filter { !$0.isWhitespace && $0 != "\u{00A0}" }.replacingOccurrences(of: ",", with: ".")
    }

    /// Parses a decimal amount such as `"1234.50"` or `"-0.5"`; more fractional digits than the currency has is
    /// an error, never a silent rounding.
    public init(decimal text: String, currency: Currency) throws(ValidationError) {
        let invalid = ValidationError(code: "invalid_amount", message: "'\(text)' is not an amount in \(currency.code)")
        var body = Substring(text.trimmingWhitespace())
        var negative = false
        if body.first == "-" {
            negative = true
            body = body.dropFirst()
        }
        let parts = body.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count <= 2, let whole = parts.first, !whole.isEmpty, whole.allSatisfy(\.isASCIIDigit) else { throw invalid }
        let fraction = parts.count == 2 ? parts[1] : ""
        guard fraction.allSatisfy(\.isASCIIDigit), fraction.count <= currency.minorDigits,
            parts.count == 1 || !fraction.isEmpty
        else { throw invalid }
        let padded = fraction + String(repeating: "0", count: currency.minorDigits - fraction.count)
        guard let wholeValue = Int64(whole), let fractionValue = Int64(padded.isEmpty ? "0" : padded) else { throw invalid }
        let (scaled, overflow1) = wholeValue.multipliedReportingOverflow(by: currency.minorScale)
        let (sum, overflow2) = scaled.addingReportingOverflow(fractionValue)
        guard !overflow1, !overflow2 else { throw invalid }
        self.init(minorUnits: negative ? -sum : sum, currency: currency)
    }

    /// The amount as plain decimal text (`"1234.50"`), the form the API speaks.
    public var decimalString: String {
        let scale = currency.minorScale
        let magnitude = minorUnits.magnitude
        let whole = magnitude / UInt64(scale)
        let sign = minorUnits < 0 ? "-" : ""
        guard currency.minorDigits > 0 else { return sign + String(whole) }
        let fraction = String(magnitude % UInt64(scale))
        return sign + String(whole) + "." + String(repeating: "0", count: currency.minorDigits - fraction.count) + fraction
    }

    /// The same amount in a currency with another number of minor digits; refuses to drop a fraction.
    public func rescaled(to target: Currency) throws(ValidationError) -> Money {
        let difference = target.minorDigits - currency.minorDigits
        var units = minorUnits
        for _ in 0..<abs(difference) {
            if difference > 0 {
                units *= 10
            } else {
                guard units % 10 == 0 else {
                    throw ValidationError(field: "amount", code: "invalid_amount", message: "\(target.code) has \(target.minorDigits) decimal places")
                }
                units /= 10
            }
        }
        return Money(minorUnits: units, currency: target)
    }

    public static func + (lhs: Money, rhs: Money) throws(ValidationError) -> Money {
        guard lhs.currency == rhs.currency else {
            throw ValidationError(code: "currency_mismatch", message: "cannot add \(rhs.currency.code) to \(lhs.currency.code)")
        }
        return Money(minorUnits: lhs.minorUnits + rhs.minorUnits, currency: lhs.currency)
    }
}

/// An ISO 4217 currency and how many digits its minor unit has.
public struct Currency: Hashable, Codable, Sendable {
    public let code: String
    public let minorDigits: Int

    public init(code: String) throws(ValidationError) {
        let upper = code.uppercased()
        guard upper.count == 3, upper.allSatisfy({ ("A"..."Z").contains($0) }) else {
            throw ValidationError(code: "invalid_currency", message: "'\(code)' is not an ISO 4217 currency code")
        }
        self.code = upper
        self.minorDigits = Currency.zeroDecimal.contains(upper) ? 0 : (Currency.threeDecimal.contains(upper) ? 3 : 2)
    }

    var minorScale: Int64 {
        var scale: Int64 = 1
        for _ in 0..<minorDigits { scale *= 10 }
        return scale
    }

    // Forint is officially 2 digits in ISO 4217 but cash and invoices use none; we follow ISO so sums stay exact.
    private static let zeroDecimal: Set<String> = ["JPY", "KRW", "ISK", "CLP", "VND", "XAF", "XOF", "UGX", "PYG"]
    private static let threeDecimal: Set<String> = ["BHD", "KWD", "OMR", "JOD", "TND", "LYD", "IQD"]
}
