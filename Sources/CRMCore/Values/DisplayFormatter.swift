public import Foundation

/// Formats dates, numbers and money for one reader: in their language's conventions and their time zone.
public struct DisplayFormatter: Sendable {
    public let locale: Locale
    public let timeZone: TimeZone

    public init(localeIdentifier: String, timeZoneIdentifier: String) {
        self.locale = Locale(identifier: localeIdentifier)
        self.timeZone = TimeZone(identifier: timeZoneIdentifier) ?? TimeZone(identifier: "UTC")!
    }

    public func dateTime(_ timestamp: Timestamp) -> String {
        timestamp.date.formatted(Date.FormatStyle(date: .abbreviated, time: .shortened, locale: locale, timeZone: timeZone))
    }

    public func date(_ timestamp: Timestamp) -> String {
        timestamp.date.formatted(Date.FormatStyle(date: .abbreviated, time: .omitted, locale: locale, timeZone: timeZone))
    }

    public func number(_ value: Int) -> String {
        value.formatted(IntegerFormatStyle<Int>(locale: locale))
    }

    /// Money goes through `Decimal`, built from its exact decimal text, so formatting never rounds through a Double.
    public func money(_ money: Money) -> String {
        let value = Decimal(string: money.decimalString) ?? 0
        return value.formatted(
            Decimal.FormatStyle.Currency(code: money.currency.code, locale: locale)
                .precision(.fractionLength(money.currency.minorDigits))
        )
    }
}
