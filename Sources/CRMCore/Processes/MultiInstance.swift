/// An activity run once per item of a collection, or a number of times, in parallel or one after another.
public struct MultiInstance: Sendable, Equatable {
    public var isSequential: Bool
    public var cardinality: String?
    /// The collection to iterate over (`loopDataInputRef` or `camunda:collection`) and each item's name.
    public var collection: String?
    public var elementVariable: String?
    public var completionCondition: String?

    public init(isSequential: Bool, cardinality: String? = nil, collection: String? = nil, elementVariable: String? = nil, completionCondition: String? = nil) {
        self.isSequential = isSequential
        self.cardinality = cardinality
        self.collection = collection
        self.elementVariable = elementVariable
        self.completionCondition = completionCondition
    }
}
