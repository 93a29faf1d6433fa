import CRMCore
import CRMStore
import Foundation
import HTTPTypes
import Hummingbird

/// Files on records through the API: upload (multipart or the bytes as the body), list, describe, download,
/// remove and restore, and search by name and content. The store decides who sees what; this only speaks HTTP.
struct FileController {
    let store: Store

    func addRoutes(to group: RouterGroup<AppContext>) {
        for (type, collection) in StoredFile.attachable.collections {
            group.get("\(collection)/:id/files") { request, context in try await list(type, request, context) }
            group.post("\(collection)/:id/files") { request, context in try await upload(type, request, context) }
        }
        group.get("files", use: search)
        group.get("files/:id", use: get)
        group.get("files/:id/content", use: content)
        group.delete("files/:id", use: delete)
        group.post("files/:id/restore", use: restore)
    }

    func list(_ type: RecordType, _ request: Request, _ context: AppContext) async throws -> Response {
        let identity = try context.requireIdentity()
        var parameters = QueryParameters(request.queryDictionary, allowed: ["include_deleted"])
        let includeDeleted = parameters.bool("include_deleted") ?? false
        try parameters.finish()
        let files = try await store.files.list(identity.access, of: type, id: try context.pathID(), includeDeleted: includeDeleted)
        return JSONResponse.ok(.object(["items": .array(files.map(\.json))]))
    }

    func upload(_ type: RecordType, _ request: Request, _ context: AppContext) async throws -> Response {
        let identity = try context.requireIdentity()
        let id = try context.pathID()
        let (name, staged) = try await FileUpload.receive(request, staging: store.files.staging)
        let file = try await store.files.attach(identity.access, to: type, id: id, name: name, staged)
        var response = JSONResponse.ok(file.json, status: .created)
        response.headers[.location] = "/api/v1/files/\(file.id)"
        return response
    }

    @Sendable func search(_ request: Request, context: AppContext) async throws -> Response {
        let identity = try context.requireIdentity()
        var parameters = QueryParameters(request.queryDictionary, allowed: ["q", "limit"])
        let text = parameters.text("q")?.trimmingWhitespace() ?? ""
        if text.isEmpty { parameters.fail(ValidationError(field: "q", code: "required", message: "say what to look for")) }
        let limit = parameters.integer("limit", in: 1...100) ?? 20
        try parameters.finish()
        let files = try await store.files.search(identity.access, text, limit: limit)
        return JSONResponse.ok(.object(["items": .array(files.map(\.json))]))
    }

    @Sendable func get(_ request: Request, context: AppContext) async throws -> Response {
        let identity = try context.requireIdentity()
        return JSONResponse.ok(try await store.files.get(identity.access, try context.pathID(), includeDeleted: true).json)
    }

    @Sendable func content(_ request: Request, context: AppContext) async throws -> Response {
        let identity = try context.requireIdentity()
        let file = try await store.files.get(identity.access, try context.pathID())
        try await store.files.requireContent(file)
        return FileDownload.response(file, request: request, storage: store.files.storage)
    }

    @Sendable func delete(_ request: Request, context: AppContext) async throws -> Response {
        let identity = try context.requireIdentity()
        try await store.files.delete(identity.access, try context.pathID())
        return Response(status: .noContent)
    }

    @Sendable func restore(_ request: Request, context: AppContext) async throws -> Response {
        let identity = try context.requireIdentity()
        return JSONResponse.ok(try await store.files.restore(identity.access, try context.pathID()).json)
    }
}

extension StoredFile {
    var json: JSONValue {
        .object([
            "id": .number(Double(id)),
            "record_type": .string(recordType.rawValue),
            "record_id": .number(Double(recordID)),
            "name": .string(name),
            "media_type": .string(mediaType),
            "size": .number(Double(size)),
            "sha256": .string(hash),
            "has_text": .bool(hasText),
            "uploaded_by": uploadedBy.map { .number(Double($0.rawValue)) } ?? .null,
            "created_at": .string(createdAt.iso8601),
            "deleted_at": deletedAt.map { .string($0.iso8601) } ?? .null,
            "content_url": .string("/api/v1/files/\(id)/content"),
        ])
    }
}
