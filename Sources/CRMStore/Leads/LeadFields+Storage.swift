public import CRMCore
import Foundation
public import SQLKit

extension LeadFields: StoredFields {
    public static let recordType = RecordType.lead
    public static let table = "leads"
    public static let columns = [
        "first_name", "last_name", "company_name", "job_title", "phones", "emails", "industry", "company_size", "country",
        "region", "source", "campaign", "status", "behaviours", "notes", "tags", "score", "score_reasons",
        "converted_contact_id", "converted_company_id", "converted_deal_id", "converted_at", "consent_text", "consent_at", "custom",
    ]

    public init(row: any SQLRow) throws {
        let contact = try row.value("converted_contact_id", as: Int64?.self)
        self.init(
            firstName: try row.value("first_name"),
            lastName: try row.value("last_name"),
            companyName: try row.value("company_name"),
            jobTitle: try row.value("job_title"),
            phones: try row.json("phones"),
            emails: try row.json("emails"),
            industry: try row.value("industry"),
            companySize: try row.value("company_size", as: String?.self).flatMap(CompanySize.init(rawValue:)),
            country: try row.value("country"),
            region: try row.value("region"),
            source: try row.value("source"),
            campaign: try row.value("campaign"),
            status: LeadStatus(rawValue: try row.value("status")) ?? .new,
            behaviours: try row.json("behaviours"),
            notes: try row.value("notes"),
            tags: try row.json("tags"),
            score: LeadScore(total: try row.value("score"), reasons: try row.json("score_reasons")),
            conversion: try contact.map { contact in
                LeadConversionResult(
                    contactID: ContactID(contact),
                    companyID: try row.value("converted_company_id", as: Int64?.self).map { CompanyID($0) },
                    dealID: try row.value("converted_deal_id", as: Int64?.self).map { DealID($0) },
                    at: Timestamp(rawValue: try row.value("converted_at"))
                )
            },
            consent: try row.value("consent_at", as: Int64?.self).map {
                LeadConsent(text: try row.value("consent_text", as: String?.self) ?? "", at: Timestamp(rawValue: $0))
            },
            custom: try PlainJSON.decode(CustomValues.self, from: try row.value("custom"))
        )
    }

    public func columnValues() throws -> [any Encodable & Sendable] {
        [
            firstName, lastName, companyName, jobTitle, JSONText.phones(phones), JSONText.emails(emails), industry,
            companySize?.rawValue, country, region, source, campaign, status.rawValue, try ColumnJSON.encode(behaviours), notes,
            try ColumnJSON.encode(tags), score.total, try ColumnJSON.encode(score.reasons),
            conversion?.contactID.rawValue, conversion?.companyID?.rawValue, conversion?.dealID?.rawValue, conversion?.at.rawValue,
            consent?.text, consent?.at.rawValue, try JSONText.custom(custom),
        ]
    }

    public var sortKey: String { TextFolding.sortKey(lastName.isEmpty ? displayName : [lastName, firstName].joined(separator: " ")) }
    public var duplicateName: String? { displayName.isEmpty ? nil : displayName }
    public var references: [(type: RecordType, table: String, id: Int64)] { [] }
    public static let referencedBy = [(table: "activities", column: "lead_id")]

    public static func filters(_ query: ListQuery) -> [SQLQueryString] {
        var result: [SQLQueryString] = []
        if let status = query.leadStatus { result.append("status = \(bind: status.rawValue)") }
        if let score = query.minimumScore { result.append("score >= \(bind: score)") }
        return result
    }

    /// Scores the lead by the rules in force. The links to what a converted lead became are written only by
    /// converting (which starts from the stored lead), so no edit can change them.
    public static func willWrite(_ db: any SQLDatabase, _ context: AccessContext, old: LeadFields?, new: LeadFields) async throws -> LeadFields {
        var lead = new
        lead.score = LeadScore(lead, rules: try await LeadRules.scoring(db))
        return lead
    }

    public static func willInsert(_ db: any SQLDatabase, _ context: AccessContext, _ batch: [LeadFields]) async throws -> [LeadFields] {
        let rules = try await LeadRules.scoring(db)
        return batch.map { lead in
            var scored = lead
            scored.score = LeadScore(lead, rules: rules)
            return scored
        }
    }

    public static func route(_ db: any SQLDatabase, _ batch: [LeadFields]) async throws -> [(owner: UserID, team: TeamID?)?] {
        try await LeadRules.route(db, batch)
    }
}
