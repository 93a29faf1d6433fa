import CRMCore

extension RecordType {
    /// The URL collection of a record type's list and pages (`companies`), from its fields' resource.
    var collection: String? {
        switch self {
        case .company: CompanyFields.collection
        case .contact: ContactFields.collection
        case .lead: LeadFields.collection
        case .deal: DealFields.collection
        case .activity: ActivityFields.collection
        default: nil
        }
    }

    /// The filters its list takes beyond the common ones.
    var listParameters: Set<String> {
        switch self {
        case .company: CompanyFields.listParameters
        case .contact: ContactFields.listParameters
        case .lead: LeadFields.listParameters
        case .deal: DealFields.listParameters
        case .activity: ActivityFields.listParameters
        default: []
        }
    }
}

extension Set<RecordType> {
    /// These types with their URL collections, in a stable order: for routes added once per record type.
    var collections: [(type: RecordType, collection: String)] {
        sorted { $0.rawValue < $1.rawValue }.compactMap { type in type.collection.map { (type, $0) } }
    }
}
