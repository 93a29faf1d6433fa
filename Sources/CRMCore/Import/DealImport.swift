public import Foundation

/// How a deals file written by another system becomes deal histories: which column holds which field, and what
/// each value of its stage column means in our pipeline.
public struct DealImportMapping: Sendable {
    public enum Field: String, CaseIterable, Sendable {
        case title, owner, company, stage, created, closed, amount, source
        case lossReason = "loss_reason"
    }

    /// Where a row's deal ends up: open in a stage, won or lost.
    public enum Outcome: Sendable, Equatable {
        case stage(String)
        case won
        case lost
    }

    /// Column name in the file for each field; title, owner and stage are required.
    public var columns: [Field: String]
    /// Stage-column values (compared folded: case and accents ignored) and what they mean; a value missing
    /// here is taken as a stage name, and "won"/"lost" always mean the outcome.
    public var stageValues: [String: Outcome]
    public var currency: Currency
    /// Dates without a time are read as midnight in this zone.
    public var timeZone: TimeZone
    /// The loss reason for lost rows whose reason column is empty or absent.
    public var defaultLossReason: String?

    public init(columns: [Field: String], stageValues: [String: Outcome] = [:], currency: Currency, timeZone: TimeZone, defaultLossReason: String? = nil) {
        self.columns = columns
        self.stageValues = stageValues
        self.currency = currency
        self.timeZone = timeZone
        self.defaultLossReason = defaultLossReason
    }

    /// Reads `stage=Value` pairs as given on a command line: `Won=won`, `Engaging=Needs analysis`.
    public static func outcome(_ text: String) -> Outcome {
        switch TextFolding.fold(text.trimmingWhitespace()) {
        case "won": .won
        case "lost": .lost
        default: .stage(text.trimmingWhitespace())
        }
    }
}

/// One row of a deals file, checked and typed but not yet tied to users, companies or stages.
public struct DealImportRow: Sendable, Equatable {
    public let line: Int
    public let title: String
    public let owner: String
    public let company: String?
    public let outcome: DealImportMapping.Outcome
    /// When the deal started; nil when the file does not say (the import then uses its own time).
    public let created: Timestamp?
    /// When a won or lost deal closed; nil for open deals.
    public let closed: Timestamp?
    public let amount: Money
    public let source: String
    public let lossReason: String?

    /// Checks every row and answers all of them, or every error found with its line: nothing is imported
    /// from a file with a bad row.
    public static func rows(of table: CSVTable, _ mapping: DealImportMapping) throws(ValidationErrors) -> [DealImportRow] {
        var errors: [ValidationError] = []
        var columns: [DealImportMapping.Field: Int] = [:]
        for (field, name) in mapping.columns {
            if let index = table.header.firstIndex(of: name) {
                columns[field] = index
            } else {
                errors.append(ValidationError(field: field.rawValue, code: "unknown_column", message: "the file has no column '\(name)' (it has \(table.header.joined(separator: ", ")))"))
            }
        }
        for field in [DealImportMapping.Field.title, .owner, .stage] where mapping.columns[field] == nil {
            errors.append(ValidationError(field: field.rawValue, code: "required", message: "say which column holds the deal's \(field.rawValue)"))
        }
        guard errors.isEmpty else { throw ValidationErrors(errors) }
        let outcomes = Dictionary(mapping.stageValues.map { (TextFolding.fold($0.key.trimmingWhitespace()), $0.value) }, uniquingKeysWith: { first, _ in first })
        var rows: [DealImportRow] = []
        rows.reserveCapacity(table.rows.count)
        for row in table.rows {
            func value(_ field: DealImportMapping.Field) -> String {
                columns[field].map { row.fields[$0].trimmingWhitespace() } ?? ""
            }
            var problems: [String] = []
            let title = value(.title)
            let owner = value(.owner)
            let stageText = value(.stage)
            if title.isEmpty { problems.append("the title is empty") }
            if owner.isEmpty { problems.append("the owner is empty") }
            if stageText.isEmpty { problems.append("the stage is empty") }
            let outcome = outcomes[TextFolding.fold(stageText)] ?? DealImportMapping.outcome(stageText)
            let created = date(value(.created), mapping.timeZone, "created", &problems)
            var closed = date(value(.closed), mapping.timeZone, "closed", &problems)
            if case .stage = outcome {
                closed = nil
            } else if closed == nil {
                closed = created
            }
            if let created, let closed, closed < created { problems.append("it closed before it was created") }
            var amount = Money(minorUnits: 0, currency: mapping.currency)
            let amountText = value(.amount).replacingOccurrences(of: ",", with: ".").filter { !$0.isWhitespace }
            if !amountText.isEmpty {
                do throws(ValidationError) { amount = try Money(decimal: amountText, currency: mapping.currency) } catch { problems.append("the amount '\(value(.amount))' is not a number") }
            }
            var lossReason: String?
            if outcome == .lost {
                let given = value(.lossReason)
                lossReason = given.isEmpty ? mapping.defaultLossReason : given
                if lossReason == nil { problems.append("a lost deal needs a loss reason (a column or a default)") }
            }
            if !problems.isEmpty {
                errors.append(ValidationError(field: "line \(row.line)", code: "invalid_row", message: problems.joined(separator: "; ")))
                continue
            }
            let company = value(.company)
            rows.append(DealImportRow(
                line: row.line, title: title, owner: owner, company: company.isEmpty ? nil : company, outcome: outcome,
                created: created, closed: closed, amount: amount, source: value(.source), lossReason: lossReason
            ))
        }
        guard errors.isEmpty else { throw ValidationErrors(errors) }
        return rows
    }

    /// Dates are ISO 8601 days ("2017-03-01", midnight in the mapping's zone) or times with a zone
    /// ("2017-03-01T09:30:00Z").
    private static func date(_ text: String, _ zone: TimeZone, _ name: String, _ problems: inout [String]) -> Timestamp? {
        guard !text.isEmpty else { return nil }
        if text.count == 10, let day = try? CalendarDate(parsing: text) { return day.start(in: zone) }
        if let date = try? Date(text, strategy: .iso8601) { return Timestamp(date) }
        problems.append("the \(name) date '\(text)' is not a date (YYYY-MM-DD)")
        return nil
    }

    /// The deal's history for the importer: created in `stage` (open rows) or in the pipeline's `firstStage`
    /// and then won or lost at `closed`.
    public func history(pipeline: Pipeline, stage: StageID?, owner: UserID, team: TeamID?, company: CompanyID?, lossReason: LossReasonID?, now: Timestamp) -> ImportedDeal {
        let start = created ?? now
        let fields = DealFields(title: title, companyID: company, pipelineID: pipeline.id, stageID: stage ?? pipeline.stages[0].id, amount: amount, source: source, stageEnteredAt: start)
        var events: [(at: Timestamp, move: FunnelMove)] = []
        switch outcome {
        case .stage: break
        case .won: events.append((closed ?? start, .win))
        case .lost:
            if let lossReason { events.append((closed ?? start, .lose(reason: lossReason, comment: ""))) }
        }
        return ImportedDeal(fields: fields, owner: owner, team: team, createdAt: start, events: events)
    }
}
