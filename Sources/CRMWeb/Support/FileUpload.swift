import CRMCore
import CRMStore
import Foundation
import HTTPTypes
import Hummingbird

/// An uploaded file's name and staged bytes, from either way a client sends one: a multipart form (a browser's
/// file input), or the bytes as the whole body with the name in `?name=` or `Content-Disposition`.
enum FileUpload {
    static func receive(_ request: Request, staging: FileStaging) async throws -> (name: String, staged: StagedFile) {
        let (name, staged, _) = try await receiveWithFields(request, staging: staging)
        return (name, staged)
    }

    /// The same, with the multipart form's text fields (a page's CSRF token).
    static func receiveWithFields(
        _ request: Request,
        staging: FileStaging
    ) async throws -> (name: String, staged: StagedFile, fields: [String: String]) {
        let contentType = request.headers[.contentType] ?? ""
        if contentType.lowercased().hasPrefix("multipart/form-data") {
            let form = try await MultipartUpload.read(request.body, contentType: contentType, staging: staging)
            guard let file = form.file else {
                throw APIError.invalid([ValidationError(field: "file", code: "required", message: "choose a file to upload")])
            }
            let name = form.fields["name"].flatMap { $0.isEmpty ? nil : $0 } ?? file.name
            return (name, file.staged, form.fields)
        }
        guard let name = request.queryDictionary["name"].flatMap({ $0.isEmpty ? nil : $0 }) ?? dispositionName(request) else {
            throw APIError.invalid([
                ValidationError(field: "name", code: "required", message: "name the file in ?name= or a Content-Disposition header")
            ])
        }
        let upload = try await staging.begin()
        do {
            for try await buffer in request.body { try await upload.append(buffer) }
            return (name, try await upload.finish(), [:])
        } catch {
            await upload.discard()
            throw error
        }
    }

    /// `filename*=UTF-8''…` (RFC 6266/8187) or `filename="…"` from the request's Content-Disposition.
    static func dispositionName(_ request: Request) -> String? {
        guard let header = request.headers[.contentDisposition] else { return nil }
        for part in header.split(separator: ";").map({ $0.trimmingCharacters(in: .whitespaces) }) {
            if part.lowercased().hasPrefix("filename*="), let quote = part.range(of: "''") {
                return String(part[quote.upperBound...]).removingPercentEncoding
            }
        }
        return MultipartForm.parameter("filename", in: header)
    }
}

/// A file as a download: the sniffed type, never shown in place when it could run a script, the bytes streamed
/// from storage.
enum FileDownload {
    static func response(_ file: StoredFile, request: Request, storage: any BlobStorage) -> Response {
        var headers = HTTPFields()
        let etag = "\"\(file.hash)\""
        headers[.eTag] = etag
        // The same id always has the same bytes, but access can be taken away: ask every time, cheaply.
        headers[.cacheControl] = "private, no-cache"
        headers[.xContentTypeOptions] = "nosniff"
        // Even if a browser decided to render it, a sandboxed document runs no script and reaches no cookie.
        headers[.contentSecurityPolicy] = "sandbox; default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'"
        if request.headers[.ifNoneMatch]?.contains(etag) == true {
            return Response(status: .notModified, headers: headers)
        }
        let inline = file.showsInline && request.queryDictionary["download"] == nil
        headers[.contentType] = file.showsInline || !file.mediaType.hasPrefix("text/") ? file.mediaType : "application/octet-stream"
        if file.mediaType == "text/plain" { headers[.contentType] = "text/plain; charset=utf-8" }
        if file.mediaType == "text/html" || file.mediaType == "image/svg+xml" || file.mediaType == "application/xml" {
            headers[.contentType] = "application/octet-stream"
        }
        headers[.contentDisposition] = contentDisposition(file.name, inline: inline)
        let hash = file.hash
        let body = ResponseBody(contentLength: Int(file.size)) { writer in
            try await storage.read(hash) { chunk in try await writer.write(chunk) }
            try await writer.finish(nil)
        }
        return Response(status: .ok, headers: headers, body: body)
    }

    /// RFC 6266: an ASCII fallback for old clients and the real name, in any script, as `filename*`.
    static func contentDisposition(_ name: String, inline: Bool) -> String {
        let fallback = String(
            name.unicodeScalars.map { $0.isASCII && $0.value >= 0x20 && !"\"\\;".unicodeScalars.contains($0) ? Character($0) : "_" }
        )
        var allowed = CharacterSet.alphanumerics.intersection(CharacterSet(charactersIn: Unicode.Scalar(0)...Unicode.Scalar(127)))
        allowed.insert(charactersIn: "!#$&+-.^_`|~")
        let encoded = name.addingPercentEncoding(withAllowedCharacters: allowed) ?? fallback
        return "\(inline ? "inline" : "attachment"); filename=\"\(fallback)\"; filename*=UTF-8''\(encoded)"
    }
}

extension HTTPField.Name {
    static let xContentTypeOptions = Self("X-Content-Type-Options")!
}
