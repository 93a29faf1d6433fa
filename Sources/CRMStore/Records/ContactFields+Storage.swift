public import CRMCore
import Foundation
public import SQLKit

extension ContactFields: StoredFields {
    public static let recordType = RecordType.contact
    public static let table = "contacts"
    public static let columns = [
        "first_name", "middle_name", "last_name", "name_order", "job_title", "company_id", "phones", "emails", "tags", "custom",
    ]

    public init(row: any SQLRow) throws {
        self.init(
            firstName: try row.value("first_name"),
            middleName: try row.value("middle_name"),
            lastName: try row.value("last_name"),
            nameOrder: NameOrder(rawValue: try row.value("name_order")) ?? .givenFirst,
            jobTitle: try row.value("job_title"),
            companyID: try row.value("company_id", as: Int64?.self).map { CompanyID($0) },
            phones: try row.json("phones"),
            emails: try row.json("emails"),
            tags: try row.json("tags"),
            custom: try PlainJSON.decode(CustomValues.self, from: try row.value("custom"))
        )
    }

    public func columnValues() throws -> [any Encodable & Sendable] {
        [
            firstName, middleName, lastName, nameOrder.rawValue, jobTitle, companyID?.rawValue,
            JSONText.phones(phones), JSONText.emails(emails), try ColumnJSON.encode(tags), try JSONText.custom(custom),
        ]
    }

    public var sortKey: String { sortName }
    public var duplicateName: String? { [firstName, middleName, lastName].joined(separator: " ") }
    public static let referencedBy = [(table: "activities", column: "contact_id")]

    public var references: [(type: RecordType, table: String, id: Int64)] {
        companyID.map { [(RecordType.company, CompanyFields.table, $0.rawValue)] } ?? []
    }

    public static func filters(_ query: ListQuery) -> [SQLQueryString] {
        var result: [SQLQueryString] = []
        if let company = query.companyID { result.append("company_id = \(bind: company.rawValue)") }
        return result
    }
}
