import CRMCore
import CRMStore
import Foundation
import HTTPTypes
import Hummingbird
import Logging

/// The REST operations every record type has, over the store's `RecordStore`, which applies permissions.
struct RecordController<Fields: APIResource> {
    let records: RecordStore<Fields>
    let settings: Dependencies.Settings

    func addRoutes(to group: RouterGroup<AppContext>) {
        let path = RouterPath(stringLiteral: Fields.collection)
        group.get(path, use: list)
        group.post(path, use: create)
        group.get("\(Fields.collection)/export", use: export)
        group.get("\(Fields.collection)/:id", use: get)
        group.patch("\(Fields.collection)/:id", use: update)
        group.delete("\(Fields.collection)/:id", use: delete)
        group.post("\(Fields.collection)/:id/restore", use: restore)
        group.get("\(Fields.collection)/:id/history", use: history)
    }

    @Sendable func list(_ request: Request, context: AppContext) async throws -> Response {
        let identity = try context.requireIdentity()
        let parameters = request.queryDictionary
        let query = try ListQuery(
            parameters: parameters,
            for: Fields.recordType,
            fields: try await records.customFields(),
            defaultCountryCode: settings.defaultCountryCode
        )
        let page = try await records.list(identity.access, query)
        var body: [String: JSONValue] = [
            "items": .array(page.items.map(\.json)),
            "next_cursor": .optional(page.nextCursor?.token),
        ]
        if parameters["include_total"] == "true" {
            body["total"] = .int(Int64(try await records.count(identity.access, query)))
        }
        return JSONResponse.ok(.object(body))
    }

    @Sendable func get(_ request: Request, context: AppContext) async throws -> Response {
        let identity = try context.requireIdentity()
        let record = try await records.get(identity.access, try context.pathID(), includeDeleted: true)
        return JSONResponse.ok(record.json, etag: record.meta.etag)
    }

    @Sendable func create(_ request: Request, context: AppContext) async throws -> Response {
        let identity = try context.requireIdentity()
        let body = try await JSONInput.body(request, context: context)
        let custom = try await records.customFields()
        var input = try JSONInput(body, request: request, allowed: Fields.inputFields.union(["owner_id", "team_id"]).union(Self.customInput))
        var fields = Fields.blank
        fields.apply(&input, defaultCountryCode: settings.defaultCountryCode)
        CustomInput.apply(&input, fields: custom, to: &fields.custom, defaultCountryCode: settings.defaultCountryCode)
        Fields.checkCreate(fields, &input)
        var assignment = Self.assignment(&input)
        // Without an owner, a record type with routing rules (leads) is given to whoever they pick.
        assignment.routed = assignment.owner == nil
        try input.finish()
        var idempotency: IdempotencyKey?
        if let key = request.headers[.idempotencyKey] {
            guard (1...200).contains(key.count) else {
                throw APIError.badRequest("invalid_idempotency_key", "Idempotency-Key must be 1 to 200 characters")
            }
            idempotency = IdempotencyKey(user: identity.user.id, key: key, requestHash: Secrets.digest(String(buffer: body)))
        }
        var parameters = QueryParameters(request.queryDictionary, allowed: ["allow_duplicates"])
        let allowDuplicates = parameters.bool("allow_duplicates") ?? false
        try parameters.finish()
        let record: Record<Fields>
        let replayed: Bool
        do {
            (record, replayed) = try await records.create(
                identity.access,
                fields,
                assignment: assignment,
                idempotency: idempotency,
                refusingDuplicates: !allowDuplicates
            )
        } catch StoreError.possibleDuplicates(let type, let ids) {
            var problem = APIError.from(StoreError.possibleDuplicates(type, ids))!
            let candidates = try await records.many(identity.access, ids)
            problem.extensions["candidates"] = .array(ids.compactMap { candidates[$0]?.json })
            throw problem
        }
        var response = JSONResponse.ok(record.json, status: replayed ? .ok : .created, etag: record.meta.etag)
        response.headers[.location] = "/api/v1/\(Fields.collection)/\(record.meta.id)"
        if replayed { response.headers[.idempotentReplayed] = "true" }
        return response
    }

    @Sendable func update(_ request: Request, context: AppContext) async throws -> Response {
        let identity = try context.requireIdentity()
        let id = try context.pathID()
        let expected = try Self.expectedVersion(request, required: true)!
        // The record is looked up first, so a record the caller may not see is not found whatever the body says.
        let current = try await records.get(identity.access, id)
        let body = try await JSONInput.body(request, context: context)
        var input = try JSONInput(body, request: request, allowed: Fields.updateFields.union(["owner_id", "team_id"]).union(Self.customInput))
        guard current.meta.version == expected else { throw StoreError.versionMismatch(current: current.meta.version) }
        var fields = current.fields
        fields.apply(&input, defaultCountryCode: settings.defaultCountryCode)
        CustomInput.apply(&input, fields: try await records.customFields(), to: &fields.custom, defaultCountryCode: settings.defaultCountryCode)
        let assignment = Self.assignment(&input)
        try input.finish()
        let record = try await records.update(identity.access, id, expectedVersion: expected, fields, assignment: assignment)
        return JSONResponse.ok(record.json, etag: record.meta.etag)
    }

    @Sendable func delete(_ request: Request, context: AppContext) async throws -> Response {
        let identity = try context.requireIdentity()
        try await records.delete(identity.access, try context.pathID(), expectedVersion: try Self.expectedVersion(request, required: false))
        return Response(status: .noContent)
    }

    @Sendable func restore(_ request: Request, context: AppContext) async throws -> Response {
        let identity = try context.requireIdentity()
        let record = try await records.restore(identity.access, try context.pathID())
        return JSONResponse.ok(record.json, etag: record.meta.etag)
    }

    @Sendable func history(_ request: Request, context: AppContext) async throws -> Response {
        let identity = try context.requireIdentity()
        var parameters = QueryParameters(request.queryDictionary, allowed: ["limit", "cursor"])
        let limit = parameters.integer("limit", in: 1...ListQuery.maxLimit) ?? HistoryPage.defaultLimit
        let before = parameters.id("cursor")
        try parameters.finish()
        let page = try await records.history(identity.access, try context.pathID(), limit: limit, before: before)
        return JSONResponse.ok(.object(["items": .array(page.entries.map(\.json)), "next_cursor": .optional(page.next.map(String.init))]))
    }

    /// Every record the caller may see that matches the list filters, as CSV (RFC 4180, UTF-8 with BOM so
    /// spreadsheet programs read Polish and Cyrillic text correctly).
    @Sendable func export(_ request: Request, context: AppContext) async throws -> Response {
        let identity = try context.require(.export)
        let csv = try await Self.csv(
            records,
            identity.access,
            try Self.exportQuery(request, fields: try await records.customFields(), defaultCountryCode: settings.defaultCountryCode)
        )
        return Self.attachment(csv, type: "text/csv", filename: "\(Fields.collection).csv")
    }

    /// Every record of the list the context may see, as CSV with a byte-order mark (so spreadsheet programs
    /// read it as UTF-8), page by page.
    static func csv(_ records: RecordStore<Fields>, _ context: AccessContext, _ query: ListQuery) async throws -> String {
        var query = query
        let custom = try await records.customFields().map(\.key)
        var csv =
            "\u{FEFF}" + CSV.line(["id"] + Fields.csvColumns + custom.map { "custom.\($0)" } + ["owner_id", "team_id", "created_at", "updated_at"])
        repeat {
            let page = try await records.list(context, query)
            for record in page.items {
                csv += CSV.line(
                    [String(record.meta.id)] + record.fields.csvValues + custom.map { record.fields.custom[$0]?.text ?? "" } + [
                        record.meta.ownerID.description, record.meta.teamID?.description ?? "", record.meta.createdAt.iso8601,
                        record.meta.updatedAt.iso8601,
                    ]
                )
            }
            query.cursor = page.nextCursor
        } while query.cursor != nil
        return csv
    }

    /// The list filters of the request, for a whole export: every page, the largest at a time.
    static func exportQuery(_ request: Request, fields: [FieldDefinition], defaultCountryCode: String) throws -> ListQuery {
        var parameters = request.queryDictionary
        parameters["limit"] = nil
        parameters["cursor"] = nil
        var query = try ListQuery(parameters: parameters, for: Fields.recordType, fields: fields, defaultCountryCode: defaultCountryCode)
        query.limit = ListQuery.maxLimit
        return query
    }

    static func attachment(_ text: String, type: String, filename: String) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "\(type); charset=utf-8"
        headers[.contentDisposition] = "attachment; filename=\"\(filename)\""
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    // MARK: Pieces

    /// `custom` is a field of the record types admins add fields to.
    static var customInput: Set<String> { FieldDefinition.customizable.contains(Fields.recordType) ? ["custom"] : [] }

    /// The version named by `If-Match`. Updates require it, so a client that did not read the record first
    /// cannot overwrite someone else's change by accident (RFC 6585 428).
    static func expectedVersion(_ request: Request, required: Bool) throws -> Int64? {
        guard let header = request.headers[.ifMatch] else {
            if required {
                throw APIError(.preconditionRequired, code: "if_match_required", detail: "send If-Match with the ETag of the version you edited")
            }
            return nil
        }
        // Exactly what openapi.json states: `"3"`, `W/"3"` or a bare `3`.
        guard let match = header.trimmingWhitespace().wholeMatch(of: /(?:W\/)?(?:"([0-9]{1,18})"|([0-9]{1,18}))/),
            let version = Int64(match.1 ?? match.2 ?? "")
        else {
            throw APIError.badRequest("invalid_if_match", "If-Match must be an ETag such as \"3\"")
        }
        return version
    }

    static func assignment(_ input: inout JSONInput) -> RecordStore<Fields>.Assignment {
        var assignment = RecordStore<Fields>.Assignment()
        if let owner = input.id("owner_id") {
            if let owner { assignment.owner = UserID(owner) } else { input.fail("owner_id", "required", "a record must have an owner") }
        }
        if let team = input.id("team_id") { assignment.team = .some(team.map { TeamID($0) }) }
        return assignment
    }
}

extension AuditEntry {
    var json: JSONValue {
        .object([
            "id": .int(id), "record_type": .string(recordType.rawValue), "record_id": .int(recordID),
            "action": .string(action.rawValue), "actor_id": .optional(actorID?.rawValue),
            "system_reason": .optional(systemReason), "at": .string(at.iso8601),
            "changes": .array(changes.map { .object(["field": .string($0.field), "old": .optional($0.old), "new": .optional($0.new)]) }),
        ])
    }
}

extension HTTPField.Name {
    static let idempotencyKey = Self("Idempotency-Key")!
    static let idempotentReplayed = Self("Idempotent-Replayed")!
    static let requestID = Self("X-Request-ID")!
    static let csrfToken = Self("X-CSRF-Token")!
}
