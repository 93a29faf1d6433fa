public import CRMCore
import Foundation
import SQLKit

/// A deal as it happened elsewhere or earlier: where it started, when, and each move since, with its time.
public struct ImportedDeal: Sendable {
    public var fields: DealFields
    public var owner: UserID
    public var team: TeamID?
    public var createdAt: Timestamp
    public var events: [(at: Timestamp, move: FunnelMove)]

    public init(fields: DealFields, owner: UserID, team: TeamID?, createdAt: Timestamp, events: [(at: Timestamp, move: FunnelMove)]) {
        self.fields = fields
        self.owner = owner
        self.team = team
        self.createdAt = createdAt
        self.events = events
    }
}

extension FunnelStore {
    /// Writes deals with their past: each event goes through the same rules as a live move (`FunnelMove`) and
    /// into the stage log with its own time, so reports over imported history are computed exactly as over
    /// live history. For the system only (demo data, importers), in one transaction per call: all or nothing.
    public func importDeals(_ context: AccessContext, _ deals: [ImportedDeal]) async throws -> [DealID] {
        guard case .system = context.actor else { throw StoreError.forbidden("importing history is for system jobs") }
        return try await database.write { db in
            var pipelines: [PipelineID: Pipeline] = [:]
            let reasons = Set(try await PipelineStore.fetchReasons(db, includeInactive: true).map(\.id))
            var ids: [DealID] = []
            for (index, imported) in deals.enumerated() {
                let pipeline: Pipeline
                if let cached = pipelines[imported.fields.pipelineID] { pipeline = cached } else {
                    pipeline = try await PipelineStore.fetch(db, imported.fields.pipelineID)
                    pipelines[pipeline.id] = pipeline
                }
                var fields: DealFields
                do throws(ValidationErrors) { fields = try imported.fields.validated() } catch { throw StoreError.invalid(Self.at(index, error.errors)) }
                guard pipeline.stage(fields.stageID) != nil else {
                    throw StoreError.invalid(Self.at(index, [ValidationError(field: "stage_id", code: "unknown_stage", message: "stage \(fields.stageID) is not a stage of \(pipeline.name)")]))
                }
                fields.status = .open
                fields.closedAt = nil
                fields.lossReasonID = nil
                fields.lossComment = ""
                fields.stageEnteredAt = imported.createdAt
                let id = try await RecordStore<DealFields>.insertRow(db, fields, owner: imported.owner, team: imported.team, createdBy: nil, at: imported.createdAt)
                let deal = DealID(id)
                try await StageLog.append(db, context, deal: deal, fields: fields, kind: .created, from: nil, at: imported.createdAt)
                var last = imported.createdAt
                for event in imported.events {
                    guard event.at >= last else {
                        throw StoreError.invalid(Self.at(index, [ValidationError(field: "events", code: "out_of_order", message: "events must be in time order")]))
                    }
                    let outcome: FunnelMove.Outcome
                    do throws(ValidationError) {
                        outcome = try event.move.apply(to: fields, in: pipeline, activeReasons: reasons, at: event.at)
                    } catch {
                        throw StoreError.invalid(Self.at(index, [error]))
                    }
                    fields = outcome.fields
                    var comment = ""
                    if case .lose(_, let text) = event.move { comment = text }
                    try await StageLog.append(db, context, deal: deal, fields: fields, kind: outcome.kind, from: outcome.fromStage, comment: comment, at: event.at)
                    last = event.at
                }
                try await db.raw("""
                    UPDATE deals SET stage_id = \(bind: fields.stageID.rawValue), status = \(bind: fields.status.rawValue),
                    loss_reason_id = \(bind: fields.lossReasonID?.rawValue), loss_comment = \(bind: fields.lossComment),
                    closed_at = \(bind: fields.closedAt?.rawValue), stage_entered_at = \(bind: fields.stageEnteredAt.rawValue),
                    updated_at = \(bind: last.rawValue) WHERE id = \(bind: id)
                    """).run()
                try await AuditLog.append(db, context, type: .deal, id: id, action: .create, changes: FieldChange.diff(old: [:], new: fields.auditValues))
                ids.append(deal)
            }
            return ids
        }
    }

    private static func at(_ index: Int, _ errors: [ValidationError]) -> ValidationErrors {
        ValidationErrors(errors.map { ValidationError(field: "deals[\(index)]" + ($0.field.map { ".\($0)" } ?? ""), code: $0.code, message: $0.message) })
    }
}
