import Foundation

/// A web form any website can embed: its submissions become leads with the form's source and campaign, owned by
/// whoever the routing rules pick (or the form's owner when no rule matches), and the visitor is sent on to the
/// thank-you page.
public struct LeadForm: Codable, Sendable, Equatable {
    public var id: Int64
    /// The unguessable part of the public address `/forms/<key>`.
    public var key: String
    public var name: String
    public var source: String
    public var campaign: String
    /// Where a visitor goes after submitting; empty for Clientele's own thank-you page.
    public var redirectURL: String
    public var ownerID: UserID
    public var isActive: Bool
    /// What a visitor must agree to before sending ("I agree to be contacted…"); empty for a form that asks nothing.
    public var consentText: String

    public init(
        id: Int64 = 0,
        key: String = "",
        name: String,
        source: String = "web form",
        campaign: String = "",
        redirectURL: String = "",
        ownerID: UserID,
        isActive: Bool = true,
        consentText: String = ""
    ) {
        self.id = id
        self.key = key
        self.name = name
        self.source = source
        self.campaign = campaign
        self.redirectURL = redirectURL
        self.ownerID = ownerID
        self.isActive = isActive
        self.consentText = consentText
    }

    /// The fields a submission may carry, as the snippet names its inputs.
    public static let inputs = [
        "first_name", "last_name", "email", "phone", "company", "job_title", "country", "region", "industry", "message", "consent",
    ]
    /// The field people cannot see and robots fill in.
    public static let honeypot = "website_url"

    public func validated() throws(ValidationErrors) -> LeadForm {
        var copy = self
        copy.name = name.trimmingWhitespace()
        copy.source = source.trimmingWhitespace()
        copy.campaign = campaign.trimmingWhitespace()
        copy.redirectURL = redirectURL.trimmingWhitespace()
        copy.consentText = consentText.trimmingWhitespace()
        var errors: [ValidationError] = []
        errors += FieldRules.maxLength(["consent_text": copy.consentText], 2000)
        if copy.name.isEmpty { errors.append(ValidationError(field: "name", code: "required", message: "a form needs a name")) }
        errors += FieldRules.maxLength(["name": copy.name, "source": copy.source, "campaign": copy.campaign], 200)
        if !copy.redirectURL.isEmpty {
            let url = URL(string: copy.redirectURL)
            let scheme = url?.scheme?.lowercased()
            if copy.redirectURL.count > 2000 || (scheme != "https" && scheme != "http") || (url?.host ?? "").isEmpty {
                errors.append(ValidationError(field: "redirect_url", code: "invalid_url", message: "must be a full http or https address"))
            }
        }
        guard errors.isEmpty else { throw ValidationErrors(errors) }
        return copy
    }

    /// A submission as a lead: the visitor's values, trimmed and checked as any lead's are.
    public func lead(from values: [String: String], defaultCountryCode: String, at now: Timestamp = .now) throws(ValidationErrors) -> LeadFields {
        var errors: [ValidationError] = []
        var lead = LeadFields(
            firstName: values["first_name"] ?? "",
            lastName: values["last_name"] ?? "",
            companyName: values["company"] ?? "",
            jobTitle: values["job_title"] ?? "",
            industry: values["industry"] ?? "",
            country: values["country"] ?? "",
            region: values["region"] ?? "",
            source: source,
            campaign: campaign,
            behaviours: [.formFilled],
            notes: values["message"] ?? ""
        )
        if let email = values["email"]?.trimmingWhitespace(), !email.isEmpty {
            do throws(ValidationError) { lead.emails = [LabeledEmail(address: try EmailAddress(email))] } catch { errors.append(error.at("email")) }
        }
        if let phone = values["phone"]?.trimmingWhitespace(), !phone.isEmpty {
            do throws(ValidationError) { lead.phones = [LabeledPhone(number: try PhoneNumber(phone, defaultCountryCode: defaultCountryCode))] } catch
            { errors.append(error.at("phone")) }
        }
        // A form that asks for consent takes no details without it, and keeps its words and the moment with the lead.
        if !consentText.isEmpty {
            if ["yes", "on", "1", "true"].contains(values["consent"]?.lowercased() ?? "") {
                lead.consent = LeadConsent(text: consentText, at: now)
            } else {
                errors.append(ValidationError(field: "consent", code: "consent_required", message: "agree to the form's terms to send it"))
            }
        }
        do throws(ValidationErrors) { lead = try lead.validated() } catch { errors += error.errors }
        guard errors.isEmpty else { throw ValidationErrors(errors) }
        return lead
    }
}
