public import CRMCore
import Foundation
public import SQLKit

extension DealFields: StoredFields {
    public static let recordType = RecordType.deal
    public static let table = "deals"
    public static let columns = [
        "title", "company_id", "pipeline_id", "stage_id", "amount_minor", "currency", "expected_close", "source", "forecast_category",
        "tags", "status", "loss_reason_id", "loss_comment", "closed_at", "stage_entered_at", "custom",
    ]

    public init(row: any SQLRow) throws {
        self.init(
            title: try row.value("title"),
            companyID: try row.value("company_id", as: Int64?.self).map { CompanyID($0) },
            pipelineID: PipelineID(try row.value("pipeline_id", as: Int64.self)),
            stageID: StageID(try row.value("stage_id", as: Int64.self)),
            amount: Money(minorUnits: try row.value("amount_minor"), currency: try Currency(code: try row.value("currency"))),
            expectedCloseDate: try row.value("expected_close", as: String?.self).map { try CalendarDate(parsing: $0) },
            source: try row.value("source"),
            forecastCategory: try row.value("forecast_category", as: String?.self).flatMap(ForecastCategory.init(rawValue:)),
            tags: try row.json("tags"),
            status: DealStatus(rawValue: try row.value("status")) ?? .open,
            lossReasonID: try row.value("loss_reason_id", as: Int64?.self).map { LossReasonID($0) },
            lossComment: try row.value("loss_comment"),
            closedAt: try row.value("closed_at", as: Int64?.self).map(Timestamp.init(rawValue:)),
            stageEnteredAt: Timestamp(rawValue: try row.value("stage_entered_at")),
            custom: try PlainJSON.decode(CustomValues.self, from: try row.value("custom"))
        )
    }

    public func columnValues() throws -> [any Encodable & Sendable] {
        [
            title, companyID?.rawValue, pipelineID.rawValue, stageID.rawValue, amount.minorUnits, amount.currency.code,
            expectedCloseDate?.description, source, forecastCategory?.rawValue, try ColumnJSON.encode(tags), status.rawValue,
            lossReasonID?.rawValue, lossComment, closedAt?.rawValue, stageEnteredAt.rawValue, try JSONText.custom(custom),
        ]
    }

    public var sortKey: String { TextFolding.sortKey(title) }

    public var references: [(type: RecordType, table: String, id: Int64)] {
        companyID.map { [(RecordType.company, CompanyFields.table, $0.rawValue)] } ?? []
    }

    public static func filters(_ query: ListQuery) -> [SQLQueryString] {
        var result: [SQLQueryString] = []
        if let company = query.companyID { result.append("company_id = \(bind: company.rawValue)") }
        if let pipeline = query.pipelineID { result.append("pipeline_id = \(bind: pipeline.rawValue)") }
        if let stage = query.stageID { result.append("stage_id = \(bind: stage.rawValue)") }
        if let status = query.status { result.append("status = \(bind: status.rawValue)") }
        return result
    }

    /// A new deal must start in a stage of its pipeline; an edit keeps the deal where it is, since only the
    /// funnel operations (move, win, lose, reopen) change that, each leaving a row in the stage log.
    public static func willWrite(_ db: any SQLDatabase, _ context: AccessContext, old: DealFields?, new: DealFields) async throws -> DealFields {
        guard let old else {
            let pipeline = try await PipelineStore.fetch(db, new.pipelineID)
            guard pipeline.isActive else {
                throw StoreError.invalid(
                    .init([ValidationError(field: "pipeline_id", code: "inactive_pipeline", message: "\(pipeline.name) is archived")])
                )
            }
            guard pipeline.stage(new.stageID) != nil else {
                throw StoreError.invalid(
                    .init([
                        ValidationError(field: "stage_id", code: "unknown_stage", message: "stage \(new.stageID) is not a stage of \(pipeline.name)")
                    ])
                )
            }
            var fresh = new
            // "XXX" is ISO 4217's "no currency": the client gave an amount without one, so the pipeline's applies.
            if new.amount.currency.code == "XXX" {
                do { fresh.amount = try new.amount.rescaled(to: pipeline.currency) } catch { throw StoreError.invalid(.init([error])) }
            }
            fresh.status = .open
            fresh.closedAt = nil
            fresh.lossReasonID = nil
            fresh.lossComment = ""
            fresh.stageEnteredAt = .now
            return fresh
        }
        guard new.pipelineID == old.pipelineID, new.stageID == old.stageID else {
            throw StoreError.invalid(
                .init([
                    ValidationError(
                        field: "stage_id",
                        code: "use_move",
                        message: "change a deal's stage with the move operation, so the stage log records it"
                    )
                ])
            )
        }
        var kept = new
        kept.status = old.status
        kept.closedAt = old.closedAt
        kept.lossReasonID = old.lossReasonID
        kept.lossComment = old.lossComment
        kept.stageEnteredAt = old.stageEnteredAt
        return kept
    }

    public var groupingValues: [String] { [source, forecastCategory?.rawValue ?? ""] }

    public static func regrouping<T>(_ db: any SQLDatabase, ids: [Int64], _ change: () async throws -> T) async throws -> T {
        try await FunnelRollup.rekeying(db, deals: ids, change)
    }

    /// Logs the deal's creation and every change of amount or expected close date (for slippage figures).
    public static func didWrite(_ db: any SQLDatabase, _ context: AccessContext, id: Int64, old: DealFields?, new: DealFields) async throws {
        guard let old else {
            try await StageLog.append(db, context, deal: DealID(id), fields: new, kind: .created, from: nil)
            return
        }
        if old.amount != new.amount {
            try await StageLog.append(db, context, deal: DealID(id), fields: new, kind: .amountChanged, from: new.stageID)
        }
        if old.expectedCloseDate != new.expectedCloseDate {
            try await StageLog.append(db, context, deal: DealID(id), fields: new, kind: .closeDateChanged, from: new.stageID)
        }
    }
}
