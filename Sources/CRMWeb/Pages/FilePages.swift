import CRMCore
import CRMStore
import Foundation
import Hummingbird

/// The files panel on a record's page, and the form posts behind it for browsers without scripts: upload,
/// remove (with undo) and restore. Dragging files onto the panel uses the API (`app.js`).
struct FilePages {
    let store: Store
    let pages: PageRenderer

    func addRoutes(to router: RouterGroup<AppContext>) {
        for (type, collection) in StoredFile.attachable.collections {
            router.post("\(collection)/:id/files") { request, context in try await upload(type, collection, request, context) }
        }
        router.post("files/:id/delete", use: delete)
        router.post("files/:id/restore", use: restore)
    }

    /// What a record's page shows of its files.
    static func panel(
        _ store: Store,
        _ identity: Identity,
        type: RecordType,
        id: Int64,
        owners: [UserID: String],
        format: DisplayFormatter
    ) async throws -> [String: Any] {
        guard StoredFile.attachable.contains(type), let collection = type.collection else { return [:] }
        let files = try await store.files.list(identity.access, of: type, id: id)
        return [
            "files_panel": true,
            "files": files.map { file in
                [
                    "id": file.id, "name": file.name, "size": format.fileSize(file.size), "at": format.dateTime(file.createdAt),
                    "who": file.uploadedBy.flatMap { owners[$0] } ?? "", "url": "/api/v1/files/\(file.id)/content",
                    "download": "/api/v1/files/\(file.id)/content?download=1", "previewable": file.showsInline,
                ] as [String: Any]
            },
            "has_files": !files.isEmpty,
            "files_upload": "/\(collection)/\(id)/files",
            "files_api": "/api/v1/\(collection)/\(id)/files",
            "files_max": format.fileSize(store.files.staging.maxBytes),
            "files_max_bytes": store.files.staging.maxBytes,
        ]
    }

    func upload(_ type: RecordType, _ collection: String, _ request: Request, _ context: AppContext) async throws -> Response {
        let identity = try context.requireIdentity()
        let id = try context.pathID()
        let (name, staged, fields) = try await FileUpload.receiveWithFields(request, staging: store.files.staging)
        guard let expected = identity.csrfToken, let sent = fields["_csrf"], Secrets.constantTimeEqual(sent, expected) else {
            staged.discard()
            throw APIError(.forbidden, code: "csrf", detail: "the form expired or came from another site; reload the page and try again")
        }
        let file = try await store.files.attach(identity.access, to: type, id: id, name: name, staged)
        return redirect("/\(collection)/\(id)#files", notice: Notice(key: "file_attached", subject: file.name, undo: "/files/\(file.id)/delete"))
    }

    @Sendable func delete(_ request: Request, context: AppContext) async throws -> Response {
        let identity = try context.requireIdentity()
        let id = try context.pathID()
        _ = try await FormInput(request, context: context, csrf: identity.csrfToken)
        let file = try await store.files.get(identity.access, id)
        try await store.files.delete(identity.access, id)
        return redirect(Self.recordPage(file) + "#files", notice: Notice(key: "file_removed", subject: file.name, undo: "/files/\(id)/restore"))
    }

    @Sendable func restore(_ request: Request, context: AppContext) async throws -> Response {
        let identity = try context.requireIdentity()
        let id = try context.pathID()
        _ = try await FormInput(request, context: context, csrf: identity.csrfToken)
        let file = try await store.files.restore(identity.access, id)
        return redirect(Self.recordPage(file) + "#files", notice: Notice(key: "file_restored", subject: file.name))
    }

    static func recordPage(_ file: StoredFile) -> String {
        "/\(file.recordType.collection ?? "")/\(file.recordID)"
    }
}
