public import CRMCore
import Foundation
public import SQLKit

extension CompanyFields: StoredFields {
    public static let recordType = RecordType.company
    public static let table = "companies"
    public static let columns = [
        "name", "legal_name", "tax_id", "industry", "size", "website", "priority", "addresses", "phones", "emails", "tags", "custom",
    ]

    public init(row: any SQLRow) throws {
        self.init(
            name: try row.value("name"),
            legalName: try row.value("legal_name"),
            taxID: try row.value("tax_id"),
            industry: try row.value("industry"),
            size: try row.value("size", as: String?.self).flatMap(CompanySize.init(rawValue:)),
            website: try row.value("website"),
            priority: try row.value("priority", as: String?.self).flatMap(Priority.init(rawValue:)),
            addresses: try row.json("addresses"),
            phones: try row.json("phones"),
            emails: try row.json("emails"),
            tags: try row.json("tags"),
            custom: try PlainJSON.decode(CustomValues.self, from: try row.value("custom"))
        )
    }

    public func columnValues() throws -> [any Encodable & Sendable] {
        [
            name, legalName, taxID, industry, size?.rawValue, website, priority?.rawValue,
            try ColumnJSON.encode(addresses), JSONText.phones(phones), JSONText.emails(emails),
            try ColumnJSON.encode(tags), try JSONText.custom(custom),
        ]
    }

    public var sortKey: String { TextFolding.sortKey(name) }
    public var duplicateName: String? { name }
    public var identifyingColumns: [(column: String, value: String)] { taxID.isEmpty ? [] : [("tax_id", taxID)] }
    public static let referencedBy = [
        (table: "contacts", column: "company_id"), (table: "deals", column: "company_id"), (table: "activities", column: "company_id"),
    ]
    public var references: [(type: RecordType, table: String, id: Int64)] { [] }

    public static func filters(_ query: ListQuery) -> [SQLQueryString] {
        var result: [SQLQueryString] = []
        if let priority = query.priority { result.append("priority = \(bind: priority.rawValue)") }
        return result
    }
}
