/// An arrow from one node to another, taken when its condition holds (or always, without one).
public struct SequenceFlow: Sendable, Equatable {
    public var id: String
    public var name: String
    public var source: String
    public var target: String
    /// The condition, read from any of the dialects (`${approved}`, `=approved`, `approved == True`).
    public var condition: ProcessExpression?
    public var line: Int

    public init(id: String, name: String = "", source: String, target: String, condition: ProcessExpression? = nil, line: Int) {
        self.id = id
        self.name = name
        self.source = source
        self.target = target
        self.condition = condition
        self.line = line
    }
}
