import CRMCore
import Foundation

/// A process drawn as SVG from the diagram the modeler saved (BPMNDI): events as circles, gateways as diamonds,
/// activities as rounded boxes, flows as arrows. Nodes where tokens wait are marked `current`, nodes already
/// passed `done`; the drawing needs no JavaScript and prints.
enum ProcessDiagram {
    static func svg(_ definition: ProcessDefinition, current: Set<String>, done: Set<String>, title: String) -> String? {
        let diagram = definition.diagram
        guard !diagram.shapes.isEmpty else { return nil }
        let nodes = Dictionary(definition.processes.flatMap(\.nodes).map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        let xs = diagram.shapes.values.flatMap { [$0.x, $0.x + $0.width] } + diagram.edges.values.flatMap { $0.map(\.x) }
        let ys = diagram.shapes.values.flatMap { [$0.y, $0.y + $0.height] } + diagram.edges.values.flatMap { $0.map(\.y) }
        let minX = (xs.min() ?? 0) - 20
        let minY = (ys.min() ?? 0) - 20
        let width = (xs.max() ?? 0) - minX + 20
        let height = (ys.max() ?? 0) - minY + 30
        var svg = """
            <svg xmlns="http://www.w3.org/2000/svg" class="process-diagram" viewBox="\(n(minX)) \(n(minY)) \(n(width)) \(n(height))" role="img" aria-label="\(escape(title))">
            <defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z"/></marker></defs>
            """
        for (id, points) in diagram.edges.sorted(by: { $0.key < $1.key }) where points.count > 1 {
            svg +=
                "<polyline class=\"flow\" data-flow=\"\(escape(id))\" points=\"\(points.map { "\(n($0.x)),\(n($0.y))" }.joined(separator: " "))\" marker-end=\"url(#arrow)\"/>"
        }
        for (id, box) in diagram.shapes.sorted(by: { $0.key < $1.key }) {
            guard let node = nodes[id] else { continue }
            let state = current.contains(id) ? " current" : (done.contains(id) ? " done" : "")
            let label = escape(node.name)
            switch node.kind {
            case .startEvent, .endEvent, .intermediateCatch, .intermediateThrow, .boundary:
                let r = min(box.width, box.height) / 2
                let end = if case .endEvent = node.kind { " end" } else { "" }
                svg +=
                    "<g class=\"node event\(end)\(state)\" data-node=\"\(escape(id))\"><circle cx=\"\(n(box.x + r))\" cy=\"\(n(box.y + r))\" r=\"\(n(r))\"/>"
                if !label.isEmpty { svg += "<text x=\"\(n(box.x + r))\" y=\"\(n(box.y + box.height + 14))\" text-anchor=\"middle\">\(label)</text>" }
                svg += "<title>\(label.isEmpty ? escape(id) : label)</title></g>"
            case .gateway(let kind, _):
                let cx = box.x + box.width / 2
                let cy = box.y + box.height / 2
                let mark =
                    switch kind {
                    case .parallel: "+"
                    case .inclusive: "○"
                    case .eventBased: "⬠"
                    case .exclusive: "×"
                    }
                svg +=
                    "<g class=\"node gateway\(state)\" data-node=\"\(escape(id))\"><polygon points=\"\(n(cx)),\(n(box.y)) \(n(box.x + box.width)),\(n(cy)) \(n(cx)),\(n(box.y + box.height)) \(n(box.x)),\(n(cy))\"/>"
                svg +=
                    "<text x=\"\(n(cx))\" y=\"\(n(cy + 5))\" text-anchor=\"middle\">\(mark)</text><title>\(label.isEmpty ? escape(id) : label)</title></g>"
            case .task, .subProcess, .callActivity:
                let kind = if case .subProcess = node.kind { " container" } else { "" }
                svg +=
                    "<g class=\"node activity\(kind)\(state)\" data-node=\"\(escape(id))\"><rect x=\"\(n(box.x))\" y=\"\(n(box.y))\" width=\"\(n(box.width))\" height=\"\(n(box.height))\" rx=\"8\"/>"
                svg +=
                    "<text x=\"\(n(box.x + box.width / 2))\" y=\"\(n(box.y + (kind.isEmpty ? box.height / 2 + 4 : 16)))\" text-anchor=\"middle\">\(label)</text><title>\(label.isEmpty ? escape(id) : label)</title></g>"
            }
        }
        return svg + "</svg>"
    }

    private static func n(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(format: "%.1f", value)
    }

    private static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
            .replacingOccurrences(of: "\"", with: "&quot;").replacingOccurrences(of: "\n", with: " ")
    }
}
