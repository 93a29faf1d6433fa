import Foundation

/// The bound record as conditions read it (`${record.amount > 10000}`, `=record.priority = "A"`): plain values
/// named as the API names them, so a modeler writes what they see in the JSON.
public enum RecordVariables {
    public static func deal(_ deal: Deal, pipeline: Pipeline?, owner: String) -> ProcessValue {
        let fields = deal.fields
        let stage = pipeline?.stages.first { $0.id == fields.stageID }
        let amount = Decimal(string: fields.amount.decimalString) ?? 0
        let closeDate: ProcessValue = fields.expectedCloseDate.map { .string($0.description) } ?? .null
        let category: ProcessValue = fields.forecastCategory.map { .string($0.rawValue) } ?? .null
        let company: ProcessValue = fields.companyID.map { ProcessValue(Int($0.rawValue)) } ?? .null
        let own: [String: ProcessValue] = [
            "title": .string(fields.title),
            "amount": .number(amount),
            "currency": .string(fields.amount.currency.code),
            "pipeline": .string(pipeline?.name ?? ""),
            "stage": .string(stage?.name ?? ""),
            "probability": ProcessValue(stage?.probability ?? 0),
            "status": .string(fields.status.rawValue),
            "source": .string(fields.source),
            "forecast_category": category,
            "expected_close_date": closeDate,
            "company_id": company,
            "tags": .list(fields.tags.map(ProcessValue.string)),
        ]
        return .object(common(deal.meta, owner: owner).merging(own) { _, field in field })
    }

    public static func company(_ company: Company, owner: String) -> ProcessValue {
        let fields = company.fields
        let address = fields.addresses.first
        let size: ProcessValue = fields.size.map { .string($0.rawValue) } ?? .null
        let priority: ProcessValue = fields.priority.map { .string($0.rawValue) } ?? .null
        let own: [String: ProcessValue] = [
            "name": .string(fields.name),
            "legal_name": .string(fields.legalName),
            "tax_id": .string(fields.taxID),
            "industry": .string(fields.industry),
            "size": size,
            "website": .string(fields.website),
            "priority": priority,
            "city": .string(address?.city ?? ""),
            "country": .string(address?.country ?? ""),
            "email": .string(fields.emails.first?.address.value ?? ""),
            "phone": .string(fields.phones.first?.number.e164 ?? ""),
            "tags": .list(fields.tags.map(ProcessValue.string)),
        ]
        return .object(common(company.meta, owner: owner).merging(own) { _, field in field })
    }

    public static func contact(_ contact: Contact, owner: String) -> ProcessValue {
        let fields = contact.fields
        let company: ProcessValue = fields.companyID.map { ProcessValue(Int($0.rawValue)) } ?? .null
        let own: [String: ProcessValue] = [
            "first_name": .string(fields.firstName),
            "middle_name": .string(fields.middleName),
            "last_name": .string(fields.lastName),
            "job_title": .string(fields.jobTitle),
            "company_id": company,
            "email": .string(fields.emails.first?.address.value ?? ""),
            "phone": .string(fields.phones.first?.number.e164 ?? ""),
            "tags": .list(fields.tags.map(ProcessValue.string)),
        ]
        return .object(common(contact.meta, owner: owner).merging(own) { _, field in field })
    }

    public static func lead(_ lead: Lead, owner: String) -> ProcessValue {
        let fields = lead.fields
        let own: [String: ProcessValue] = [
            "first_name": .string(fields.firstName),
            "last_name": .string(fields.lastName),
            "company_name": .string(fields.companyName),
            "job_title": .string(fields.jobTitle),
            "email": .string(fields.emails.first?.address.value ?? ""),
            "phone": .string(fields.phones.first?.number.e164 ?? ""),
            "industry": .string(fields.industry),
            "country": .string(fields.country),
            "region": .string(fields.region),
            "source": .string(fields.source),
            "campaign": .string(fields.campaign),
            "status": .string(fields.status.rawValue),
            "score": ProcessValue(fields.score.total),
            "tags": .list(fields.tags.map(ProcessValue.string)),
        ]
        return .object(common(lead.meta, owner: owner).merging(own) { _, field in field })
    }

    static func common(_ meta: RecordMeta, owner: String) -> [String: ProcessValue] {
        let team: ProcessValue = meta.teamID.map { ProcessValue(Int($0.rawValue)) } ?? .null
        return [
            "id": ProcessValue(Int(meta.id)),
            "owner": .string(owner),
            "owner_id": ProcessValue(Int(meta.ownerID.rawValue)),
            "team_id": team,
        ]
    }
}
