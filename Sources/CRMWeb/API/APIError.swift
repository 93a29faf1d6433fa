public import CRMCore
import CRMStore
import Foundation
import HTTPTypes
public import Hummingbird
import Logging
import NIOCore

/// An error answered as RFC 9457 `application/problem+json`. `code` is stable and becomes the problem `type`.
public struct APIError: Error, Sendable {
    public let status: HTTPResponse.Status
    public let code: String
    public let detail: String
    public var errors: [ValidationError] = []
    public var headers: HTTPFields = [:]
    /// Members the problem document carries beyond RFC 9457's (the candidates of a possible duplicate).
    var extensions: [String: JSONValue] = [:]

    public init(_ status: HTTPResponse.Status, code: String, detail: String, errors: [ValidationError] = []) {
        self.status = status
        self.code = code
        self.detail = detail
        self.errors = errors
    }

    /// A 400 for query parameters: the URL itself is wrong, not a submitted record.
    static func badParameters(_ errors: [ValidationError]) -> APIError {
        APIError(
            .badRequest,
            code: "invalid_parameters",
            detail: errors.map { "\($0.field ?? ""): \($0.message)" }.joined(separator: "; "),
            errors: errors
        )
    }

    static func invalid(_ errors: [ValidationError]) -> APIError {
        let detail = errors.map { ($0.field.map { "\($0): " } ?? "") + $0.message }.joined(separator: "; ")
        return APIError(.unprocessableContent, code: "validation", detail: detail, errors: errors)
    }

    static func badRequest(_ code: String, _ detail: String, field: String? = nil) -> APIError {
        APIError(.badRequest, code: code, detail: detail, errors: field.map { [ValidationError(field: $0, code: code, message: detail)] } ?? [])
    }

    /// Turns anything thrown below the web layer into its HTTP meaning. Unknown errors are server faults.
    static func from(_ error: any Error) -> APIError? {
        switch error {
        case let error as APIError:
            return error
        case let error as StoreError:
            switch error {
            case .notFound(let type):
                return APIError(.notFound, code: "not_found", detail: "no such \(type?.rawValue ?? "record"), or you may not see it")
            case .versionMismatch(let current):
                var problem = APIError(
                    .preconditionFailed,
                    code: "version_mismatch",
                    detail: "the record changed since you read it; it is at version \(current) now"
                )
                problem.headers[.eTag] = "\"\(current)\""
                return problem
            case .forbidden(let why):
                return APIError(.forbidden, code: "forbidden", detail: why)
            case .conflict(let code, let message):
                return APIError(.conflict, code: code, detail: message)
            case .possibleDuplicates(let type, let ids):
                return APIError(
                    .conflict,
                    code: "possible_duplicate",
                    detail:
                        "\(ids.count) \(type.rawValue) record(s) look like this one (same e-mail, phone, tax id or name); send allow_duplicates=true to create it anyway"
                )
            case .invalid(let errors):
                return .invalid(errors.errors)
            case .rateLimited(let seconds):
                var problem = APIError(
                    .tooManyRequests,
                    code: "rate_limited",
                    detail: "too many submissions from your address; try again in \(seconds) seconds"
                )
                problem.headers[.retryAfter] = String(seconds)
                return problem
            case .configuration:
                return nil
            }
        case let error as FileStorageUnavailable:
            return APIError(.serviceUnavailable, code: "file_storage_unavailable", detail: error.description)
        case let error as FileTooLarge:
            return APIError(.contentTooLarge, code: "file_too_large", detail: error.description)
        case let error as ValidationErrors:
            return .invalid(error.errors)
        case let error as ValidationError:
            return .invalid([error])
        case is NIOTooManyBytesError:
            return APIError(.contentTooLarge, code: "body_too_large", detail: "the request body is larger than 1 MiB")
        case let error as HTTPError:
            let code: String =
                switch error.status {
                case .contentTooLarge: "body_too_large"
                case .notFound: "not_found"
                case .methodNotAllowed: "method_not_allowed"
                default: "http_\(error.status.code)"
                }
            return APIError(error.status, code: code, detail: error.body ?? error.status.reasonPhrase)
        default:
            return nil
        }
    }

    /// The problem document.
    var document: JSONValue {
        var object: [String: JSONValue] = extensions.merging([
            "type": .string("/problems/\(code.replacingOccurrences(of: "_", with: "-"))"),
            "title": .string(status.reasonPhrase),
            "status": .number(Double(status.code)),
            "detail": .string(detail),
            "code": .string(code),
        ]) { $1 }
        if !errors.isEmpty {
            object["errors"] = .array(
                errors.map { error in
                    .object(["field": error.field.map(JSONValue.string) ?? .null, "code": .string(error.code), "message": .string(error.message)])
                }
            )
        }
        return .object(object)
    }

    func response() -> Response {
        var headers = headers
        headers[.contentType] = "application/problem+json"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: document.encoded())))
    }
}
