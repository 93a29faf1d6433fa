import CRMCore
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import Mustache

/// Renders server-side pages: a Mustache template, the reader's message catalog and the common page frame.
public struct PageRenderer: Sendable {
    let library: MustacheLibrary
    let catalog: MessageCatalog
    let publicDirectory: String

    static func load() async throws -> PageRenderer {
        let resources = WebResources.directory
        let library = try await MustacheLibrary(directory: resources.appendingPathComponent("Templates").path)
        let catalog = try MessageCatalog.load(from: resources.appendingPathComponent("Locales"))
        return PageRenderer(library: library, catalog: catalog, publicDirectory: resources.appendingPathComponent("Public").path)
    }

    /// The language for a page: the signed-in user's, else the browser's.
    static func language(identity: Identity?, request: Request?) -> String {
        if let identity { return MessageCatalog.language(of: identity.user.locale) }
        if let chosen = request?.cookies["clientele_lang"]?.value { return MessageCatalog.language(of: chosen) }
        return MessageCatalog.negotiate(request?.headers[.acceptLanguage])
    }

    func strings(_ language: String) -> [String: String] { catalog.strings(for: language) }

    /// The capabilities whose pages the settings menu in the bar leads to.
    static let settingsMenu: [Capability] = [.manageUsers, .manageFunnel, .manageLeadRules, .manageFields]

    func render(
        _ template: String,
        _ data: [String: Any],
        identity: Identity?,
        request: Request?,
        status: HTTPResponse.Status = .ok,
        title: String? = nil,
        language chosen: String? = nil
    ) -> Response {
        let language = chosen ?? Self.language(identity: identity, request: request)
        let t = catalog.strings(for: language)
        var page = data
        page["lang"] = language
        // The window's title is its own key: a page's `title` may be a form's value (a new deal's title typed so far).
        page["page_title"] = title ?? (data["title"] as? String) ?? "Clientele"
        if page["title"] == nil { page["title"] = page["page_title"] }
        page["languages"] = MessageCatalog.languages.map { ["code": $0, "name": MessageCatalog.languageNames[$0]!, "selected": $0 == language] }
        if let identity {
            page["me"] = [
                "id": identity.user.id.rawValue, "name": identity.user.name, "email": identity.user.email.value,
                "role": t["role_\(identity.user.role.rawValue)"] ?? identity.user.role.rawValue,
                // What the role may do, by capability, so a page shows only what will not be refused.
                "can": Dictionary(uniqueKeysWithValues: Capability.allCases.map { ($0.rawValue, identity.access.may($0)) }),
                "administers": Self.settingsMenu.contains { identity.access.may($0) },
                "unread": identity.unreadNotifications ?? 0, "has_unread": (identity.unreadNotifications ?? 0) > 0,
            ]
            page["csrf"] = identity.csrfToken ?? ""
        }
        // A notice left by the form post that led here is shown once: the answer clears its cookie.
        let notice = request?.cookies[Notice.cookie].flatMap { Notice(cookie: $0.value) }
        if let notice, identity != nil {
            page["notice"] = notice.page(t)
            page["here"] = request.map { $0.uri.path + ($0.uri.query.map { "?" + $0 } ?? "") } ?? "/"
        }
        // The catalog (600 strings, none empty) is added after the clean-up, which would otherwise copy it per page.
        var prepared = Self.withoutEmptyText(page) as? [String: Any] ?? page
        prepared["t"] = t
        let html = library.render(prepared, withTemplate: template) ?? "template \(template) is missing"
        var headers = HTTPFields()
        headers[.contentType] = "text/html; charset=utf-8"
        headers[.cacheControl] = "no-store"
        if request?.cookies[Notice.cookie] != nil { headers.append(HTTPField(name: .setCookie, value: Notice.clearCookie)) }
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: html)))
    }

    /// Mustache treats an empty string as true, so `{{#legal_name}}` would show an empty row; dropping empty
    /// strings makes sections mean "has a value" while a missing variable still renders as nothing.
    static func withoutEmptyText(_ value: Any) -> Any {
        switch value {
        case let dictionary as [String: Any]:
            return dictionary.compactMapValues { element -> Any? in
                if let text = element as? String, text.isEmpty { return nil }
                return withoutEmptyText(element)
            }
        case let array as [Any]:
            return array.map(withoutEmptyText)
        default:
            return value
        }
    }

    /// An error for a person. The store's own words are English and name the value at fault, so English readers
    /// get them; everyone else gets the catalog's sentence for the error's code in their language.
    func message(_ error: ValidationError, _ t: [String: String]) -> [String: Any] {
        let translated = t["language_code"] == "en" ? nil : t["error_\(error.code)"]
        return ["field": error.field.map { t["field_\($0)"] ?? $0 } ?? "", "message": translated ?? error.message]
    }

    func errorPage(_ problem: APIError, identity: Identity?, request: Request?) -> Response {
        let t = catalog.strings(for: Self.language(identity: identity, request: request))
        var translated = t["language_code"] == "en" || problem.status.code >= 500 ? nil : t["error_\(problem.code)"]
        // A fault of ours is told in the reader's language too, with the id to quote to support.
        if problem.code == "internal", case .string(let id)? = problem.extensions["request_id"] {
            translated = (t["error_internal"] ?? problem.detail).replacingOccurrences(of: "{id}", with: id)
        }
        // A page refused for a capability names it, in the reader's words (`Capability` names are in the catalogs).
        if case .string(let capability)? = problem.extensions["capability"], let name = t["capability_\(capability)"],
            let sentence = t["error_capability"]
        {
            translated = sentence.replacingOccurrences(of: "{capability}", with: name)
        }
        let detail = translated ?? problem.detail
        let reason = t["status_\(problem.status.code)"] ?? problem.status.reasonPhrase
        let data: [String: Any] = ["status": Int(problem.status.code), "reason": reason, "detail": detail]
        var response = render("error", data, identity: identity, request: request, status: problem.status, title: reason)
        for field in problem.headers where field.name != .contentType { response.headers.append(field) }
        return response
    }

    func formatter(_ identity: Identity) -> DisplayFormatter {
        DisplayFormatter(localeIdentifier: identity.user.locale, timeZoneIdentifier: identity.user.timeZone)
    }
}

/// A `303 See Other` after a successful form post, so reloading the page does not post again.
func redirect(_ location: String) -> Response {
    var headers = HTTPFields()
    headers[.location] = location
    return Response(status: .seeOther, headers: headers)
}
