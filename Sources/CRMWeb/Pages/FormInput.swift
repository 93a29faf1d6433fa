import CRMCore
import CRMStore
import Foundation
import HTTPTypes
import Hummingbird
import Logging

/// A submitted HTML form. Reading one checks the session's CSRF token, so no state-changing form can be
/// posted from another site.
struct FormInput {
    let values: [String: [String]]

    init(_ request: Request, context: AppContext, csrf expected: String?) async throws {
        try await self.init(unprotected: request, context: context)
        guard let expected, let sent = values["_csrf"]?.first, Secrets.constantTimeEqual(sent, expected) else {
            throw APIError(.forbidden, code: "csrf", detail: "the form expired or came from another site; reload the page and try again")
        }
    }

    /// A form other sites post on purpose (a lead web form): there is no session, so no CSRF token to check.
    init(unprotected request: Request, context: AppContext) async throws {
        let buffer = try await request.body.collect(upTo: context.maxUploadSize)
        var values: [String: [String]] = [:]
        for pair in String(buffer: buffer).split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let key = Self.decode(parts[0])
            values[key, default: []].append(parts.count > 1 ? Self.decode(parts[1]) : "")
        }
        self.values = values
        if let field = values.first(where: { $0.key.hasControlCharacters || $0.value.contains { $0.hasControlCharacters } })?.key {
            throw APIError.badRequest("control_character", "the field \(field) holds control characters such as NUL; remove them and send again")
        }
    }

    /// Values given directly: a new form started from a link's query.
    init(values: [String: [String]]) {
        self.values = values
    }

    subscript(_ key: String) -> String { values[key]?.first ?? "" }
    func all(_ key: String) -> [String] { values[key] ?? [] }

    /// Browsers send a textarea's line breaks as CRLF whatever was stored (HTML's form encoding); they are read back
    /// as the LF the rest of Clientele writes, so a text saved untouched stays the same.
    private static func decode(_ text: Substring) -> String {
        (text.replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String(text)).replacingOccurrences(of: "\r\n", with: "\n")
    }
}
