/// An activity run once per item of a collection, or a number of times, in parallel or one after another.
public struct MultiInstance: Sendable, Equatable {
    public var isSequential: Bool
    public var cardinality: ProcessExpression?
    /// The collection to iterate over (`loopDataInputRef` or `camunda:collection`) and each item's name.
    public var collection: ProcessExpression?
    public var elementVariable: String?
    public var completionCondition: ProcessExpression?

    public init(
        isSequential: Bool,
        cardinality: ProcessExpression? = nil,
        collection: ProcessExpression? = nil,
        elementVariable: String? = nil,
        completionCondition: ProcessExpression? = nil
    ) {
        self.isSequential = isSequential
        self.cardinality = cardinality
        self.collection = collection
        self.elementVariable = elementVariable
        self.completionCondition = completionCondition
    }
}
