import CRMCore
import CRMStore
import Foundation
import HTTPTypes
import Hummingbird

/// Merging two companies, two contacts or two leads from their pages: the record page names likely duplicates, the merge
/// page shows both side by side to pick each field's value, and the survivor's page offers undo for 30 days.
struct MergePages<Fields: PageResource & Mergeable & Codable> {
    let store: Store
    let records: RecordStore<Fields>
    let pages: PageRenderer

    private var base: String { "/" + Fields.collection }

    func addRoutes(to group: RouterGroup<AppContext>) {
        group.get("\(Fields.collection)/:id/merge", use: compare)
        group.post("\(Fields.collection)/:id/merge", use: merge)
        group.post("\(Fields.collection)/merges/:merge/undo", use: undo)
    }

    /// What the record's page shows about merging: likely duplicates to merge, and merges it can still undo.
    func panel(_ identity: Identity, _ record: Record<Fields>) async throws -> [String: any Sendable] {
        guard record.meta.deletedAt == nil else { return [:] }
        let similar = try await records.duplicates(identity.access, of: record.fields, excluding: record.meta.id)
        let merges = try await records.merges(identity.access, into: record.meta.id)
        let format = pages.formatter(identity)
        return [
            "merge_candidates": similar.map {
                ["title": $0.fields.title, "href": "\(base)/\($0.meta.id)", "merge": "\(base)/\(record.meta.id)/merge?with=\($0.meta.id)"]
                    as [String: String]
            },
            "has_merge_candidates": !similar.isEmpty,
            "merges": merges.map {
                [
                    "undo": "\(base)/merges/\($0.id)/undo", "at": format.dateTime($0.mergedAt), "until": format.date($0.undoUntil),
                    "merged": "\(base)/\($0.mergedID)",
                ] as [String: String]
            },
            "has_merges": !merges.isEmpty,
        ]
    }

    @Sendable func compare(_ request: Request, context: AppContext) async throws -> Response {
        let identity = try context.requireIdentity()
        let survivor = try await records.get(identity.access, try context.pathID())
        guard let otherID = request.queryDictionary["with"].flatMap(Int64.init) else {
            throw APIError.badRequest("missing_record", "choose the record to merge into this one", field: "with")
        }
        let other = try await records.get(identity.access, otherID)
        return try await page(identity, request, survivor, other, errors: [], status: .ok)
    }

    @Sendable func merge(_ request: Request, context: AppContext) async throws -> Response {
        let identity = try context.requireIdentity()
        let input = try await FormInput(request, context: context, csrf: identity.csrfToken)
        let survivorID = try context.pathID()
        guard let otherID = Int64(input["with"]), let version = Int64(input["version"]), let otherVersion = Int64(input["with_version"]) else {
            throw APIError.badRequest("invalid_form", "the merge form is incomplete; open it again from the record's page")
        }
        let taking = Set(Fields.mergeChoices.filter { input["take_\($0)"] == "other" })
        do {
            _ = try await records.merge(
                identity.access,
                survivor: survivorID,
                survivorVersion: version,
                merged: otherID,
                mergedVersion: otherVersion,
                taking: taking
            )
            return Response(status: .seeOther, headers: [.location: "\(base)/\(survivorID)"])
        } catch let error as StoreError {
            // Someone changed a record meanwhile: show both as they are now, with the reason.
            let survivor = try await records.get(identity.access, survivorID)
            let other = try await records.get(identity.access, otherID)
            return try await page(identity, request, survivor, other, errors: error.formErrors, status: .conflict)
        }
    }

    @Sendable func undo(_ request: Request, context: AppContext) async throws -> Response {
        let identity = try context.requireIdentity()
        _ = try await FormInput(request, context: context, csrf: identity.csrfToken)
        guard let id = context.parameters.get("merge", as: Int64.self) else { throw APIError(.notFound, code: "not_found", detail: "no such merge") }
        let (survivor, _) = try await records.undoMerge(identity.access, id)
        return Response(status: .seeOther, headers: [.location: "\(base)/\(survivor.meta.id)"])
    }

    private func page(
        _ identity: Identity,
        _ request: Request,
        _ survivor: Record<Fields>,
        _ other: Record<Fields>,
        errors: [ValidationError],
        status: HTTPResponse.Status
    ) async throws -> Response {
        let t = pages.strings(PageRenderer.language(identity: identity, request: request))
        let mine = try await shown(identity, survivor.fields.auditValues)
        let theirs = try await shown(identity, other.fields.auditValues)
        let data: [String: Any] = [
            "action": "\(base)/\(survivor.meta.id)/merge", "cancel": "\(base)/\(survivor.meta.id)",
            "survivor": survivor.fields.title, "survivor_href": "\(base)/\(survivor.meta.id)", "version": survivor.meta.version,
            "other": other.fields.title, "other_href": "\(base)/\(other.meta.id)", "with": other.meta.id, "with_version": other.meta.version,
            "errors": errors.map { pages.message($0, t) }, "has_errors": !errors.isEmpty,
            "fields": Fields.mergeChoices.map { field -> [String: Any] in
                let keep = mine[field] ?? ""
                let take = theirs[field] ?? ""
                // The other record's value is preselected only where this one has none.
                return [
                    "name": field, "label": t["field_\(field)"] ?? field, "mine": keep, "theirs": take,
                    "take_theirs": keep.isEmpty && !take.isEmpty, "same": keep == take,
                ]
            },
        ]
        return pages.render("merge", data, identity: identity, request: request, status: status, title: t["merge_title"])
    }

    /// Field values as a person reads them: a company by its name rather than its id.
    private func shown(_ identity: Identity, _ values: [String: String]) async throws -> [String: String] {
        var values = values
        if let id = values["company_id"].flatMap(Int64.init) {
            values["company_id"] = (try? await store.companies.get(identity.access, id, includeDeleted: true))?.fields.name ?? ""
        }
        return values
    }
}
