public import CRMCore
import Foundation
import SQLKit

extension FunnelStore {
    /// Writes deals with their past: each event goes through the same rules as a live move (`FunnelMove`) and
    /// into the stage log with its own time, so reports over imported history are computed exactly as over
    /// live history. For the system only (demo data, importers), in one transaction per call: all or nothing.
    public func importDeals(_ context: AccessContext, _ deals: [ImportedDeal]) async throws -> [DealID] {
        guard case .system = context.actor else { throw StoreError.forbidden("importing history is for system jobs") }
        return try await database.write { db in try await Self.insertImported(db, context, deals) }
    }

    static func insertImported(_ db: any SQLDatabase, _ context: AccessContext, _ deals: [ImportedDeal]) async throws -> [DealID] {
        var pipelines: [PipelineID: Pipeline] = [:]
        let reasons = Set(try await PipelineStore.fetchReasons(db, includeInactive: true).map(\.id))
        try await FieldStore.check(db, .deal, deals.map(\.fields.custom))
        var replayed: [(fields: DealFields, steps: [(fields: DealFields, kind: TransitionKind, from: StageID?, comment: String, at: Timestamp)])] = []
        replayed.reserveCapacity(deals.count)
        for (index, imported) in deals.enumerated() {
            let pipeline: Pipeline
            if let cached = pipelines[imported.fields.pipelineID] {
                pipeline = cached
            } else {
                pipeline = try await PipelineStore.fetch(db, imported.fields.pipelineID)
                pipelines[pipeline.id] = pipeline
            }
            // The whole history is replayed in memory first, so the deal is written once, in its final state.
            let (fields, steps) = try Self.replay(imported, in: pipeline, reasons: reasons, index: index)
            replayed.append((fields, steps))
        }
        let rows = zip(deals, replayed).map { imported, result in
            (
                fields: result.fields, owner: imported.owner, team: imported.team, at: imported.createdAt,
                updatedAt: result.steps.last?.at ?? imported.createdAt
            )
        }
        let ids = try await RecordStore<DealFields>.insertRows(db, context, rows).map { DealID($0) }
        var log = StageLog.Batch()
        for (id, result) in zip(ids, replayed) {
            for step in result.steps {
                let pipeline = pipelines[step.fields.pipelineID]
                let stage = pipeline?.stage(step.fields.stageID)
                let facts = StageLog.StageFacts(
                    probability: stage?.probability ?? 0,
                    level: (stage?.position ?? 0) + 1,
                    top: (pipeline?.stages.map(\.position).max() ?? 0) + 1
                )
                log.add(deal: id, fields: step.fields, kind: step.kind, from: step.from, comment: step.comment, at: step.at, stage: facts, actor: nil)
            }
            if log.count >= 400 { try await log.flush(db) }
        }
        try await log.flush(db)
        return ids
    }

    /// Applies an imported deal's events with the live rules; returns its final fields and each log entry.
    private static func replay(
        _ imported: ImportedDeal,
        in pipeline: Pipeline,
        reasons: Set<LossReasonID>,
        index: Int
    ) throws -> (DealFields, [(fields: DealFields, kind: TransitionKind, from: StageID?, comment: String, at: Timestamp)]) {
        var fields: DealFields
        do throws(ValidationErrors) { fields = try imported.fields.validated() } catch { throw StoreError.invalid(at(index, error.errors)) }
        guard pipeline.stage(fields.stageID) != nil else {
            throw StoreError.invalid(
                at(
                    index,
                    [ValidationError(field: "stage_id", code: "unknown_stage", message: "stage \(fields.stageID) is not a stage of \(pipeline.name)")]
                )
            )
        }
        fields.status = .open
        fields.closedAt = nil
        fields.lossReasonID = nil
        fields.lossComment = ""
        fields.stageEnteredAt = imported.createdAt
        var steps: [(fields: DealFields, kind: TransitionKind, from: StageID?, comment: String, at: Timestamp)] = [
            (fields, .created, nil, "", imported.createdAt)
        ]
        var last = imported.createdAt
        for event in imported.events {
            guard event.at >= last else {
                throw StoreError.invalid(at(index, [ValidationError(field: "events", code: "out_of_order", message: "events must be in time order")]))
            }
            let outcome: FunnelMove.Outcome
            do throws(ValidationError) {
                outcome = try event.move.apply(to: fields, in: pipeline, activeReasons: reasons, at: event.at)
            } catch {
                throw StoreError.invalid(at(index, [error]))
            }
            fields = outcome.fields
            var comment = ""
            if case .lose(_, let text) = event.move { comment = text }
            steps.append((fields, outcome.kind, outcome.fromStage, comment, event.at))
            last = event.at
        }
        return (fields, steps)
    }

    private static func at(_ index: Int, _ errors: [ValidationError]) -> ValidationErrors {
        ValidationErrors(
            errors.map { ValidationError(field: "deals[\(index)]" + ($0.field.map { ".\($0)" } ?? ""), code: $0.code, message: $0.message) }
        )
    }
}
