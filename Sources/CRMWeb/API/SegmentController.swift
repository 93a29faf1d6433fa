import CRMCore
import CRMStore
import Foundation
import Hummingbird

/// Saved segments as JSON: named list filters over companies, contacts or deals.
struct SegmentController {
    let store: Store
    let defaultCountryCode: String

    func addRoutes(to group: RouterGroup<AppContext>) {
        group.get("segments", use: list)
        group.post("segments", use: create)
        group.get("segments/:id", use: get)
        group.delete("segments/:id", use: delete)
    }

    @Sendable func list(_ request: Request, context: AppContext) async throws -> Response {
        _ = try context.requireIdentity()
        var query = QueryParameters(request.queryDictionary, allowed: ["record_type"])
        let type = query.choice("record_type", RecordType.self)
        try query.finish()
        return JSONResponse.ok(.object(["items": .array(try await store.segments.list(type).map(\.json))]))
    }

    /// `{"name": "A-class renewals", "record_type": "company", "filters": {"priority": "A", "tag": "renewal"}}`.
    @Sendable func create(_ request: Request, context: AppContext) async throws -> Response {
        let identity = try context.requireIdentity()
        var input = try JSONInput(try await JSONInput.body(request, context: context), request: request, allowed: ["name", "record_type", "filters"])
        let name = input.string("name") ?? ""
        let typeText = input.string("record_type") ?? "company"
        let type = RecordType(rawValue: typeText).flatMap { Segment.recordTypes.contains($0) ? $0 : nil }
        if type == nil { input.fail("record_type", "invalid_record_type", "must be company, contact or deal") }
        let filters = input.texts("filters") ?? [:]
        if input.object["filters"] == nil {
            input.fail("filters", "required", "must be an object of the list's filters: {\"priority\": \"A\", \"tag\": \"renewal\"}")
        }
        try input.finish()
        // The values are checked as the list reads them, so a saved segment always opens.
        _ = try ListQuery(
            filters: filters,
            of: type!,
            fields: try await store.fields.custom(type!),
            field: "filters",
            defaultCountryCode: defaultCountryCode
        )
        let segment = try await store.segments.create(identity.access, name: name, recordType: type!, filters: filters)
        return JSONResponse.ok(segment.json, status: .created)
    }

    @Sendable func get(_ request: Request, context: AppContext) async throws -> Response {
        _ = try context.requireIdentity()
        return JSONResponse.ok(try await store.segments.get(try context.pathID()).json)
    }

    @Sendable func delete(_ request: Request, context: AppContext) async throws -> Response {
        let identity = try context.requireIdentity()
        try await store.segments.delete(identity.access, try context.pathID())
        return Response(status: .noContent)
    }
}

extension Segment {
    var json: JSONValue {
        .object([
            "id": .int(id), "name": .string(name), "record_type": .string(recordType.rawValue),
            "filters": .object(filters.mapValues(JSONValue.string)),
            "created_by": createdBy.map { .int($0.rawValue) } ?? .null, "created_at": .string(createdAt.iso8601),
        ])
    }
}
