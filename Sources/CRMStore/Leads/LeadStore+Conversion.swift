public import CRMCore
import Foundation
import SQLKit

extension LeadStore {
    /// Converts a lead, all in one transaction: a contact from its person, attached to an existing company the
    /// context may see or to a new one made from the lead (or to none), optionally a deal in the first stage of a
    /// pipeline with the contact on it, and the lead marked converted with links to each. The new records belong
    /// to the lead's owner and team.
    ///
    /// - Parameter allowDuplicates: a new company or contact that looks like an existing one is refused with
    ///   `possibleDuplicates` (choose the existing company instead) unless this is true.
    public func convert(
        _ context: AccessContext,
        _ id: Int64,
        expectedVersion: Int64?,
        _ conversion: LeadConversion,
        allowDuplicates: Bool = false,
        at now: Timestamp = .now
    ) async throws -> Lead {
        let engine = database.engine
        return try await database.write { db in
            let lead = try await RecordStore<LeadFields>.fetch(db, context, id, includeDeleted: false, lock: true)
            if let expectedVersion, lead.meta.version != expectedVersion { throw StoreError.versionMismatch(current: lead.meta.version) }
            guard lead.fields.conversion == nil else {
                throw StoreError.conflict(code: "already_converted", message: "this lead was converted already")
            }
            func assignment<Fields>(_: Fields.Type) -> RecordStore<Fields>.Assignment {
                RecordStore<Fields>.Assignment(owner: lead.meta.ownerID, team: .some(lead.meta.teamID))
            }
            var companyID: CompanyID?
            switch conversion.company {
            case .existing(let existing):
                _ = try await RecordStore<CompanyFields>.fetch(db, context, existing.rawValue, includeDeleted: false, lock: false)
                companyID = existing
            case .create:
                guard !lead.fields.companyName.isEmpty else {
                    throw StoreError.invalid(
                        .init([
                            ValidationError(
                                field: "company",
                                code: "no_company_name",
                                message: "the lead names no company; choose an existing one or none"
                            )
                        ])
                    )
                }
                let company = try RecordStore<CompanyFields>.validated(lead.fields.companyFields)
                if !allowDuplicates {
                    let similar = try await RecordStore<CompanyFields>.duplicates(db, context, of: company, excluding: nil, engine: engine)
                    guard similar.isEmpty else { throw StoreError.possibleDuplicates(.company, similar.map(\.meta.id)) }
                }
                companyID = CompanyID(try await RecordStore<CompanyFields>.insert(db, context, company, assignment: assignment(CompanyFields.self)))
            case .none:
                break
            }
            let contactID: ContactID
            if let existing = conversion.existingContact {
                // Only a contact the converter may see; the lead's details stay on the lead.
                contactID = try await RecordStore<ContactFields>.fetch(db, context, existing.rawValue, includeDeleted: false, lock: false).id
            } else {
                let contact = try RecordStore<ContactFields>.validated(lead.fields.contactFields(company: companyID))
                if !allowDuplicates {
                    let similar = try await RecordStore<ContactFields>.duplicates(db, context, of: contact, excluding: nil, engine: engine)
                    guard similar.isEmpty else { throw StoreError.possibleDuplicates(.contact, similar.map(\.meta.id)) }
                }
                contactID = ContactID(try await RecordStore<ContactFields>.insert(db, context, contact, assignment: assignment(ContactFields.self)))
            }
            var dealID: DealID?
            if let wanted = conversion.deal {
                let pipeline = try await PipelineStore.fetch(db, wanted.pipelineID)
                guard let first = pipeline.stages.min(by: { $0.position < $1.position }) else {
                    throw StoreError.invalid(
                        .init([ValidationError(field: "deal.pipeline_id", code: "no_stages", message: "\(pipeline.name) has no stages")])
                    )
                }
                let amount = wanted.amount ?? Money(minorUnits: 0, currency: pipeline.currency)
                let deal = try RecordStore<DealFields>.validated(
                    DealFields(
                        title: wanted.title.isEmpty ? lead.fields.dealTitle : wanted.title,
                        companyID: companyID,
                        pipelineID: pipeline.id,
                        stageID: first.id,
                        amount: amount,
                        source: lead.fields.source,
                        tags: lead.fields.tags
                    )
                )
                dealID = DealID(try await RecordStore<DealFields>.insert(db, context, deal, assignment: assignment(DealFields.self)))
                try await db.raw(
                    "INSERT INTO deal_contacts (deal_id, contact_id, role) VALUES (\(bind: dealID!.rawValue), \(bind: contactID.rawValue), '')"
                ).run()
            }
            // What was done with the lead shows on the customer it became, and stays on the lead.
            try await db.raw(
                """
                UPDATE activities SET contact_id = COALESCE(contact_id, \(bind: contactID.rawValue)), company_id = COALESCE(company_id, \(bind: companyID?.rawValue)),
                deal_id = COALESCE(deal_id, \(bind: dealID?.rawValue)), version = version + 1, updated_at = \(bind: now.rawValue)
                WHERE lead_id = \(bind: id)
                """
            ).run()
            var converted = lead.fields
            converted.status = .converted
            converted.conversion = LeadConversionResult(contactID: contactID, companyID: companyID, dealID: dealID, at: now)
            return try await RecordStore<LeadFields>.rewrite(
                db,
                context,
                lead,
                try RecordStore<LeadFields>.validated(converted),
                assignment: .init(),
                action: .convert
            )
        }
    }

    /// The lead a contact, company or deal was converted from, if any and visible.
    public func source(_ context: AccessContext, of type: RecordType, _ id: Int64) async throws -> Lead? {
        let column: SQLQueryString =
            switch type {
            case .contact: "converted_contact_id"
            case .company: "converted_company_id"
            case .deal: "converted_deal_id"
            default: throw StoreError.notFound(type)
            }
        return try await database.read { db in
            try await db.raw("SELECT * FROM leads WHERE \(column) = \(bind: id) AND \(AccessPredicate.sql(context.visibility)) ORDER BY id LIMIT 1")
                .first().map(RecordStore<LeadFields>.decode)
        }
    }
}
