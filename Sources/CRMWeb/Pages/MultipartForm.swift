import CRMCore
import CRMStore
import Foundation
import Hummingbird

/// A submitted `multipart/form-data` form (one with a file input): its text fields and files. Reading one
/// checks the session's CSRF token, as `FormInput` does for plain forms.
struct MultipartForm {
    struct File {
        let fileName: String
        let data: Data
    }

    private(set) var fields: [String: String] = [:]
    private(set) var files: [String: File] = [:]

    init(_ request: Request, context: AppContext, csrf expected: String?, limit: Int) async throws {
        let type = request.headers[.contentType] ?? ""
        guard type.lowercased().hasPrefix("multipart/form-data"), let boundary = Self.boundary(type) else {
            throw APIError(.unsupportedMediaType, code: "unsupported_media_type", detail: "send the form as multipart/form-data")
        }
        let body = Data(try await request.body.collect(upTo: limit).readableBytesView)
        let delimiter = Data("--\(boundary)".utf8)
        var start = body.range(of: delimiter)?.upperBound
        while let partStart = start, let end = body.range(of: delimiter, in: partStart..<body.endIndex) {
            let part = body[partStart..<end.lowerBound]
            start = end.upperBound
            guard let split = part.range(of: Data("\r\n\r\n".utf8)) else { continue }
            let head = String(decoding: part[part.startIndex..<split.lowerBound], as: UTF8.self)
            var content = part[split.upperBound...]
            if content.suffix(2) == Data("\r\n".utf8) { content = content.dropLast(2) }
            guard let name = Self.parameter("name", in: head) else { continue }
            if let fileName = Self.parameter("filename", in: head) {
                files[name] = File(fileName: fileName, data: Data(content))
            } else {
                fields[name] = String(decoding: content, as: UTF8.self)
            }
        }
        guard let expected, let sent = fields["_csrf"], Secrets.constantTimeEqual(sent, expected) else {
            throw APIError(.forbidden, code: "csrf", detail: "the form expired or came from another site; reload the page and try again")
        }
    }

    subscript(_ key: String) -> String { fields[key] ?? "" }

    static func boundary(_ contentType: String) -> String? {
        guard let range = contentType.range(of: "boundary=", options: .caseInsensitive) else { return nil }
        let value = contentType[range.upperBound...].prefix { $0 != ";" }.trimmingCharacters(in: .whitespaces)
        let unquoted = value.hasPrefix("\"") && value.hasSuffix("\"") && value.count >= 2 ? String(value.dropFirst().dropLast()) : value
        return unquoted.isEmpty ? nil : unquoted
    }

    /// `name="…"` from a part's Content-Disposition.
    static func parameter(_ name: String, in head: String) -> String? {
        guard let range = head.range(of: "\(name)=\"") else { return nil }
        // `filename` also ends in `name`: make sure this is the parameter itself.
        if name == "name", range.lowerBound > head.startIndex, head[head.index(before: range.lowerBound)].isLetter {
            return parameter(name, in: String(head[range.upperBound...]))
        }
        let rest = head[range.upperBound...]
        return String(rest.prefix { $0 != "\"" })
    }
}
