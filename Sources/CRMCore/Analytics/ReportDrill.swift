/// The deals behind one number of a report, so every figure can be opened as a list.
public enum ReportDrill: Codable, Sendable, Equatable {
    /// First entered the stage in the period.
    case entered(StageID)
    /// Counted in the stage "with conversions": first reached it (or beyond, or won) in the period.
    case reached(StageID)
    case won
    /// Lost in the period, at a stage and for a reason when given.
    case lost(stage: StageID?, reason: LossReasonID?)
    /// Open now in the stage (all stages when nil).
    case open(StageID?)

    /// As written in a link: `entered:12`, `reached:12`, `won`, `lost:12:3`, `lost::3`, `open`, `open:12`.
    public var token: String {
        switch self {
        case .entered(let stage): "entered:\(stage.rawValue)"
        case .reached(let stage): "reached:\(stage.rawValue)"
        case .won: "won"
        case .lost(let stage, let reason): "lost:\(stage.map { String($0.rawValue) } ?? ""):\(reason.map { String($0.rawValue) } ?? "")"
        case .open(let stage): stage.map { "open:\($0.rawValue)" } ?? "open"
        }
    }

    public init(token: String) throws(ValidationError) {
        let parts = token.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        func id(_ index: Int) throws(ValidationError) -> Int64? {
            guard index < parts.count, !parts[index].isEmpty else { return nil }
            guard let value = Int64(parts[index]), value > 0 else {
                throw ValidationError(field: "drill", code: "invalid_drill", message: "'\(token)' does not name a report figure")
            }
            return value
        }
        switch parts[0] {
        case "entered" where parts.count == 2:
            if let stage = try id(1) {
                self = .entered(StageID(stage))
                return
            }
        case "reached" where parts.count == 2:
            if let stage = try id(1) {
                self = .reached(StageID(stage))
                return
            }
        case "won" where parts.count == 1:
            self = .won
            return
        case "lost" where parts.count <= 3:
            self = .lost(stage: try id(1).map { StageID($0) }, reason: try id(2).map { LossReasonID($0) })
            return
        case "open" where parts.count <= 2:
            self = .open(try id(1).map { StageID($0) })
            return
        default: break
        }
        throw ValidationError(field: "drill", code: "invalid_drill", message: "'\(token)' does not name a report figure")
    }
}
