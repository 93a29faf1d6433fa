import CRMCore
import CRMStore

/// The titles of records named by type and id (what notifications and comments point at), read through the
/// permission layer: a record the reader may not see has no title here.
struct RecordTitles {
    private var titles: [RecordType: [Int64: String]] = [:]

    static func load(_ store: Store, _ access: AccessContext, _ records: [(RecordType, Int64)]) async throws -> RecordTitles {
        var result = RecordTitles()
        let grouped = Dictionary(grouping: records, by: \.0).mapValues { $0.map(\.1) }
        for (type, ids) in grouped {
            switch type {
            case .company: result.titles[type] = try await store.companies.many(access, ids).mapValues(\.fields.title)
            case .contact: result.titles[type] = try await store.contacts.many(access, ids).mapValues(\.fields.title)
            case .lead: result.titles[type] = try await store.leads.many(access, ids).mapValues(\.fields.title)
            case .deal: result.titles[type] = try await store.deals.many(access, ids).mapValues(\.fields.title)
            case .activity: result.titles[type] = try await store.activities.many(access, ids).mapValues(\.fields.title)
            default: continue
            }
        }
        return result
    }

    subscript(_ type: RecordType, _ id: Int64) -> String? { titles[type]?[id] }

    /// The page of a record.
    static func path(_ type: RecordType, _ id: Int64) -> String {
        "/\(type.collection ?? "")/\(id)"
    }
}
