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
    /// Conditions on custom fields, all of which a record meets.
    public var custom: [CustomFilter] = []
    public var dealID: DealID?
    public var contactID: ContactID?
    public var leadID: LeadID?
    public var activityKind: ActivityKind?
    public var isDone: Bool?
    public var deleted: Deleted
    public var sort: Sort
    public var limit: Int
    public var cursor: Cursor?

    public static let maxLimit = 200

    public init(
        search: String? = nil,
        tag: String? = nil,
        ownerID: UserID? = nil,
        teamID: TeamID? = nil,
        priority: Priority? = nil,
        companyID: CompanyID? = nil,
        deleted: Deleted = .exclude,
        sort: Sort = Sort(field: .name),
        limit: Int = 50,
        cursor: Cursor? = nil
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

/// A condition on a custom field: its value equals one of these (any option of a multiple choice counts), or
/// lies at or above, or at or below, a bound (numbers, money, dates, times).
public struct CustomFilter: Sendable, Equatable {
    public enum Match: Sendable, Equatable {
        case equals(CustomValue)
        case atLeast(CustomValue)
        case atMost(CustomValue)
    }

    public var key: String
    public var match: Match

    public init(key: String, match: Match) {
        self.key = key
        self.match = match
    }
}

/// A sort order: a field and a direction, written `name` or `-name` in URLs; `cf.<key>` sorts by a custom field.
public struct Sort: Sendable, Equatable {
    public enum Field: String, Sendable, CaseIterable {
        case name
        case createdAt = "created_at"
        case updatedAt = "updated_at"
        /// Leads only: hottest first with `-score`.
        case score
    }

    public var field: Field
    public var descending: Bool
    /// A custom field to sort by instead of `field`, and whether it sorts as a number (numbers, money, times).
    public var custom: (key: String, numeric: Bool)?

    public init(field: Field, descending: Bool = false) {
        self.field = field
        self.descending = descending
    }

    public init(custom key: String, numeric: Bool, descending: Bool = false) {
        self.init(field: .name, descending: descending)
        self.custom = (key, numeric)
    }

    public static func == (lhs: Sort, rhs: Sort) -> Bool {
        lhs.text == rhs.text && lhs.custom?.numeric == rhs.custom?.numeric
    }

    public init(parsing text: String) throws(ValidationError) {
        let descending = text.hasPrefix("-")
        guard let field = Field(rawValue: String(text.drop { $0 == "-" })) else {
            let allowed = Field.allCases.map(\.rawValue).joined(separator: ", ")
            throw ValidationError(field: "sort", code: "invalid_sort", message: "sort by one of \(allowed), with - for descending")
        }
        self.init(field: field, descending: descending)
    }

    public var text: String { (descending ? "-" : "") + (custom.map { "cf.\($0.key)" } ?? field.rawValue) }
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
