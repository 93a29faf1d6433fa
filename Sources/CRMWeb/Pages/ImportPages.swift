import CRMCore
import CRMStore
import Foundation
import Hummingbird

/// Importing companies, contacts, leads and deals from CSV files: upload, map the columns (and, for deals, say which
/// pipeline and what each stage value means), dry run, import, undo.
struct ImportPages {
    let store: Store
    let pages: PageRenderer
    let settings: Dependencies.Settings

    func addRoutes(to group: RouterGroup<AppContext>) {
        group.get("imports", use: history)
        group.post("imports", use: upload)
        group.get("imports/:id", use: show)
        group.post("imports/:id/run", use: run)
        group.post("imports/:id/undo", use: undo)
    }

    @Sendable func history(_ request: Request, context: AppContext) async throws -> Response {
        let identity = try context.requireIdentity()
        let t = pages.strings(PageRenderer.language(identity: identity, request: request))
        let format = pages.formatter(identity)
        let imports = try await store.imports.history(identity.access)
        return pages.render(
            "imports",
            [
                "csrf": identity.csrfToken ?? "",
                "imports": imports.map { item -> [String: Any] in
                    [
                        "id": item.id, "file": item.fileName, "type": t["nav_\(item.target.rawValue)"] ?? item.target.rawValue,
                        "status": t["import_status_\(item.status.rawValue)"] ?? item.status.rawValue, "at": format.dateTime(item.createdAt),
                        "created": item.report?.created ?? 0, "rows": item.rowCount,
                    ]
                },
            ],
            identity: identity,
            request: request,
            title: t["nav_imports"]
        )
    }

    @Sendable func upload(_ request: Request, context: AppContext) async throws -> Response {
        let identity = try context.requireIdentity()
        let form = try await MultipartForm(request, context: context, csrf: identity.csrfToken, limit: ImportStore.maxFileSize)
        guard let target = RecordImport.Target(rawValue: form["type"]) else {
            throw APIError.badRequest("invalid_choice", "choose companies, contacts, leads or deals")
        }
        guard let file = form.files["file"], !file.data.isEmpty else { throw APIError.badRequest("empty_file", "choose a CSV file to import") }
        let draft = try await store.imports.upload(identity.access, target: target, fileName: file.fileName, data: file.data)
        return redirect("/imports/\(draft.id)")
    }

    @Sendable func show(_ request: Request, context: AppContext) async throws -> Response {
        let identity = try context.requireIdentity()
        let draft = try await store.imports.draft(identity.access, try context.pathID())
        var query = QueryParameters(request.queryDictionary, allowed: ["mapping_id"])
        let mappingID = query.id("mapping_id")
        try query.finish()
        var mapping = draft.mapping
        var options = draft.options
        if let mappingID, let saved = try await store.imports.mappings(draft.target).first(where: { $0.id == mappingID }) {
            mapping = saved.columns
            options = saved.options ?? options
        }
        return try await page(identity, request, draft, mapping: mapping, options: options, report: draft.report, errors: [], status: .ok)
    }

    @Sendable func run(_ request: Request, context: AppContext) async throws -> Response {
        let identity = try context.requireIdentity()
        let form = try await FormInput(request, context: context, csrf: identity.csrfToken)
        let id = try context.pathID()
        let draft = try await store.imports.draft(identity.access, id)
        var mapping: [String: String] = [:]
        for (index, column) in draft.header.enumerated() { mapping[column] = form["map_\(index)"] }
        let mode = ImportReport.Mode(rawValue: form["mode"]) ?? .dryRun
        let options: ImportOptions? =
            switch draft.target {
            case .deals: dealOptions(form)
            case .contacts: ImportOptions(createCompanies: form["create_companies"] == "on")
            default: nil
            }
        if ProgressStream.wanted(request) {
            // The page's script shows the progress, then opens the import's page, which shows the run's report.
            let access = identity.access
            let country = settings.defaultCountryCode
            let chosen = (mapping: mapping, duplicates: form["create_duplicates"] == "on", saveAs: form["save_mapping_as"])
            return ProgressStream.response(logger: context.logger) { [store] progress in
                _ = try await store.imports.run(
                    access,
                    id,
                    mapping: chosen.mapping,
                    options: options,
                    mode: mode,
                    createDuplicates: chosen.duplicates,
                    defaultCountryCode: country,
                    saveMappingAs: chosen.saveAs,
                    progress: progress
                )
                return .object(["location": .string("/imports/\(id)")])
            }
        }
        do {
            let report = try await store.imports.run(
                identity.access,
                id,
                mapping: mapping,
                options: options,
                mode: mode,
                createDuplicates: form["create_duplicates"] == "on",
                defaultCountryCode: settings.defaultCountryCode,
                saveMappingAs: form["save_mapping_as"]
            )
            if mode != .dryRun, !report.refused { return redirect("/imports/\(id)") }
            return try await page(
                identity,
                request,
                draft,
                mapping: mapping,
                options: options,
                report: report,
                errors: [],
                status: report.refused ? .unprocessableContent : .ok
            )
        } catch StoreError.invalid(let errors) {
            return try await page(
                identity,
                request,
                draft,
                mapping: mapping,
                options: options,
                report: nil,
                errors: errors.errors,
                status: .unprocessableContent
            )
        }
    }

    @Sendable func undo(_ request: Request, context: AppContext) async throws -> Response {
        let identity = try context.requireIdentity()
        _ = try await FormInput(request, context: context, csrf: identity.csrfToken)
        let id = try context.pathID()
        _ = try await store.imports.undo(identity.access, id)
        return redirect("/imports/\(id)")
    }

    /// A deals file's options as the form states them: each stage value travels as `stage_key_N` with its meaning
    /// in `stage_value_N`.
    private func dealOptions(_ form: FormInput) -> ImportOptions {
        var values: [String: String] = [:]
        for index in 0..<100 {
            guard let value = form.all("stage_key_\(index)").first else { break }
            let meaning = form["stage_value_\(index)"]
            if !meaning.isEmpty { values[value] = meaning }
        }
        let reason = form["default_loss_reason"]
        let zone = form["time_zone"].trimmingWhitespace()
        return ImportOptions(
            pipelineID: Int64(form["pipeline_id"]),
            stageValues: values,
            timeZone: zone.isEmpty ? "UTC" : zone,
            defaultLossReason: reason.isEmpty ? nil : reason,
            createCompanies: form["create_companies"] == "on"
        )
    }

    /// The deals part of the form: the pipeline, zone, default loss reason, and a choice of meaning for each value
    /// the file's stage column holds.
    private func dealForm(
        _ identity: Identity,
        _ draft: ImportDraft,
        mapping: [String: String],
        options: ImportOptions?,
        t: [String: String]
    ) async throws -> [String: Any] {
        let pipelines = try await store.pipelines.list().filter(\.isActive)
        var options = options ?? ImportOptions(pipelineID: pipelines.first?.id.rawValue, timeZone: identity.user.timeZone)
        if options.pipelineID == nil { options.pipelineID = pipelines.first?.id.rawValue }
        let pipeline = pipelines.first { $0.id.rawValue == options.pipelineID } ?? pipelines.first
        let stages = pipeline?.stages.map(\.name) ?? []
        var values: [String] = []
        if let stageColumn = mapping.first(where: { $0.value == "stage" })?.key {
            values = try await store.imports.values(identity.access, draft.id, column: stageColumn)
        }
        let reasons = try await store.pipelines.lossReasons()
        return [
            "pipelines": pipelines.map { ["id": $0.id.rawValue, "name": $0.name, "selected": $0.id == pipeline?.id] as [String: Any] },
            "time_zone": options.timeZone, "create_companies": options.createCompanies,
            "reasons": reasons.map {
                ["name": $0.name, "selected": TextFolding.fold($0.name) == TextFolding.fold(options.defaultLossReason ?? "")] as [String: Any]
            },
            "has_stage_values": !values.isEmpty,
            "stage_values": values.enumerated().map { index, value -> [String: Any] in
                let chosen = options.suggestedMeaning(of: value, stages: stages) ?? ""
                let meanings = [("won", t["status_won"] ?? "won"), ("lost", t["status_lost"] ?? "lost")] + stages.map { ($0, $0) }
                return [
                    "index": index, "file_value": value,
                    "meanings": [["value": "", "label": "—", "selected": chosen.isEmpty]]
                        + meanings.map { ["value": $0.0, "label": $0.1, "selected": $0.0 == chosen] as [String: Any] },
                ]
            },
        ]
    }

    private func page(
        _ identity: Identity,
        _ request: Request,
        _ draft: ImportDraft,
        mapping: [String: String],
        options: ImportOptions?,
        report: ImportReport?,
        errors: [ValidationError],
        status: HTTPResponse.Status
    ) async throws -> Response {
        let t = pages.strings(PageRenderer.language(identity: identity, request: request))
        let saved = try await store.imports.mappings(draft.target)
        let fields = try await store.imports.fields(draft.target)
        let columns = draft.header.enumerated().map { index, column -> [String: Any] in
            let chosen = mapping[column] ?? ""
            return [
                "index": index, "name": column,
                "sample": draft.sample.compactMap { index < $0.count ? $0[index] : nil }.filter { !$0.isEmpty }.prefix(3).joined(separator: " · "),
                "options": [["value": "", "label": "—", "selected": chosen.isEmpty]]
                    + fields.map { field, label in
                        ["value": field, "label": label ?? t["import_field_\(field)"] ?? field, "selected": field == chosen] as [String: Any]
                    },
            ]
        }
        var data: [String: Any] = [
            "csrf": identity.csrfToken ?? "", "id": draft.id, "file": draft.fileName, "encoding": draft.encoding, "rows": draft.rowCount,
            "type": t["nav_\(draft.target.rawValue)"] ?? draft.target.rawValue, "is_draft": draft.status == .draft,
            "is_done": draft.status == .done, "status": t["import_status_\(draft.status.rawValue)"] ?? draft.status.rawValue,
            "columns": columns, "mappings": saved.map { ["id": $0.id, "name": $0.name] as [String: Any] }, "has_mappings": !saved.isEmpty,
            // In the reader's language where the catalog has the error; the field names what it is about.
            "errors": errors.map { error in
                ["field": error.field ?? "", "message": (t["language_code"] == "en" ? nil : t["error_\(error.code)"]) ?? error.message]
            }, "has_errors": !errors.isEmpty,
        ]
        if draft.target == .deals, draft.status == .draft {
            data["deals"] = try await dealForm(identity, draft, mapping: mapping, options: options, t: t)
        }
        // A contacts file's companies no one has are made unless the importer unticks it.
        if draft.target == .contacts, draft.status == .draft { data["contacts"] = ["create_companies": options?.createCompanies ?? true] }
        if let report {
            data["report"] =
                [
                    "dry_run": report.mode == .dryRun, "refused": report.refused, "rows": report.rows, "valid": report.valid,
                    "created": report.created,
                    "skipped": report.skippedDuplicates, "invalid": report.errors.count, "duplicate_count": report.duplicates.count,
                    "has_companies_created": report.companiesCreated != nil, "companies_created": report.companiesCreated ?? 0,
                    "row_errors": report.errors.prefix(500).map { ["line": $0.line, "message": $0.message] },
                    "duplicates": report.duplicates.prefix(500).map { duplicate -> [String: Any] in
                        [
                            "line": duplicate.line, "same_as_line": duplicate.sameAsLine ?? 0, "has_line": duplicate.sameAsLine != nil,
                            "records": duplicate.recordIDs.map { ["id": $0, "collection": draft.target.rawValue] },
                        ]
                    },
                ] as [String: Any]
        }
        return pages.render("import", data, identity: identity, request: request, status: status, title: draft.fileName)
    }
}
