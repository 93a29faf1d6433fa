public import Foundation

/// One row of a deals file, read and typed but not yet tied to users, companies, stages or loss reasons.
public struct DealImportRow: Sendable, Equatable, Validatable {
    public var title: String
    public var outcome: ImportOptions.Outcome
    /// When the deal started; nil when the file does not say.
    public var created: Timestamp?
    /// When a won or lost deal closed; nil for open deals.
    public var closed: Timestamp?
    public var expectedClose: CalendarDate?
    public var amount: Money
    public var source: String
    public var lossReason: String?
    public var custom: CustomValues

    public func validated() throws(ValidationErrors) -> DealImportRow { self }

    /// The deal's history for the importer: created in `stage` (open rows) or in the pipeline's first stage
    /// and then won or lost when it closed. A closed deal whose start is unknown starts when it closed; an open
    /// one, now.
    public func history(
        pipeline: Pipeline,
        stage: StageID?,
        owner: UserID,
        team: TeamID?,
        company: CompanyID?,
        lossReason: LossReasonID?,
        now: Timestamp
    ) -> ImportedDeal {
        let start = created ?? closed ?? now
        let fields = DealFields(
            title: title,
            companyID: company,
            pipelineID: pipeline.id,
            stageID: stage ?? pipeline.stages[0].id,
            amount: amount,
            expectedCloseDate: expectedClose,
            source: source,
            stageEnteredAt: start,
            custom: custom
        )
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

extension RecordImport {
    /// Reads a deals file. Without a title column a row is titled by its key; a lost row without a reason takes
    /// the options' default; an open row's close date is when it is expected to close.
    public static func deals(
        _ table: CSVTable,
        mapping: [String: String],
        options: ImportOptions,
        currency: Currency,
        custom: [FieldDefinition] = []
    ) -> (rows: [Row<DealImportRow>], errors: [RowError]) {
        let zone = TimeZone(identifier: options.timeZone) ?? TimeZone(identifier: "UTC")!
        return read(table, mapping, custom: custom, defaultCountryCode: "") { values, problems in
            let title = values["title"] ?? values["key"] ?? ""
            if title.isEmpty { problems.append(("title", "the deal has no title")) }
            let stageText = values["stage"] ?? ""
            if stageText.isEmpty { problems.append(("stage", "the stage is empty")) }
            let outcome = options.outcome(of: stageText)
            let created = values["created"].flatMap { text in
                ImportedDate.time(text, in: zone)
                    ?? {
                        problems.append(("created", "'\(text)' is not a date"))
                        return nil
                    }()
            }
            var closed = values["closed"].flatMap { text in
                ImportedDate.time(text, in: zone)
                    ?? {
                        problems.append(("closed", "'\(text)' is not a date"))
                        return nil
                    }()
            }
            var expectedClose = values["expected_close"].flatMap { text in
                ImportedDate.day(text)
                    ?? {
                        problems.append(("expected_close", "'\(text)' is not a date"))
                        return nil
                    }()
            }
            if case .stage = outcome {
                if expectedClose == nil, let closed { expectedClose = CalendarDate(closed, in: zone) }
                closed = nil
            } else if closed == nil {
                closed = created
            }
            if let created, let closed, closed < created { problems.append(("closed", "it closed before it was created")) }
            var amount = Money(minorUnits: 0, currency: currency)
            if let text = values["amount"] {
                let digits = text.replacingOccurrences(of: ",", with: ".").filter { !$0.isWhitespace && $0 != "\u{A0}" }
                do throws(ValidationError) { amount = try Money(decimal: digits, currency: currency) } catch {
                    problems.append(("amount", "'\(text)' is not a number"))
                }
            }
            var lossReason: String?
            if outcome == .lost {
                lossReason = values["loss_reason"] ?? options.defaultLossReason
                if lossReason == nil { problems.append(("loss_reason", "a lost deal needs a loss reason (a column or a default)")) }
            }
            return DealImportRow(
                title: title,
                outcome: outcome,
                created: created,
                closed: closed,
                expectedClose: expectedClose,
                amount: amount,
                source: values["source"] ?? "",
                lossReason: lossReason,
                custom: [:]
            )
        }
    }
}
