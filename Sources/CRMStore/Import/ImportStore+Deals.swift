import CRMCore
import Foundation
import SQLKit

/// The pipeline a deals file goes into, with its stages and the active loss reasons by folded name.
struct DealImportTarget {
    let pipeline: Pipeline
    let stages: [String: StageID]
    let reasons: [String: LossReasonID]
}

extension ImportStore {
    /// Checks a deals file's options against the database: an active pipeline, a known zone, an active default
    /// loss reason, and each stage value meaning won, lost or one of the pipeline's stages.
    static func dealTarget(_ db: any SQLDatabase, _ options: ImportOptions?) async throws -> DealImportTarget {
        guard let options, let pipelineID = options.pipelineID else {
            throw invalid("options.pipeline_id", "required", "choose the pipeline the deals go into")
        }
        let pipeline: Pipeline
        do { pipeline = try await PipelineStore.fetch(db, PipelineID(pipelineID)) } catch StoreError.notFound {
            throw invalid("options.pipeline_id", "unknown_pipeline", "there is no pipeline \(pipelineID)")
        }
        var errors: [ValidationError] = []
        if !pipeline.isActive {
            errors.append(ValidationError(field: "options.pipeline_id", code: "inactive_pipeline", message: "\(pipeline.name) is archived"))
        }
        if TimeZone(identifier: options.timeZone) == nil {
            errors.append(
                ValidationError(
                    field: "options.time_zone",
                    code: "unknown_time_zone",
                    message: "'\(options.timeZone)' is not an IANA time zone, such as Europe/Warsaw"
                )
            )
        }
        let stages = Dictionary(pipeline.stages.map { (TextFolding.fold($0.name), $0.id) }, uniquingKeysWith: { first, _ in first })
        let reasons = Dictionary(
            try await PipelineStore.fetchReasons(db, includeInactive: false).map { (TextFolding.fold($0.name), $0.id) },
            uniquingKeysWith: { first, _ in first }
        )
        if let reason = options.defaultLossReason, reasons[TextFolding.fold(reason)] == nil {
            errors.append(
                ValidationError(
                    field: "options.default_loss_reason",
                    code: "unknown_loss_reason",
                    message: "there is no active loss reason '\(reason)'"
                )
            )
        }
        for (value, meaning) in options.stageValues.sorted(by: { $0.key < $1.key }) {
            if case .stage(let name) = options.outcome(of: value), stages[TextFolding.fold(name)] == nil {
                errors.append(
                    ValidationError(
                        field: "options.stage_values.\(value)",
                        code: "unknown_stage",
                        message: "'\(meaning)' is not won, lost or a stage of \(pipeline.name)"
                    )
                )
            }
        }
        guard errors.isEmpty else { throw StoreError.invalid(ValidationErrors(errors)) }
        return DealImportTarget(pipeline: pipeline, stages: stages, reasons: reasons)
    }

    /// Ties read deal rows to owners, companies, stages and loss reasons, finds rows whose key an earlier import's
    /// live deal has (or an earlier row), and (unless a dry run) writes each deal with its history and the companies
    /// the rows named that no one had, when the options say to make them.
    static func applyDeals(
        _ db: any SQLDatabase,
        _ context: AccessContext,
        _ read: (rows: [RecordImport.Row<DealImportRow>], errors: [RecordImport.RowError]),
        target: DealImportTarget,
        options: ImportOptions,
        id: Int64,
        mode: ImportReport.Mode,
        createDuplicates: Bool,
        now: Timestamp,
        progress: @Sendable (ImportProgress) async -> Void
    ) async throws -> ImportReport {
        await progress(ImportProgress(phase: .checking, done: 0, total: read.rows.count))
        var errors = read.errors
        let owners = try await ImportReferences.owners(db, context, Set(read.rows.compactMap(\.owner)))
        let companies = try await ImportReferences.companies(db, context, Set(read.rows.compactMap(\.company)))
        let stageNames = target.pipeline.stages.map(\.name).joined(separator: ", ")
        var ready:
            [(row: RecordImport.Row<DealImportRow>, owner: UserID, team: TeamID?, stage: StageID?, reason: LossReasonID?, company: CompanyID?)] = []
        for row in read.rows {
            var problems: [String] = []
            let owner = owner(of: row.owner, owners, context, &problems)
            var stage: StageID?
            if case .stage(let name) = row.fields.outcome {
                stage = target.stages[TextFolding.fold(name)]
                if stage == nil {
                    problems.append("stage '\(name)': \(target.pipeline.name) has no such stage (\(stageNames)); say what the value means")
                }
            }
            let reason = row.fields.lossReason.flatMap { target.reasons[TextFolding.fold($0)] }
            if let name = row.fields.lossReason, reason == nil { problems.append("loss reason '\(name)': there is no such active reason") }
            let company = row.company.flatMap { companies[$0]?.id }
            if let name = row.company, company == nil, !options.createCompanies {
                problems.append("company '\(name)': no company you can see has this name, id or key")
            }
            if let owner, problems.isEmpty {
                ready.append((row, owner.id, owner.team, stage, reason, company))
            } else {
                errors += problems.map { RecordImport.RowError(line: row.line, message: $0) }
            }
        }
        let duplicates = try await dealDuplicates(db, context, ready.map(\.row))
        await progress(ImportProgress(phase: .checking, done: read.rows.count, total: read.rows.count))
        let skipped = createDuplicates ? [] : Set(duplicates.map(\.line))
        let writing = ready.filter { !skipped.contains($0.row.line) }
        // The companies to make: each name no one has, once, owned by the first row naming it.
        var newCompanies: [String: (fields: CompanyFields, owner: UserID, team: TeamID?)] = [:]
        var newOrder: [String] = []
        for item in writing where item.company == nil {
            guard let name = item.row.company, newCompanies[TextFolding.fold(name)] == nil else { continue }
            newCompanies[TextFolding.fold(name)] = (CompanyFields(name: name), item.owner, item.team)
            newOrder.append(TextFolding.fold(name))
        }
        errors.sort { $0.line < $1.line }
        var created = 0
        if ImportReport.writes(mode, errors: errors) {
            let companyIDs = try await RecordStore<CompanyFields>.insertMany(db, context, newOrder.map { newCompanies[$0]! })
            try await remember(db, import: id, records: companyIDs.map { ($0, nil) }, type: .companies)
            let made = Dictionary(uniqueKeysWithValues: zip(newOrder, companyIDs.map { CompanyID($0) }))
            created = try await writeInParts(writing, progress) { slice in
                let deals = slice.map { item in
                    item.row.fields.history(
                        pipeline: target.pipeline,
                        stage: item.stage,
                        owner: item.owner,
                        team: item.team,
                        company: item.company ?? item.row.company.flatMap { made[TextFolding.fold($0)] },
                        lossReason: item.reason,
                        now: now
                    )
                }
                let ids = try await FunnelStore.insertImported(db, context, deals)
                try await remember(db, import: id, records: zip(ids.map(\.rawValue), slice.map(\.row.key)).map { ($0, $1) }, type: nil)
                return ids.count
            }
        }
        return ImportReport(
            mode: mode,
            rows: read.rows.count + Set(read.errors.map(\.line)).count,
            valid: ready.count,
            created: created,
            skippedDuplicates: mode == .dryRun ? 0 : ready.count - writing.count,
            errors: errors,
            duplicates: duplicates,
            companiesCreated: mode == .dryRun || ImportReport.writes(mode, errors: errors) ? newCompanies.count : 0
        )
    }

    /// Rows whose key a live deal from an earlier import had in its file (the same file imported twice), or an
    /// earlier row of this file.
    static func dealDuplicates(
        _ db: any SQLDatabase,
        _ context: AccessContext,
        _ rows: [RecordImport.Row<DealImportRow>]
    ) async throws -> [ImportReport.Duplicate] {
        let keys = Set(rows.compactMap(\.key))
        var existing: [String: Set<Int64>] = [:]
        let visible: SQLQueryString = "\(AccessPredicate.sql(context.visibility, table: "t")) AND t.deleted_at IS NULL"
        for chunk in keys.sorted().chunked(400) {
            for row in try await db.raw(
                """
                SELECT r.source_key, r.record_id FROM import_records r JOIN imports i ON i.id = r.import_id JOIN deals t ON t.id = r.record_id
                WHERE i.record_type = 'deals' AND i.status = 'done' AND r.record_type IS NULL AND r.source_key IN (\(binds: Array(chunk))) AND \(visible)
                """
            ).all() {
                existing[try row.decode(column: "source_key", as: String.self), default: []].insert(
                    try row.decode(column: "record_id", as: Int64.self)
                )
            }
        }
        var seen: [String: Int] = [:]
        var duplicates: [ImportReport.Duplicate] = []
        for row in rows {
            guard let key = row.key else { continue }
            let records = existing[key] ?? []
            if !records.isEmpty || seen[key] != nil {
                duplicates.append(ImportReport.Duplicate(line: row.line, recordIDs: records.sorted(), sameAsLine: seen[key]))
            }
            if seen[key] == nil { seen[key] = row.line }
        }
        return duplicates
    }
}
