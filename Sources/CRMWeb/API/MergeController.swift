import CRMCore
import CRMStore
import Foundation
import Hummingbird

/// Likely duplicates of a company or contact, merging two of them, and undoing a merge, over the API.
struct MergeController<Fields: APIResource & Mergeable & Codable> {
    let records: RecordStore<Fields>

    func addRoutes(to group: RouterGroup<AppContext>) {
        group.get("\(Fields.collection)/:id/duplicates", use: duplicates)
        group.post("\(Fields.collection)/:id/merge", use: merge)
        group.get("\(Fields.collection)/:id/merges", use: merges)
        group.post("\(Fields.collection)/merges/:merge/undo", use: undo)
    }

    @Sendable func duplicates(_ request: Request, context: AppContext) async throws -> Response {
        let identity = try context.requireIdentity()
        let record = try await records.get(identity.access, try context.pathID())
        let similar = try await records.duplicates(identity.access, of: record.fields, excluding: record.meta.id)
        return JSONResponse.ok(.object(["items": .array(similar.map(\.json))]))
    }

    /// `If-Match` names the survivor's version and `merged_version` the other's: both as the client compared them.
    @Sendable func merge(_ request: Request, context: AppContext) async throws -> Response {
        let identity = try context.requireIdentity()
        let id = try context.pathID()
        let expected = try RecordController<Fields>.expectedVersion(request, required: true)!
        let body = try await JSONInput.body(request, context: context)
        var input = try JSONInput(body, request: request, allowed: ["merged_id", "merged_version", "take"])
        let merged = input.id("merged_id") ?? nil
        let mergedVersion = input.id("merged_version") ?? nil
        let take = input.strings("take") ?? []
        if merged == nil { input.fail("merged_id", "required", "name the record to merge into this one") }
        if mergedVersion == nil { input.fail("merged_version", "required", "send the version of the merged record you compared") }
        for field in take where !Fields.mergeChoices.contains(field) {
            input.fail("take", "unknown_field", "\(field) is not one of " + Fields.mergeChoices.joined(separator: ", "))
        }
        try input.finish()
        let (survivor, merge) = try await records.merge(
            identity.access,
            survivor: id,
            survivorVersion: expected,
            merged: merged!,
            mergedVersion: mergedVersion!,
            taking: Set(take)
        )
        return JSONResponse.ok(.object(["record": survivor.json, "merge": merge.json]), etag: survivor.meta.etag)
    }

    @Sendable func merges(_ request: Request, context: AppContext) async throws -> Response {
        let identity = try context.requireIdentity()
        let merges = try await records.merges(identity.access, into: try context.pathID())
        return JSONResponse.ok(.object(["items": .array(merges.map(\.json))]))
    }

    @Sendable func undo(_ request: Request, context: AppContext) async throws -> Response {
        let identity = try context.requireIdentity()
        guard let id = context.parameters.get("merge", as: Int64.self) else { throw APIError(.notFound, code: "not_found", detail: "no such merge") }
        let (survivor, restored) = try await records.undoMerge(identity.access, id)
        return JSONResponse.ok(.object(["record": survivor.json, "restored": restored.json]))
    }
}

extension RecordMerge {
    var json: JSONValue {
        .object([
            "id": .int(id), "survivor_id": .int(survivorID), "merged_id": .int(mergedID),
            "merged_at": .string(mergedAt.iso8601), "undo_until": .string(undoUntil.iso8601),
        ])
    }
}
