public import CRMCore
import Foundation
import SQLKit

/// Pipelines, their stages and the loss reasons. Everyone signed in reads them; admins change them.
public struct PipelineStore: Sendable {
    let database: Database

    public struct NewStage: Sendable {
        public var name: String
        public var translations: [String: String]
        public var probability: Int
        public var forecastCategory: ForecastCategory
        public var rottingDays: Int?
        public var requiredFields: [String]

        public init(
            name: String,
            translations: [String: String] = [:],
            probability: Int,
            forecastCategory: ForecastCategory = .pipeline,
            rottingDays: Int? = nil,
            requiredFields: [String] = []
        ) {
            self.name = name
            self.translations = translations
            self.probability = probability
            self.forecastCategory = forecastCategory
            self.rottingDays = rottingDays
            self.requiredFields = requiredFields
        }

        func validated(prefix: String) throws(ValidationErrors) -> NewStage {
            var copy = self
            copy.name = name.trimmingWhitespace()
            var errors: [ValidationError] = []
            if copy.name.isEmpty || copy.name.count > 100 {
                errors.append(ValidationError(field: "\(prefix).name", code: "required", message: "a stage needs a name of at most 100 characters"))
            }
            if !(0...100).contains(probability) {
                errors.append(ValidationError(field: "\(prefix).probability", code: "out_of_range", message: "a probability is from 0 to 100"))
            }
            if let days = rottingDays, !(1...3650).contains(days) {
                errors.append(ValidationError(field: "\(prefix).rotting_days", code: "out_of_range", message: "rotting days are from 1 to 3650"))
            }
            for field in requiredFields where !Stage.requirableFields.contains(field) {
                errors.append(
                    ValidationError(
                        field: "\(prefix).required_fields",
                        code: "invalid_choice",
                        message: "\(field) cannot be required; choose from \(Stage.requirableFields.joined(separator: ", "))"
                    )
                )
            }
            guard errors.isEmpty else { throw ValidationErrors(errors) }
            return copy
        }
    }

    public func list() async throws -> [Pipeline] {
        try await database.read { db in try await Self.fetchAll(db) }
    }

    public func get(_ id: PipelineID) async throws -> Pipeline {
        try await database.read { db in try await Self.fetch(db, id) }
    }

    public func create(_ context: AccessContext, name: String, currency: Currency, stages: [NewStage]) async throws -> Pipeline {
        try context.require(.manageFunnel)
        let name = name.trimmingWhitespace()
        var errors: [ValidationError] = []
        if name.isEmpty || name.count > 100 {
            errors.append(ValidationError(field: "name", code: "required", message: "a pipeline needs a name of at most 100 characters"))
        }
        if stages.isEmpty { errors.append(ValidationError(field: "stages", code: "required", message: "a pipeline needs at least one stage")) }
        var checked: [NewStage] = []
        for (index, stage) in stages.enumerated() {
            do { checked.append(try stage.validated(prefix: "stages[\(index)]")) } catch { errors += error.errors }
        }
        guard errors.isEmpty else { throw StoreError.invalid(ValidationErrors(errors)) }
        let newStages = checked
        let id = try await database.write { db in
            if try await db.raw("SELECT 1 AS one FROM pipelines WHERE name = \(bind: name)").first() != nil {
                throw StoreError.conflict(code: "pipeline_name_taken", message: "a pipeline named \(name) exists")
            }
            let row = try await db.raw(
                """
                INSERT INTO pipelines (name, currency, is_active, position, created_at)
                VALUES (\(bind: name), \(bind: currency.code), \(bind: true), (SELECT COUNT(*) FROM pipelines), \(bind: Timestamp.now.rawValue)) RETURNING id
                """
            ).first()
            let id = try row!.value("id", as: Int64.self)
            for (position, stage) in newStages.enumerated() {
                try await Self.insertStage(db, pipeline: id, stage, position: position)
            }
            return id
        }
        return try await get(PipelineID(id))
    }

    /// Where a new stage goes in its pipeline.
    public enum Placement: Sendable, Equatable {
        case first, last
        case after(StageID)
    }

    public func addStage(_ context: AccessContext, pipeline: PipelineID, _ stage: NewStage, at placement: Placement = .last) async throws -> Pipeline
    {
        try context.require(.manageFunnel)
        let checked: NewStage
        do { checked = try stage.validated(prefix: "stage") } catch { throw StoreError.invalid(error) }
        try await database.write { db in
            let current = try await Self.fetch(db, pipeline)
            let position: Int
            switch placement {
            case .first: position = 0
            case .last: position = current.stages.count
            case .after(let stage):
                guard let index = current.stages.firstIndex(where: { $0.id == stage }) else {
                    throw StoreError.invalid(
                        .init([ValidationError(field: "after", code: "unknown_stage", message: "stage \(stage) is not a stage of \(current.name)")])
                    )
                }
                position = index + 1
            }
            // The stages after it move down one, in the same transaction, so positions stay a sequence.
            for (index, later) in current.stages.enumerated() where index >= position {
                try await db.raw("UPDATE stages SET position = \(bind: index + 1) WHERE id = \(bind: later.id.rawValue)").run()
            }
            try await Self.insertStage(db, pipeline: pipeline.rawValue, checked, position: position)
        }
        return try await get(pipeline)
    }

    /// Changes a stage's settings. History keeps referring to the stage by id, so a rename changes no record.
    public func updateStage(_ context: AccessContext, _ id: StageID, _ stage: NewStage) async throws -> Pipeline {
        try context.require(.manageFunnel)
        let checked: NewStage
        do { checked = try stage.validated(prefix: "stage") } catch { throw StoreError.invalid(error) }
        let pipeline = try await database.write { db in
            guard let row = try await db.raw("SELECT pipeline_id FROM stages WHERE id = \(bind: id.rawValue) AND is_active = \(bind: true)").first()
            else {
                throw StoreError.notFound(nil)
            }
            try await db.raw(
                """
                UPDATE stages SET name = \(bind: checked.name), translations = \(bind: try ColumnJSON.encode(checked.translations)),
                probability = \(bind: checked.probability), forecast_category = \(bind: checked.forecastCategory.rawValue),
                rotting_days = \(bind: checked.rottingDays), required_fields = \(bind: try ColumnJSON.encode(checked.requiredFields))
                WHERE id = \(bind: id.rawValue)
                """
            ).run()
            return PipelineID(try row.value("pipeline_id", as: Int64.self))
        }
        return try await get(pipeline)
    }

    /// Puts the stages in a new order; the list must name each active stage exactly once.
    public func reorder(_ context: AccessContext, pipeline: PipelineID, stages order: [StageID]) async throws -> Pipeline {
        try context.require(.manageFunnel)
        try await database.write { db in
            let current = try await Self.fetch(db, pipeline)
            guard Set(order) == Set(current.stages.map(\.id)), order.count == current.stages.count else {
                throw StoreError.invalid(
                    .init([ValidationError(field: "stage_ids", code: "incomplete_order", message: "list every stage of the pipeline exactly once")])
                )
            }
            for (position, stage) in order.enumerated() {
                try await db.raw("UPDATE stages SET position = \(bind: position) WHERE id = \(bind: stage.rawValue)").run()
            }
        }
        return try await get(pipeline)
    }

    /// Renames a pipeline or archives it (archived pipelines take no new deals; their deals and history stay).
    public func update(_ context: AccessContext, _ id: PipelineID, name: String?, isActive: Bool?) async throws -> Pipeline {
        try context.require(.manageFunnel)
        let name = name?.trimmingWhitespace()
        if let name, name.isEmpty || name.count > 100 {
            throw StoreError.invalid(
                .init([ValidationError(field: "name", code: "required", message: "a pipeline needs a name of at most 100 characters")])
            )
        }
        try await database.write { db in
            let current = try await Self.fetch(db, id)
            if let name, try await db.raw("SELECT 1 AS one FROM pipelines WHERE name = \(bind: name) AND id <> \(bind: id.rawValue)").first() != nil {
                throw StoreError.conflict(code: "pipeline_name_taken", message: "a pipeline named \(name) exists")
            }
            try await db.raw(
                """
                UPDATE pipelines SET name = \(bind: name ?? current.name), is_active = \(bind: isActive ?? current.isActive) WHERE id = \(bind: id.rawValue)
                """
            ).run()
        }
        return try await get(id)
    }

    /// Takes a stage out of its pipeline. The stage row stays, so the stage log keeps pointing at it; a stage
    /// that still holds open deals cannot go, since they would have nowhere to be.
    public func archiveStage(_ context: AccessContext, _ id: StageID) async throws -> Pipeline {
        try context.require(.manageFunnel)
        let pipeline = try await database.write { db in
            guard let row = try await db.raw("SELECT pipeline_id FROM stages WHERE id = \(bind: id.rawValue) AND is_active = \(bind: true)").first()
            else {
                throw StoreError.notFound(nil)
            }
            let pipeline = PipelineID(try row.value("pipeline_id", as: Int64.self))
            let open =
                try await db.raw(
                    """
                    SELECT COUNT(*) AS n FROM deals WHERE stage_id = \(bind: id.rawValue) AND status = 'open' AND deleted_at IS NULL
                    """
                ).first()?.value("n", as: Int.self) ?? 0
            guard open == 0 else {
                throw StoreError.conflict(code: "stage_has_deals", message: "\(open) open deal(s) are in this stage; move them first")
            }
            let remaining =
                try await db.raw("SELECT COUNT(*) AS n FROM stages WHERE pipeline_id = \(bind: pipeline.rawValue) AND is_active = \(bind: true)")
                .first()?.value("n", as: Int.self) ?? 0
            guard remaining > 1 else {
                throw StoreError.conflict(code: "last_stage", message: "a pipeline keeps at least one stage")
            }
            try await db.raw("UPDATE stages SET is_active = \(bind: false) WHERE id = \(bind: id.rawValue)").run()
            return pipeline
        }
        return try await get(pipeline)
    }

    public func lossReasons(includeInactive: Bool = false) async throws -> [LossReason] {
        try await database.read { db in try await Self.fetchReasons(db, includeInactive: includeInactive) }
    }

    public func createLossReason(_ context: AccessContext, name: String, translations: [String: String] = [:]) async throws -> LossReason {
        try context.require(.manageFunnel)
        let (name, translations) = try Self.checkedReason(name, translations)
        let id = try await database.write { db in
            if try await db.raw("SELECT 1 AS one FROM loss_reasons WHERE name = \(bind: name)").first() != nil {
                throw StoreError.conflict(code: "loss_reason_taken", message: "the loss reason \(name) exists")
            }
            return try await db.raw(
                """
                INSERT INTO loss_reasons (name, translations, is_active) VALUES (\(bind: name), \(bind: try ColumnJSON.encode(translations)), \(bind: true)) RETURNING id
                """
            ).first()!.value("id", as: Int64.self)
        }
        return LossReason(id: LossReasonID(id), name: name, translations: translations, isActive: true)
    }

    /// Renames, translates or switches a loss reason off. A reason switched off is no longer offered, while deals
    /// lost for it and the loss report keep it; nothing is deleted, so the stage log's figures stay whole.
    public func updateLossReason(
        _ context: AccessContext,
        _ id: LossReasonID,
        name: String,
        translations: [String: String],
        isActive: Bool
    ) async throws -> LossReason {
        try context.require(.manageFunnel)
        let (name, translations) = try Self.checkedReason(name, translations)
        try await database.write { db in
            guard try await db.raw("SELECT 1 AS one FROM loss_reasons WHERE id = \(bind: id.rawValue)").first() != nil else {
                throw StoreError.notFound(nil)
            }
            if try await db.raw("SELECT 1 AS one FROM loss_reasons WHERE name = \(bind: name) AND id <> \(bind: id.rawValue)").first() != nil {
                throw StoreError.conflict(code: "loss_reason_taken", message: "the loss reason \(name) exists")
            }
            try await db.raw(
                """
                UPDATE loss_reasons SET name = \(bind: name), translations = \(bind: try ColumnJSON.encode(translations)), is_active = \(bind: isActive)
                WHERE id = \(bind: id.rawValue)
                """
            ).run()
        }
        return LossReason(id: id, name: name, translations: translations, isActive: isActive)
    }

    private static func checkedReason(_ name: String, _ translations: [String: String]) throws -> (String, [String: String]) {
        let name = name.trimmingWhitespace()
        let translations = translations.mapValues { $0.trimmingWhitespace() }.filter { !$0.value.isEmpty }
        guard !name.isEmpty, name.count <= 100, translations.values.allSatisfy({ $0.count <= 100 }) else {
            throw StoreError.invalid(
                .init([ValidationError(field: "name", code: "required", message: "a loss reason needs a name of at most 100 characters")])
            )
        }
        return (name, translations)
    }

    // MARK: Pieces

    private static func insertStage(_ db: any SQLDatabase, pipeline: Int64, _ stage: NewStage, position: Int) async throws {
        try await db.raw(
            """
            INSERT INTO stages (pipeline_id, name, translations, position, probability, forecast_category, rotting_days, required_fields, is_active)
            VALUES (\(bind: pipeline), \(bind: stage.name), \(bind: try ColumnJSON.encode(stage.translations)), \(bind: position), \(bind: stage.probability),
                    \(bind: stage.forecastCategory.rawValue), \(bind: stage.rottingDays), \(bind: try ColumnJSON.encode(stage.requiredFields)), \(bind: true))
            """
        ).run()
    }

    static func fetch(_ db: any SQLDatabase, _ id: PipelineID) async throws -> Pipeline {
        guard let pipeline = try await fetchAll(db, only: id).first else {
            throw StoreError.invalid(.init([ValidationError(field: "pipeline_id", code: "unknown_pipeline", message: "no pipeline \(id)")]))
        }
        return pipeline
    }

    static func fetchAll(_ db: any SQLDatabase, only: PipelineID? = nil) async throws -> [Pipeline] {
        let filter: SQLQueryString = only.map { "WHERE id = \(bind: $0.rawValue)" } ?? ""
        let pipelines = try await db.raw("SELECT * FROM pipelines \(filter) ORDER BY position, id").all()
        let stageFilter: SQLQueryString = only.map { "AND pipeline_id = \(bind: $0.rawValue)" } ?? ""
        let stages = try await db.raw("SELECT * FROM stages WHERE is_active = \(bind: true) \(stageFilter) ORDER BY position, id").all().map { row in
            Stage(
                id: StageID(try row.value("id", as: Int64.self)),
                pipelineID: PipelineID(try row.value("pipeline_id", as: Int64.self)),
                name: try row.value("name"),
                translations: try row.json("translations"),
                position: try row.value("position"),
                probability: try row.value("probability"),
                forecastCategory: ForecastCategory(rawValue: try row.value("forecast_category")) ?? .pipeline,
                rottingDays: try row.value("rotting_days"),
                requiredFields: try row.json("required_fields")
            )
        }
        return try pipelines.map { row in
            let id = PipelineID(try row.value("id", as: Int64.self))
            return Pipeline(
                id: id,
                name: try row.value("name"),
                currency: try Currency(code: try row.value("currency")),
                isActive: try row.value("is_active"),
                stages: stages.filter { $0.pipelineID == id }
            )
        }
    }

    static func fetchReasons(_ db: any SQLDatabase, includeInactive: Bool) async throws -> [LossReason] {
        let filter: SQLQueryString = includeInactive ? "" : "WHERE is_active = \(bind: true)"
        return try await db.raw("SELECT * FROM loss_reasons \(filter) ORDER BY name").all().map { row in
            LossReason(
                id: LossReasonID(try row.value("id", as: Int64.self)),
                name: try row.value("name"),
                translations: try row.json("translations"),
                isActive: try row.value("is_active")
            )
        }
    }
}
