/// How a list of records is filtered, sorted and paged. The same query drives list pages, the API and exports.
public struct ListQuery: Sendable, Equatable {
    public enum Deleted: String, Sendable, CaseIterable {
        case exclude, only, include
    }

    public var search: String?
    public var tag: String?
    public var ownerID: UserID?
    public var teamID: TeamID?
    public var priority: Priority?
    public var companyID: CompanyID?
    public var pipelineID: PipelineID?
    public var stageID: StageID?
    public var status: DealStatus?
    public var leadStatus: LeadStatus?
    public var minimumScore: Int?
    public var dealID: DealID?
    public var contactID: ContactID?
    public var activityKind: ActivityKind?
    public var isDone: Bool?
    public var deleted: Deleted
    public var sort: Sort
    public var limit: Int
    public var cursor: Cursor?

    public static let maxLimit = 200

    public init(
        search: String? = nil, tag: String? = nil, ownerID: UserID? = nil, teamID: TeamID? = nil,
        priority: Priority? = nil, companyID: CompanyID? = nil, deleted: Deleted = .exclude,
        sort: Sort = Sort(field: .name), limit: Int = 50, cursor: Cursor? = nil
    ) {
        self.search = search
        self.tag = tag
        self.ownerID = ownerID
        self.teamID = teamID
        self.priority = priority
        self.companyID = companyID
        self.deleted = deleted
        self.sort = sort
        self.limit = limit
        self.cursor = cursor
    }
}

/// A sort order: a field and a direction, written `name` or `-name` in URLs.
public struct Sort: Sendable, Equatable {
    public enum Field: String, Sendable, CaseIterable {
        case name
        case createdAt = "created_at"
        case updatedAt = "updated_at"
    }

    public var field: Field
    public var descending: Bool

    public init(field: Field, descending: Bool = false) {
        self.field = field
        self.descending = descending
    }

    public init(parsing text: String) throws(ValidationError) {
        let descending = text.hasPrefix("-")
        guard let field = Field(rawValue: String(text.drop { $0 == "-" })) else {
            let allowed = Field.allCases.map(\.rawValue).joined(separator: ", ")
            throw ValidationError(field: "sort", code: "invalid_sort", message: "sort by one of \(allowed), with - for descending")
        }
        self.init(field: field, descending: descending)
    }

    public var text: String { (descending ? "-" : "") + field.rawValue }
}

/// One page of results and where the next page starts.
public struct Page<Item: Sendable>: Sendable {
    public var items: [Item]
    public var nextCursor: Cursor?

    public init(items: [Item], nextCursor: Cursor?) {
        self.items = items
        self.nextCursor = nextCursor
    }
}
