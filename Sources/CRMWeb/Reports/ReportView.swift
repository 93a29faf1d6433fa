import CRMCore
import Foundation

/// A report ready to show: its tables and charts. One value feeds the page, the CSV export and the API, so the
/// three always carry the same figures.
struct ReportView: Sendable {
    let name: String
    let title: String
    var notes: [String] = []
    var charts: [String] = []
    var tables: [ReportTable] = []

    func table(_ name: String) -> ReportTable? { tables.first { $0.name == name } }
}

/// A table of a report: named columns with stable keys (the API's and CSV's) and translated labels (the page's).
struct ReportTable: Sendable {
    struct Column: Sendable {
        let key: String
        let label: String
    }

    /// A figure, with the list of deals behind it when there is one, and its colour when it has one.
    struct Cell: Sendable {
        enum Value: Sendable {
            case text(String)
            case count(Int)
            /// A share from 0 to 1 (or beyond, when stages are skipped).
            case share(Double?)
            /// Percentage points, signed.
            case points(Double?)
            case money(MoneyTotals)
            case days(Double?)
        }

        let value: Value
        var link: String?
        /// red, amber, green, flag or hotspot: how the page colours it.
        var tone: String?

        init(_ value: Value, link: String? = nil, tone: String? = nil) {
            self.value = value
            self.link = link
            self.tone = tone
        }
    }

    let name: String
    let title: String
    let columns: [Column]
    var rows: [[Cell]] = []

    init(name: String, title: String, columns: [(key: String, label: String)]) {
        self.name = name
        self.title = title
        self.columns = columns.map { Column(key: $0.key, label: $0.label) }
    }

    mutating func add(_ cells: [Cell]) {
        precondition(cells.count == columns.count, "a row of \(name) has \(cells.count) cells for \(columns.count) columns")
        rows.append(cells)
    }
}

extension ReportTable.Cell.Value {
    /// As a person reads it, in their language's conventions.
    func display(_ format: DisplayFormatter) -> String {
        switch self {
        case .text(let text): return text
        case .count(let count): return format.number(count)
        case .share(let share): return share.map { Self.percent($0 * 100, format) } ?? "—"
        case .points(let points): return points.map { ($0 > 0 ? "+" : "") + Self.decimal($0, format) } ?? "—"
        case .money(let totals): return totals.isEmpty ? "0" : totals.amounts.map(format.money).joined(separator: " + ")
        case .days(let days): return days.map { Self.decimal($0, format) } ?? "—"
        }
    }

    /// As CSV and JSON carry it: plain numbers, shares as percentages with one decimal, money as decimal text per currency.
    var plain: String {
        switch self {
        case .text(let text): return text
        case .count(let count): return String(count)
        case .share(let share): return share.map { Self.rounded($0 * 100) } ?? ""
        case .points(let points), .days(let points): return points.map(Self.rounded) ?? ""
        case .money(let totals): return totals.amounts.map { "\($0.decimalString) \($0.currency.code)" }.joined(separator: " + ")
        }
    }

    var json: JSONValue {
        switch self {
        case .text(let text): return .string(text)
        case .count(let count): return .int(Int64(count))
        case .share(let share): return share.map { .number(($0 * 1000).rounded() / 10) } ?? .null
        case .points(let value), .days(let value): return value.map { .number(($0 * 10).rounded() / 10) } ?? .null
        case .money(let totals):
            return .object(Dictionary(uniqueKeysWithValues: totals.amounts.map { ($0.currency.code, .string($0.decimalString)) }))
        }
    }

    private static func rounded(_ value: Double) -> String { String(format: "%.1f", value) }

    private static func decimal(_ value: Double, _ format: DisplayFormatter) -> String {
        value.formatted(.number.precision(.fractionLength(1)).locale(format.locale))
    }

    private static func percent(_ value: Double, _ format: DisplayFormatter) -> String {
        value.formatted(.number.precision(.fractionLength(0...1)).locale(format.locale)) + " %"
    }
}

extension ReportTable {
    /// The table for a spreadsheet program: headers as the page says them, figures as numbers (shares in percent);
    /// a sum in several currencies stays text, since no one number holds it.
    var spreadsheet: Spreadsheet {
        Spreadsheet(
            header: columns.map(\.label),
            rows: rows.map { cells in
                cells.map { cell -> Spreadsheet.Cell in
                    switch cell.value {
                    case .text(let text): .text(text)
                    case .count(let count): .number(Decimal(count))
                    case .share(let share): share.map { .number(Self.decimal($0 * 100)) } ?? .text("")
                    case .points(let value), .days(let value): value.map { .number(Self.decimal($0)) } ?? .text("")
                    case .money(let totals):
                        totals.amounts.count == 1 ? .number(Decimal(string: totals.amounts[0].decimalString) ?? 0) : .text(cell.value.plain)
                    }
                }
            }
        )
    }

    /// One decimal place, as the page shows shares and days.
    private static func decimal(_ value: Double) -> Decimal {
        Decimal(string: String(format: "%.1f", value)) ?? 0
    }

    var json: JSONValue {
        .object([
            "name": .string(name), "title": .string(title),
            "columns": .array(columns.map { .object(["key": .string($0.key), "label": .string($0.label)]) }),
            "rows": .array(
                rows.map { cells in
                    .object(
                        Dictionary(
                            uniqueKeysWithValues: zip(columns, cells).flatMap { column, cell -> [(String, JSONValue)] in
                                [(column.key, cell.value.json)] + (cell.link.map { [(column.key + "_deals", JSONValue.string($0))] } ?? [])
                            }
                        )
                    )
                }
            ),
        ])
    }
}
