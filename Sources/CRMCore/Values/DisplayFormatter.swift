public import Foundation
import Synchronization

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

    /// A calendar day (a deal's expected close) as the reader writes dates; a day has no time zone to shift it.
    public func date(_ day: CalendarDate) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        guard let noon = calendar.date(from: DateComponents(year: day.year, month: day.month, day: day.day, hour: 12)) else { return day.description }
        return noon.formatted(Date.FormatStyle(date: .abbreviated, time: .omitted, locale: locale, timeZone: TimeZone(identifier: "UTC")!))
    }

    public func number(_ value: Int) -> String {
        value.formatted(IntegerFormatStyle<Int>(locale: locale))
    }

    /// Money goes through `Decimal`, built from its exact decimal text, so formatting never rounds through a Double.
    public func money(_ money: Money) -> String {
        let value = Decimal(string: money.decimalString) ?? 0
        return value.formatted(currencyStyles.style(money.currency, locale))
    }

    /// An amount as the reader types it into a form, without the currency ("25 000,00"); `Money(typed:)` reads it back.
    public func decimal(_ money: Money) -> String {
        let value = Decimal(string: money.decimalString) ?? 0
        return value.formatted(.number.precision(.fractionLength(money.currency.minorDigits)).locale(locale))
    }

    /// Building a currency style costs far more than using one (a page of deals formats fifty amounts), so
    /// each formatter keeps one per currency.
    private let currencyStyles = CurrencyStyles()

    private final class CurrencyStyles: Sendable {
        private let styles = Mutex<[String: Decimal.FormatStyle.Currency]>([:])

        func style(_ currency: Currency, _ locale: Locale) -> Decimal.FormatStyle.Currency {
            if let known = styles.withLock({ $0[currency.code] }) { return known }
            let style = Decimal.FormatStyle.Currency(code: currency.code, locale: locale).precision(.fractionLength(currency.minorDigits))
            styles.withLock { $0[currency.code] = style }
            return style
        }
    }
}

extension DisplayFormatter {
    /// A file's size as people read it: "840 B", "1,2 MB" (decimal units, as file managers show them).
    public func fileSize(_ bytes: Int64) -> String {
        let cyrillic = ["ru", "bg", "uk"].contains(locale.language.languageCode?.identifier ?? "")
        let units = cyrillic ? ["Б", "КБ", "МБ", "ГБ", "ТБ"] : ["B", "kB", "MB", "GB", "TB"]
        var value = Double(bytes)
        var unit = 0
        while value >= 1000, unit < units.count - 1 {
            value /= 1000
            unit += 1
        }
        let digits = unit == 0 || value >= 100 ? 0 : 1
        let number = value.formatted(FloatingPointFormatStyle<Double>(locale: locale).precision(.fractionLength(0...digits)))
        return "\(number) \(units[unit])"
    }
}
