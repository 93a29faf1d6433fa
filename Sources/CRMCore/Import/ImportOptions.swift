import Foundation

/// What a file means beyond its columns. A deals file: the pipeline its deals go to, what each value of its stage
/// column stands for, the zone of its dates, and lost deals without a reason. Deals and contacts files alike: what to
/// do about companies a row names that no one has.
public struct ImportOptions: Sendable, Equatable, Codable {
    /// Where a row's deal ends up: open in a stage, won or lost.
    public enum Outcome: Sendable, Equatable {
        case stage(String)
        case won
        case lost
    }

    public var pipelineID: Int64?
    /// Stage-column values as the file writes them, and their meaning: a stage's name, `won` or `lost`.
    public var stageValues: [String: String]
    /// An IANA zone; dates without a time are midnight there.
    public var timeZone: String
    /// The loss reason of lost rows whose reason column is empty or absent.
    public var defaultLossReason: String?
    /// Companies a row names that no one can find are made (owned by the row's owner) instead of refusing the row.
    public var createCompanies: Bool

    public init(
        pipelineID: Int64? = nil,
        stageValues: [String: String] = [:],
        timeZone: String = "UTC",
        defaultLossReason: String? = nil,
        createCompanies: Bool = true
    ) {
        self.pipelineID = pipelineID
        self.stageValues = stageValues
        self.timeZone = timeZone
        self.defaultLossReason = defaultLossReason
        self.createCompanies = createCompanies
    }

    /// Words other systems and our users write for a won or a lost deal, folded.
    static let outcomeWords: [String: Outcome] = [
        "won": .won, "closed won": .won, "win": .won, "wygrana": .won, "wygrany": .won, "выиграна": .won, "успешно": .won,
        "megnyert": .won, "спечелена": .won,
        "lost": .lost, "closed lost": .lost, "loss": .lost, "przegrana": .lost, "przegrany": .lost, "проиграна": .lost,
        "elvesztett": .lost, "загубена": .lost,
    ]

    /// What a stage-column value means: as the options say, else a won or lost word, else the stage of that name.
    public func outcome(of value: String) -> Outcome {
        let folded = TextFolding.fold(value.trimmingWhitespace())
        if let meaning = stageValues.first(where: { TextFolding.fold($0.key.trimmingWhitespace()) == folded })?.value {
            return Self.outcomeWords[TextFolding.fold(meaning)] ?? .stage(meaning.trimmingWhitespace())
        }
        return Self.outcomeWords[folded] ?? .stage(value.trimmingWhitespace())
    }

    /// The meaning to offer for a value in the file: as saved, else won or lost, else a stage of the same name
    /// (case and accents ignored); nil when the user has to say.
    public func suggestedMeaning(of value: String, stages: [String]) -> String? {
        switch outcome(of: value) {
        case .won: "won"
        case .lost: "lost"
        case .stage(let name): stages.first { TextFolding.fold($0) == TextFolding.fold(name) }
        }
    }
}
