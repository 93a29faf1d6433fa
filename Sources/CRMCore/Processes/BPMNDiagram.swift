/// Shapes and edges from BPMNDI, to draw the process as SVG; empty when the file has no diagram.
public struct BPMNDiagram: Sendable, Equatable {
    public struct Bounds: Sendable, Equatable {
        public var x, y, width, height: Double
    }

    public var shapes: [String: Bounds]
    public var edges: [String: [(x: Double, y: Double)]]

    public init(shapes: [String: Bounds] = [:], edges: [String: [(x: Double, y: Double)]] = [:]) {
        self.shapes = shapes
        self.edges = edges
    }

    public static func == (lhs: BPMNDiagram, rhs: BPMNDiagram) -> Bool {
        lhs.shapes == rhs.shapes && lhs.edges.mapValues { $0.flatMap { [$0.x, $0.y] } } == rhs.edges.mapValues { $0.flatMap { [$0.x, $0.y] } }
    }
}
