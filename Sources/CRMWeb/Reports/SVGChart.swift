import Foundation

/// Charts drawn on the server as SVG: readable without JavaScript, printable, and each bar a link to the deals
/// behind it. Colours come from CSS classes (`series-0`, `series-1`), with a fill in the markup for viewers
/// without the stylesheet.
enum SVGChart {
    struct Series: Sendable {
        let name: String
        let values: [Double]
        var links: [String?] = []
        var labels: [String] = []
    }

    static let palette = ["#3b6fb6", "#e0913a", "#4a9b5f", "#b64a4a"]

    /// Horizontal bars, one group per category, one bar per series; labels show each value's text.
    static func bars(title: String, categories: [String], series: [Series]) -> String {
        let labelWidth = 180.0
        let barHeight = 18.0
        let gap = 10.0
        let width = 720.0
        let plotWidth = width - labelWidth - 90
        let top = series.count > 1 ? 28.0 : 8.0
        let groupHeight = Double(series.count) * barHeight + gap
        let height = top + Double(categories.count) * groupHeight + 4
        let maximum = max(series.flatMap(\.values).max() ?? 0, 1e-9)
        var svg = header(title: title, width: width, height: height)
        svg += legend(series)
        for (row, category) in categories.enumerated() {
            let y = top + Double(row) * groupHeight
            svg +=
                "<text x=\"\(labelWidth - 8)\" y=\(quoted(y + Double(series.count) * barHeight / 2 + 4)) text-anchor=\"end\" class=\"chart-label\">\(escape(category))</text>"
            for (index, entry) in series.enumerated() where row < entry.values.count {
                let value = entry.values[row]
                let barWidth = max(0, value / maximum * plotWidth)
                let barY = y + Double(index) * barHeight
                let label = row < entry.labels.count ? entry.labels[row] : String(value)
                let bar =
                    "<rect x=\"\(labelWidth)\" y=\(quoted(barY)) width=\(quoted(barWidth)) height=\"\(barHeight - 3)\" class=\"series-\(index)\" fill=\"\(palette[index % palette.count])\"><title>\(escape(entry.name)): \(escape(category)) — \(escape(label))</title></rect>"
                svg += link(row < entry.links.count ? entry.links[row] : nil, bar)
                svg += "<text x=\(quoted(labelWidth + barWidth + 6)) y=\(quoted(barY + barHeight - 6)) class=\"chart-value\">\(escape(label))</text>"
            }
        }
        return svg + "</svg>"
    }

    /// A funnel: centred bars narrowing with the counts, the conversion from the stage above beside each.
    static func funnel(title: String, stages: [String], counts: [Int], notes: [String], links: [String?]) -> String {
        let width = 720.0
        let rowHeight = 34.0
        let labelWidth = 170.0
        let plotWidth = width - labelWidth - 150
        let maximum = Double(max(counts.max() ?? 0, 1))
        let height = Double(stages.count) * rowHeight + 8
        var svg = header(title: title, width: width, height: height)
        for (row, stage) in stages.enumerated() {
            let y = 4 + Double(row) * rowHeight
            let count = row < counts.count ? counts[row] : 0
            let barWidth = max(2, Double(count) / maximum * plotWidth)
            let x = labelWidth + (plotWidth - barWidth) / 2
            svg +=
                "<text x=\"\(labelWidth - 8)\" y=\(quoted(y + rowHeight / 2 + 2)) text-anchor=\"end\" class=\"chart-label\">\(escape(stage))</text>"
            let bar =
                "<rect x=\(quoted(x)) y=\(quoted(y)) width=\(quoted(barWidth)) height=\"\(rowHeight - 6)\" class=\"series-0\" fill=\"\(palette[0])\"><title>\(escape(stage)): \(count)</title></rect>"
            svg += link(row < links.count ? links[row] : nil, bar)
            svg +=
                "<text x=\(quoted(labelWidth + plotWidth / 2)) y=\(quoted(y + rowHeight / 2 + 2)) text-anchor=\"middle\" class=\"chart-inside\" fill=\"#fff\">\(count)</text>"
            if row < notes.count {
                svg +=
                    "<text x=\(quoted(labelWidth + plotWidth + 10)) y=\(quoted(y + rowHeight / 2 + 2)) class=\"chart-value\">\(escape(notes[row]))</text>"
            }
        }
        return svg + "</svg>"
    }

    /// Lines over periods, one per series, with a dot (and its value) at each point.
    static func lines(title: String, categories: [String], series: [Series]) -> String {
        let width = 720.0
        let height = 260.0
        let left = 50.0
        let bottom = 40.0
        let top = 30.0
        let right = 20.0
        let maximum = max(series.flatMap(\.values).max() ?? 0, 1e-9)
        let step = categories.count > 1 ? (width - left - right) / Double(categories.count - 1) : 0
        func point(_ index: Int, _ value: Double) -> (Double, Double) {
            (left + Double(index) * step, height - bottom - value / maximum * (height - bottom - top))
        }
        var svg = header(title: title, width: width, height: height) + legend(series)
        svg +=
            "<line x1=\"\(left)\" y1=\(quoted(height - bottom)) x2=\(quoted(width - right)) y2=\(quoted(height - bottom)) class=\"chart-axis\" stroke=\"#999\"/>"
        for (index, category) in categories.enumerated() {
            let (x, _) = point(index, 0)
            svg += "<text x=\(quoted(x)) y=\(quoted(height - bottom + 16)) text-anchor=\"middle\" class=\"chart-label\">\(escape(category))</text>"
        }
        for (index, entry) in series.enumerated() {
            let points = entry.values.enumerated().map { point($0.offset, $0.element) }
            let path = points.map { "\(format($0.0)),\(format($0.1))" }.joined(separator: " ")
            svg +=
                "<polyline points=\"\(path)\" fill=\"none\" class=\"series-line-\(index)\" stroke=\"\(palette[index % palette.count])\" stroke-width=\"2\"/>"
            for (offset, (x, y)) in points.enumerated() {
                let label = offset < entry.labels.count ? entry.labels[offset] : String(entry.values[offset])
                svg +=
                    "<circle cx=\(quoted(x)) cy=\(quoted(y)) r=\"3\" fill=\"\(palette[index % palette.count])\"><title>\(escape(entry.name)) \(escape(categories[offset])): \(escape(label))</title></circle>"
            }
        }
        return svg + "</svg>"
    }

    private static func header(title: String, width: Double, height: Double) -> String {
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" viewBox=\"0 0 \(format(width)) \(format(height))\" role=\"img\" aria-label=\"\(escape(title))\"><title>\(escape(title))</title>"
    }

    private static func legend(_ series: [Series]) -> String {
        guard series.count > 1 else { return "" }
        return series.enumerated().map { index, entry in
            let x = 180.0 + Double(index) * 160
            return
                "<rect x=\(quoted(x)) y=\"4\" width=\"12\" height=\"12\" class=\"series-\(index)\" fill=\"\(palette[index % palette.count])\"/><text x=\(quoted(x + 18)) y=\"15\" class=\"chart-label\">\(escape(entry.name))</text>"
        }.joined()
    }

    private static func link(_ href: String?, _ content: String) -> String {
        guard let href else { return content }
        return "<a href=\"\(escape(href))\">\(content)</a>"
    }

    private static func quoted(_ value: Double) -> String { "\"" + format(value) + "\"" }

    static func format(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(format: "%.1f", value)
    }

    static func escape(_ text: String) -> String { XML.escaped(text) }
}
