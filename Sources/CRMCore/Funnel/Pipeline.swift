/// A sales funnel: an ordered list of stages a deal moves through before it is won or lost.
/// Companies keep several, e.g. one per deal type or market.
public struct Pipeline: Codable, Sendable, Equatable {
    public var id: PipelineID
    public var name: String
    public var currency: Currency
    public var isActive: Bool
    public var stages: [Stage]

    public init(id: PipelineID, name: String, currency: Currency, isActive: Bool, stages: [Stage]) {
        self.id = id
        self.name = name
        self.currency = currency
        self.isActive = isActive
        self.stages = stages
    }

    public func stage(_ id: StageID) -> Stage? { stages.first { $0.id == id } }
}

/// Where a deal's amount counts in a forecast, independent of its stage (as Salesforce and HubSpot keep it).
public enum ForecastCategory: String, Codable, Sendable, CaseIterable {
    case pipeline
    case bestCase = "best_case"
    case commit
    case omitted
}

/// One step of a pipeline. Renaming or reordering stages never rewrites history: the stage log refers to
/// stages by id.
public struct Stage: Codable, Sendable, Equatable {
    public var id: StageID
    public var pipelineID: PipelineID
    public var name: String
    /// Names in other languages, by language code; `name` is used where one is missing.
    public var translations: [String: String]
    public var position: Int
    /// Chance of winning a deal in this stage, 0 to 100; weighs the pipeline.
    public var probability: Int
    public var forecastCategory: ForecastCategory
    /// A deal idle in this stage longer than this many days is stale; nil means never.
    public var rottingDays: Int?
    /// Deal fields that must have a value before a deal may enter this stage.
    public var requiredFields: [String]

    public init(
        id: StageID,
        pipelineID: PipelineID,
        name: String,
        translations: [String: String] = [:],
        position: Int,
        probability: Int,
        forecastCategory: ForecastCategory = .pipeline,
        rottingDays: Int? = nil,
        requiredFields: [String] = []
    ) {
        self.id = id
        self.pipelineID = pipelineID
        self.name = name
        self.translations = translations
        self.position = position
        self.probability = probability
        self.forecastCategory = forecastCategory
        self.rottingDays = rottingDays
        self.requiredFields = requiredFields
    }

    public func name(in language: String) -> String { translations[language] ?? name }

    /// Fields a deal may be required to have before entering a stage.
    public static let requirableFields = ["amount", "expected_close_date", "company_id", "source"]
}
