public import CRMCore
import Foundation
import SQLKit

extension ReportStore {
    /// The plans of one scope for one period of a pipeline. A rep sees their own and the company's plans and
    /// those of their teams; a manager also those of the reps they manage.
    public func plans(
        _ context: AccessContext,
        pipeline: PipelineID,
        scope: PlanScope,
        unit: PeriodUnit,
        periodStart: CalendarDate
    ) async throws -> [SalesPlan] {
        try await database.read { db in
            try await Self.checkReadable(db, context, scope)
            let rows = try await db.raw(
                """
                SELECT * FROM sales_plans WHERE pipeline_id = \(bind: pipeline.rawValue) AND unit = \(bind: unit.rawValue)
                AND period_start = \(bind: periodStart.description) AND scope_kind = \(bind: scope.kind) AND \(Self.scopeID(scope))
                ORDER BY stage_id
                """
            ).all()
            return try rows.map { row in
                SalesPlan(
                    pipelineID: pipeline,
                    scope: scope,
                    unit: unit,
                    periodStart: periodStart,
                    stageID: try row.value("stage_id", as: Int64?.self).map { StageID($0) },
                    target: try row.value("target")
                )
            }
        }
    }

    /// Replaces the targets of one scope and period: stages left out lose their target. Admins plan for anyone;
    /// a manager for their teams and the reps in them.
    public func setPlans(
        _ context: AccessContext,
        pipeline: PipelineID,
        scope: PlanScope,
        unit: PeriodUnit,
        periodStart: CalendarDate,
        targets: [StageID?: Int]
    ) async throws {
        var errors: [ValidationError] = []
        for (stage, target) in targets {
            do throws(ValidationErrors) {
                _ = try SalesPlan(pipelineID: pipeline, scope: scope, unit: unit, periodStart: periodStart, stageID: stage, target: target)
                    .validated()
            } catch {
                errors += error.errors.map {
                    ValidationError(field: "targets.\(stage.map { String($0.rawValue) } ?? "won")", code: $0.code, message: $0.message)
                }
            }
        }
        guard errors.isEmpty else { throw StoreError.invalid(ValidationErrors(errors)) }
        try await database.write { db in
            try await Self.checkWritable(db, context, scope)
            let stages = Set(try await PipelineStore.fetch(db, pipeline).stages.map(\.id))
            if let unknown = targets.keys.compactMap({ $0 }).first(where: { !stages.contains($0) }) {
                throw StoreError.invalid(
                    ValidationErrors([
                        ValidationError(field: "targets", code: "unknown_stage", message: "stage \(unknown) is not a stage of this pipeline")
                    ])
                )
            }
            try await db.raw(
                """
                DELETE FROM sales_plans WHERE pipeline_id = \(bind: pipeline.rawValue) AND unit = \(bind: unit.rawValue)
                AND period_start = \(bind: periodStart.description) AND scope_kind = \(bind: scope.kind) AND \(Self.scopeID(scope))
                """
            ).run()
            let now = Timestamp.now.rawValue
            let rows: [SQLQueryString] = targets.sorted { ($0.key?.rawValue ?? 0) < ($1.key?.rawValue ?? 0) }.map { stage, target in
                """
                (\(bind: pipeline.rawValue), \(bind: scope.kind), \(bind: scope.subjectID), \(bind: unit.rawValue), \(bind: periodStart.description),
                 \(bind: stage?.rawValue), \(bind: target), \(bind: context.userID?.rawValue), \(bind: now))
                """
            }
            guard !rows.isEmpty else { return }
            try await db.raw(
                """
                INSERT INTO sales_plans (pipeline_id, scope_kind, scope_id, unit, period_start, stage_id, target, updated_by, updated_at)
                VALUES \(rows.joined(separator: ", "))
                """
            ).run()
        }
    }

    private static func scopeID(_ scope: PlanScope) -> SQLQueryString {
        scope.subjectID.map { "scope_id = \(bind: $0)" } ?? "scope_id IS NULL"
    }

    private static func checkReadable(_ db: any SQLDatabase, _ context: AccessContext, _ scope: PlanScope) async throws {
        switch scope {
        case .company: return
        case .team(let team) where context.memberTeams.contains(team) || context.headedTeams.contains(team): return
        case .user(let user) where user == context.userID: return
        default: try await checkWritable(db, context, scope)
        }
    }

    private static func checkWritable(_ db: any SQLDatabase, _ context: AccessContext, _ scope: PlanScope) async throws {
        let allowed: Bool
        switch scope {
        case .company: allowed = context.may(.planCompany)
        case .team(let team): allowed = context.may(.planCompany) || (context.may(.planTeams) && context.headedTeams.contains(team))
        case .user(let user): allowed = try await manages(db, context, rep: user)
        }
        guard allowed else { throw StoreError.forbidden("this plan belongs to someone you do not manage") }
    }
}
