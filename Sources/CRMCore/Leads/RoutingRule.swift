/// Who a new lead goes to. Rules are tried in order; the first whose conditions the lead meets picks the owner.
/// Empty conditions match any lead, so a last rule without conditions catches the rest.
public struct RoutingRule: Codable, Sendable, Equatable {
    public enum Method: String, Codable, Sendable, CaseIterable {
        /// Always the rule's user: a territory's own rep.
        case user
        /// The team's active members in turn.
        case roundRobin = "round_robin"
        /// The team's active member with the fewest open leads.
        case leastLoaded = "least_loaded"
    }

    /// Conditions: territory (country, then region within it) and source.
    public var country: String
    public var region: String
    public var source: String
    public var method: Method
    public var userID: UserID?
    public var teamID: TeamID?

    public init(country: String = "", region: String = "", source: String = "", method: Method, userID: UserID? = nil, teamID: TeamID? = nil) {
        self.country = country
        self.region = region
        self.source = source
        self.method = method
        self.userID = userID
        self.teamID = teamID
    }

    public func validated(at index: Int) throws(ValidationErrors) -> RoutingRule {
        var copy = self
        copy.country = country.trimmingWhitespace().uppercased()
        copy.region = region.trimmingWhitespace()
        copy.source = source.trimmingWhitespace()
        var errors: [ValidationError] = []
        if let error = FieldRules.country(copy.country) { errors.append(error.at("rules[\(index)].country")) }
        switch method {
        case .user where userID == nil:
            errors.append(ValidationError(field: "rules[\(index)].user_id", code: "required", message: "say which user gets these leads"))
        case .roundRobin where teamID == nil, .leastLoaded where teamID == nil:
            errors.append(ValidationError(field: "rules[\(index)].team_id", code: "required", message: "say which team shares these leads"))
        default: break
        }
        if method == .user { copy.teamID = nil } else { copy.userID = nil }
        guard errors.isEmpty else { throw ValidationErrors(errors) }
        return copy
    }

    public func matches(_ lead: LeadFields) -> Bool {
        (country.isEmpty || country == lead.country)
            && (region.isEmpty || TextFolding.fold(region) == TextFolding.fold(lead.region))
            && (source.isEmpty || TextFolding.fold(source) == TextFolding.fold(lead.source))
    }

    /// The next member in turn after `last` (members in id order, wrapping round); the first when no one had one yet.
    public static func nextInTurn(_ members: [UserID], after last: UserID?) -> UserID? {
        let sorted = members.sorted()
        guard let last else { return sorted.first }
        return sorted.first { $0 > last } ?? sorted.first
    }

    /// The member with the fewest open leads; ties go to the lowest id, so the choice is the same on every node.
    public static func leastLoaded(_ loads: [UserID: Int]) -> UserID? {
        loads.min { ($0.value, $0.key) < ($1.value, $1.key) }?.key
    }
}
