/// Amounts summed per currency: a report never adds złote to euros.
public struct MoneyTotals: Codable, Sendable, Equatable {
    /// Minor units by ISO currency code.
    public private(set) var minorUnits: [String: Int64]

    public init(_ minorUnits: [String: Int64] = [:]) {
        self.minorUnits = minorUnits.filter { $0.value != 0 }
    }

    public mutating func add(_ minor: Int64, currency: String) {
        guard minor != 0 else { return }
        minorUnits[currency, default: 0] += minor
    }

    public mutating func add(_ other: MoneyTotals) {
        for (currency, minor) in other.minorUnits { add(minor, currency: currency) }
    }

    public var isEmpty: Bool { minorUnits.isEmpty }

    /// Each currency's total as `Money`, largest first, so the main currency leads a display.
    public var amounts: [Money] {
        minorUnits.sorted { ($0.value, $1.key) > ($1.value, $0.key) }.compactMap { code, minor in
            (try? Currency(code: code)).map { Money(minorUnits: minor, currency: $0) }
        }
    }

    /// The total divided by `count` in each currency, rounded half away from zero.
    public func average(over count: Int) -> MoneyTotals {
        guard count > 0 else { return MoneyTotals() }
        return MoneyTotals(minorUnits.mapValues { ($0 * 2 + ($0 >= 0 ? Int64(count) : -Int64(count))) / (2 * Int64(count)) })
    }
}
