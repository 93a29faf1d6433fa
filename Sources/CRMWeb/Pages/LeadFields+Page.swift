import CRMCore
import Foundation

extension LeadFields: PageResource {
    static let pageKey = "lead"
    static let routable = true
    static let sorts = ["-score", "name", "-name", "-created_at", "-updated_at"]
    var title: String { displayName }

    mutating func apply(form: FormInput, context: FormContext) -> [ValidationError] {
        var errors: [ValidationError] = []
        firstName = form["first_name"]
        lastName = form["last_name"]
        companyName = form["company_name"]
        jobTitle = form["job_title"]
        phones = FormFields.phones(form["phones"], keeping: phones, defaultCountryCode: context.defaultCountryCode, errors: &errors)
        emails = FormFields.emails(form["emails"], keeping: emails, errors: &errors)
        industry = form["industry"]
        companySize = CompanySize(rawValue: form["company_size"])
        country = form["country"]
        region = form["region"]
        source = form["source"]
        campaign = form["campaign"]
        // A converted lead's status is not the form's to change; the store keeps it.
        if let chosen = LeadStatus(rawValue: form["status"]), chosen != .converted { status = chosen }
        behaviours = form.all("behaviours").compactMap(LeadBehaviour.init(rawValue:))
        notes = form["notes"]
        tags = FormFields.tags(form["tags"])
        return errors
    }

    func formValues(_ context: FormContext) -> [String: Any] {
        [
            "first_name": firstName, "last_name": lastName, "company_name": companyName, "job_title": jobTitle,
            "phones": phones.map(\.number.international).joined(separator: "\n"), "emails": emails.map(\.address.value).joined(separator: "\n"),
            "industry": industry, "country": country, "region": region, "source": source, "campaign": campaign, "notes": notes,
            "tags": tags.joined(separator: ", "),
            "sizes": CompanySize.allCases.map { ["value": $0.rawValue, "selected": $0 == companySize] },
            // Each option carries a `status_<value>` or `behaviour_<value>` flag, by which a partial picks its label.
            "statuses": LeadStatus.allCases.filter { $0 != .converted }.map {
                ["value": $0.rawValue, "status_\($0.rawValue)": true, "selected": $0 == status]
            },
            "converted": status == .converted,
            "behaviour_choices": LeadBehaviour.allCases.map {
                ["value": $0.rawValue, "behaviour_\($0.rawValue)": true, "checked": behaviours.contains($0)]
            },
        ]
    }

    static func listFilters(_ query: ListQuery, _ t: [String: String]) -> [String: Any] {
        [
            "lead_filters": true, "min_score": query.minimumScore.map(String.init) ?? "",
            "lead_statuses": LeadStatus.allCases.map {
                ["value": $0.rawValue, "label": t["lead_status_\($0.rawValue)"] ?? $0.rawValue, "selected": $0 == query.leadStatus]
            },
        ]
    }

    var listColumns: [String: Any] {
        [
            "company_name": companyName, "status_\(status.rawValue)": true, "score": score.total, "source": source,
            "email": emails.first?.address.value ?? "", "phone": phones.first?.number.international ?? "", "country": country, "tags": tags,
        ]
    }
}
