import CRMCore
import CRMStore
import Foundation
import HTTPTypes
import Hummingbird

/// The public end of lead web forms: `POST /forms/<key>` takes a submission from any website (no session, no
/// CSRF token: other sites post here on purpose), and `GET /forms/<key>/thanks` is the thank-you page of forms
/// without their own.
struct WebFormPages {
    let store: Store
    let pages: PageRenderer
    let settings: Dependencies.Settings

    func addRoutes(to router: Router<AppContext>) {
        router.post("forms/:key", use: submit)
        router.get("forms/:key/thanks", use: thanks)
    }

    @Sendable func submit(_ request: Request, context: AppContext) async throws -> Response {
        let key = context.parameters.get("key") ?? ""
        let form = try await FormInput(unprotected: request, context: context)
        let values = Dictionary(uniqueKeysWithValues: (LeadForm.inputs + [LeadForm.honeypot]).map { ($0, form[$0]) })
        let address = AuthPages.clientAddress(request, context, settings)
        do {
            let capture = try await store.leadWork.capture(
                key: key,
                values: values,
                address: address,
                defaultCountryCode: settings.defaultCountryCode
            )
            let target = capture.redirectURL.isEmpty ? "/forms/\(key)/thanks" : capture.redirectURL
            return Response(status: .seeOther, headers: [.location: target])
        } catch StoreError.invalid(let errors) {
            return result(request, status: .unprocessableContent, heading: "form_invalid", errors: errors.errors)
        } catch StoreError.rateLimited(let seconds) {
            var response = result(request, status: .tooManyRequests, heading: "form_rate_limited", errors: [])
            response.headers[.retryAfter] = String(seconds)
            return response
        }
    }

    @Sendable func thanks(_ request: Request, context: AppContext) async throws -> Response {
        _ = try await store.leadWork.form(key: context.parameters.get("key") ?? "")
        return result(request, status: .ok, heading: "form_thanks", errors: [])
    }

    private func result(_ request: Request, status: HTTPResponse.Status, heading: String, errors: [ValidationError]) -> Response {
        let t = pages.strings(PageRenderer.language(identity: nil, request: request))
        let data: [String: Any] = [
            "heading": t[heading] ?? heading, "failed": status != .ok,
            "errors": errors.map { ["field": t["field_\($0.field ?? "")"] ?? $0.field ?? "", "message": t["error_\($0.code)"] ?? $0.message] },
        ]
        return pages.render("form_result", data, identity: nil, request: request, status: status, title: t[heading])
    }

    /// Where this Clientele is reached from outside, for the form's `action`: the address the admin's browser used.
    static func origin(_ request: Request, settings: Dependencies.Settings) -> String {
        let host = request.head.authority ?? "localhost"
        let scheme = request.headers[HTTPField.Name("X-Forwarded-Proto")!] ?? (settings.secureCookies ? "https" : "http")
        return "\(scheme)://\(host)"
    }

    /// The HTML a website pastes to embed the form, labelled in the admin's language (`t`; English without one):
    /// plain inputs any stylesheet can dress, and a honeypot field kept off-screen (not `display: none`, which some
    /// robots skip) that people leave empty and robots fill in.
    static func snippet(_ form: LeadForm, origin: String, t: [String: String] = [:]) -> String {
        func escaped(_ text: String) -> String {
            text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
        }
        func label(_ key: String, _ english: String) -> String { escaped(t[key] ?? english) }
        let fields = [
            ("first_name", label("field_first_name", "First name"), "text", "given-name"),
            ("last_name", label("field_last_name", "Last name"), "text", "family-name"),
            ("email", label("field_email", "E-mail"), "email", "email"), ("phone", label("field_phone", "Phone"), "tel", "tel"),
            ("company", label("field_company", "Company"), "text", "organization"),
            ("job_title", label("field_job_title", "Job title"), "text", "organization-title"),
            ("country", label("form_country_code", "Country (two letters)"), "text", "country"),
        ]
        let inputs = fields.map { name, text, type, autocomplete in
            "  <p><label>\(text)<br><input name=\"\(name)\" type=\"\(type)\" autocomplete=\"\(autocomplete)\" maxlength=\"200\"></label></p>"
        }
        return
            ([
                "<form action=\"\(origin)/forms/\(form.key)\" method=\"post\" accept-charset=\"utf-8\">"
            ] + inputs + [
                "  <p><label>\(label("field_message", "Message"))<br><textarea name=\"message\" rows=\"4\" maxlength=\"5000\"></textarea></label></p>"
            ]
            + (form.consentText.isEmpty
                ? []
                : [
                    "  <p><label><input type=\"checkbox\" name=\"consent\" value=\"yes\" required> \(escaped(form.consentText))</label></p>"
                ]) + [
                "  <div style=\"position:absolute;left:-10000px\" aria-hidden=\"true\"><label>\(label("form_leave_empty", "Leave this empty")) <input name=\"\(LeadForm.honeypot)\" tabindex=\"-1\" autocomplete=\"off\"></label></div>",
                "  <p><button type=\"submit\">\(label("form_send", "Send"))</button></p>",
                "</form>",
            ]).joined(separator: "\n")
    }
}
