import CRMCore
import CRMStore
import Foundation
import Hummingbird

/// Contacts in and out as vCards: the export any address book reads, and the import of what phones, mail
/// programs and other CRMs export.
struct VCardController {
    let store: Store
    let settings: Dependencies.Settings

    func addRoutes(to group: RouterGroup<AppContext>) {
        group.get("contacts/export.vcf", use: export)
        group.post("contacts/import.vcf", use: importCards)
    }

    /// The contacts the caller may see that match the list filters, as one vCard 3.0 file.
    @Sendable func export(_ request: Request, context: AppContext) async throws -> Response {
        let identity = try context.require(.export)
        var query = try RecordController<ContactFields>.exportQuery(
            request,
            fields: try await store.contacts.customFields(),
            defaultCountryCode: settings.defaultCountryCode
        )
        var text = ""
        repeat {
            let page = try await store.contacts.list(identity.access, query)
            let companies = try await store.companies.many(identity.access, page.items.compactMap { $0.fields.companyID?.rawValue })
            text += VCardWriter.write(page.items.map { ($0.fields, $0.fields.companyID.flatMap { companies[$0.rawValue]?.fields.name }) })
            query.cursor = page.nextCursor
        } while query.cursor != nil
        return RecordController<ContactFields>.attachment(text, type: "text/vcard", filename: "contacts.vcf")
    }

    /// Creates a contact for every card in the body, all or none; `dry_run=true` only reports. Each card's
    /// likely duplicates and what could not be kept are reported; a card's organisation links it to the
    /// company of that name when the caller sees exactly one.
    @Sendable func importCards(_ request: Request, context: AppContext) async throws -> Response {
        let identity = try context.requireIdentity()
        var parameters = QueryParameters(request.queryDictionary, allowed: ["dry_run"])
        let dryRun = parameters.bool("dry_run") ?? false
        try parameters.finish()
        let body = try await JSONInput.body(request, context: context)
        let people: [VCardPerson]
        do { people = try VCardReader.read(Data(body.readableBytesView)) } catch {
            throw APIError.invalid([error])
        }
        var rows: [ContactFields] = []
        var reports: [JSONValue] = []
        for person in people {
            var (fields, warnings) = person.contactFields(defaultCountryCode: settings.defaultCountryCode)
            if !person.organization.isEmpty {
                let companies = try await store.companies.duplicates(identity.access, of: CompanyFields(name: person.organization))
                if companies.count == 1 {
                    fields.companyID = CompanyID(companies[0].meta.id)
                } else {
                    warnings.append(
                        "organisation \(person.organization): \(companies.isEmpty ? "no such company" : "several companies have this name"); not linked"
                    )
                }
            }
            let similar = try await store.contacts.duplicates(identity.access, of: fields)
            rows.append(fields)
            reports.append(
                .object([
                    "line": .int(Int64(person.line)), "name": .string(fields.displayName),
                    "warnings": .array(warnings.map(JSONValue.string)), "duplicates": .array(similar.map { JSONValue.int($0.meta.id) }),
                ])
            )
        }
        var ids: [Int64] = []
        if dryRun {
            for (index, fields) in rows.enumerated() {
                do throws(ValidationErrors) { _ = try fields.validated() } catch {
                    throw APIError.invalid(
                        error.errors.map {
                            ValidationError(field: "cards[\(index)]" + ($0.field.map { ".\($0)" } ?? ""), code: $0.code, message: $0.message)
                        }
                    )
                }
            }
        } else {
            do { ids = try await store.contacts.importMany(identity.access, rows) } catch StoreError.invalid(let errors) {
                throw APIError.invalid(
                    errors.errors.map {
                        ValidationError(field: $0.field?.replacingOccurrences(of: "rows[", with: "cards["), code: $0.code, message: $0.message)
                    }
                )
            }
        }
        return JSONResponse.ok(
            .object([
                "dry_run": .bool(dryRun), "cards": .int(Int64(people.count)), "created": .array(ids.map(JSONValue.int)), "report": .array(reports),
            ]),
            status: dryRun ? .ok : .created
        )
    }
}
