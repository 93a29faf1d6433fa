import CRMCore
import CRMStore
import Foundation
import Hummingbird

/// CSV imports of companies, contacts, leads and deals as JSON: upload the file, then run it with a mapping as a dry run,
/// all or nothing, or the valid rows only; list, read and undo imports; saved mappings.
struct ImportController {
    let store: Store
    let settings: Dependencies.Settings

    func addRoutes(to group: RouterGroup<AppContext>) {
        group.get("imports", use: history)
        group.post("imports", use: upload)
        group.get("imports/:id", use: get)
        group.post("imports/:id/run", use: run)
        group.post("imports/:id/undo", use: undo)
        group.get("import-mappings", use: mappings)
    }

    /// The body is the CSV file itself; `?type=companies|contacts|leads|deals&name=file.csv`.
    @Sendable func upload(_ request: Request, context: AppContext) async throws -> Response {
        let identity = try context.requireIdentity()
        var query = QueryParameters(request.queryDictionary, allowed: ["type", "name"])
        let target = query.choice("type", RecordImport.Target.self)
        if target == nil, query.text("type") == nil {
            query.fail(ValidationError(field: "type", code: "required", message: "say what the file holds: companies, contacts, leads or deals"))
        }
        try query.finish()
        let body = try await request.body.collect(upTo: ImportStore.maxFileSize)
        let draft = try await store.imports.upload(
            identity.access,
            target: target!,
            fileName: query.text("name") ?? "import.csv",
            data: Data(body.readableBytesView)
        )
        return JSONResponse.ok(draft.json(fields: try await store.imports.fields(draft.target).map(\.field)), status: .created)
    }

    @Sendable func get(_ request: Request, context: AppContext) async throws -> Response {
        let identity = try context.requireIdentity()
        let draft = try await store.imports.draft(identity.access, try context.pathID())
        return JSONResponse.ok(draft.json(fields: try await store.imports.fields(draft.target).map(\.field)))
    }

    @Sendable func history(_ request: Request, context: AppContext) async throws -> Response {
        let identity = try context.requireIdentity()
        var items: [JSONValue] = []
        var fields: [RecordImport.Target: [String]] = [:]
        for draft in try await store.imports.history(identity.access) {
            if fields[draft.target] == nil { fields[draft.target] = try await store.imports.fields(draft.target).map(\.field) }
            items.append(draft.json(fields: fields[draft.target] ?? []))
        }
        return JSONResponse.ok(.object(["items": .array(items)]))
    }

    /// `{"mode": "dry_run" | "all" | "valid_only", "mapping": {"Column": "field"}, "mapping_id": 3,
    /// "create_duplicates": false, "save_mapping_as": "Salesforce contacts", "default_country_code": "1"}`;
    /// without a mapping, the one the headers suggest. A deals file also takes `"options": {"pipeline_id": 1,
    /// "stage_values": {"Engaging": "Qualified", "Closed Won": "won"}, "time_zone": "Europe/Warsaw",
    /// "default_loss_reason": "Price", "create_companies": true}` (or a saved mapping's). With `Accept:
    /// application/x-ndjson` the answer streams a line per part of the file read, checked and written, then
    /// `{"report": …}` or `{"problem": …}`.
    @Sendable func run(_ request: Request, context: AppContext) async throws -> Response {
        let identity = try context.requireIdentity()
        var input = try JSONInput(
            try await JSONInput.body(request, context: context),
            request: request,
            allowed: [
                "mode", "mapping", "mapping_id", "create_duplicates", "save_mapping_as", "default_country_code", "options",
            ]
        )
        let modeText = input.string("mode") ?? "dry_run"
        let mode = ImportReport.Mode(rawValue: modeText)
        if mode == nil { input.fail("mode", "invalid_choice", "must be dry_run, all or valid_only") }
        var mapping: [String: String]?
        switch input.object["mapping"] {
        case nil, .null?: break
        case .object(let columns)?:
            mapping = [:]
            for (column, value) in columns {
                switch value {
                case .string(let field): mapping?[column] = field
                case .null: mapping?[column] = ""
                default: input.fail("mapping.\(column)", "wrong_type", "must be a field's name, or null to leave the column out")
                }
            }
        case let other?: input.fail("mapping", "wrong_type", "must be an object of column → field, not \(other.typeName)")
        }
        var options: ImportOptions?
        if var nested = input.nested("options", allowed: ["pipeline_id", "stage_values", "time_zone", "default_loss_reason", "create_companies"]) {
            var read = ImportOptions(timeZone: identity.user.timeZone)
            read.pipelineID = nested.id("pipeline_id") ?? nil
            read.stageValues = nested.texts("stage_values") ?? [:]
            read.timeZone = nested.string("time_zone") ?? read.timeZone
            read.defaultLossReason = nested.string("default_loss_reason").flatMap { $0.isEmpty ? nil : $0 }
            read.createCompanies = nested.bool("create_companies") ?? true
            input.adopt(nested, under: "options")
            options = read
        }
        let mappingID = input.id("mapping_id") ?? nil
        let createDuplicates = input.bool("create_duplicates") ?? false
        let saveAs = input.string("save_mapping_as")
        let country = input.string("default_country_code") ?? settings.defaultCountryCode
        if !country.allSatisfy(\.isNumber) || !(1...3).contains(country.count) {
            input.fail("default_country_code", "invalid_choice", "must be a country calling code of 1 to 3 digits, such as 48")
        }
        try input.finish()
        let id = try context.pathID()
        let draft = try await store.imports.draft(identity.access, id)
        if let mappingID {
            guard let saved = try await store.imports.mappings(draft.target).first(where: { $0.id == mappingID }) else {
                throw APIError.invalid([
                    ValidationError(
                        field: "mapping_id",
                        code: "unknown_mapping",
                        message: "there is no saved mapping \(mappingID) for \(draft.target.rawValue)"
                    )
                ])
            }
            mapping = saved.columns
            options = options ?? saved.options
        }
        let chosen = (mapping: mapping ?? draft.mapping, options: options ?? draft.options)
        let run = { @Sendable (progress: @escaping @Sendable (ImportProgress) async -> Void) async throws -> ImportReport in
            let report = try await store.imports.run(
                identity.access,
                id,
                mapping: chosen.mapping,
                options: chosen.options,
                mode: mode!,
                createDuplicates: createDuplicates,
                defaultCountryCode: country,
                saveMappingAs: saveAs,
                progress: progress
            )
            if report.refused { throw APIError.invalid(report.rowErrors.errors) }
            return report
        }
        if ProgressStream.wanted(request) {
            return ProgressStream.response(logger: context.logger) { progress in .object(["report": try await run(progress).json]) }
        }
        return JSONResponse.ok(try await run { _ in }.json)
    }

    @Sendable func undo(_ request: Request, context: AppContext) async throws -> Response {
        let identity = try context.requireIdentity()
        let result = try await store.imports.undo(identity.access, try context.pathID())
        return JSONResponse.ok(.object(["binned": .int(Int64(result.binned)), "kept": .int(Int64(result.kept))]))
    }

    @Sendable func mappings(_ request: Request, context: AppContext) async throws -> Response {
        _ = try context.requireIdentity()
        var query = QueryParameters(request.queryDictionary, allowed: ["type"])
        let target = query.choice("type", RecordImport.Target.self) ?? .contacts
        try query.finish()
        return JSONResponse.ok(
            .object([
                "items": .array(
                    try await store.imports.mappings(target).map {
                        .object([
                            "id": .int($0.id), "name": .string($0.name), "type": .string($0.target.rawValue),
                            "mapping": .object($0.columns.mapValues(JSONValue.string)),
                            "options": $0.options?.json ?? .null,
                        ])
                    }
                )
            ])
        )
    }
}

extension ImportDraft {
    /// - Parameter fields: what a column may fill, custom fields included.
    func json(fields: [String]) -> JSONValue {
        .object([
            "id": .int(id), "type": .string(target.rawValue), "file_name": .string(fileName), "encoding": .string(encoding),
            "columns": .array(header.map(JSONValue.string)), "sample": .array(sample.map { .array($0.map(JSONValue.string)) }),
            "rows": .int(Int64(rowCount)), "mapping": .object(mapping.mapValues { $0.isEmpty ? .null : .string($0) }),
            "fields": .array(fields.map(JSONValue.string)), "status": .string(status.rawValue), "options": options?.json ?? .null,
            "report": report?.json ?? .null, "created_at": .string(createdAt.iso8601),
        ])
    }
}

extension ImportReport {
    var json: JSONValue {
        .object([
            "mode": .string(mode.rawValue), "rows": .int(Int64(rows)), "valid": .int(Int64(valid)), "created": .int(Int64(created)),
            "skipped_duplicates": .int(Int64(skippedDuplicates)), "companies_created": companiesCreated.map { .int(Int64($0)) } ?? .null,
            "errors": .array(errors.map { .object(["line": .int(Int64($0.line)), "message": .string($0.message)]) }),
            "duplicates": .array(
                duplicates.map {
                    .object([
                        "line": .int(Int64($0.line)), "record_ids": .array($0.recordIDs.map(JSONValue.int)),
                        "same_as_line": $0.sameAsLine.map { .int(Int64($0)) } ?? .null,
                    ])
                }
            ),
        ])
    }
}

extension ImportOptions {
    var json: JSONValue {
        .object([
            "pipeline_id": pipelineID.map(JSONValue.int) ?? .null, "stage_values": .object(stageValues.mapValues(JSONValue.string)),
            "time_zone": .string(timeZone), "default_loss_reason": defaultLossReason.map(JSONValue.string) ?? .null,
            "create_companies": .bool(createCompanies),
        ])
    }
}
