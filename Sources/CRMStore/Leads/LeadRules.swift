import CRMCore
import SQLKit

/// The admins' scoring and routing rules as they are read inside a write, so a lead is scored and routed by the
/// rules in force when it is written.
enum LeadRules {
    static func scoring(_ db: any SQLDatabase) async throws -> [ScoringRule] {
        try await db.raw("SELECT attribute, value, points FROM lead_scoring_rules ORDER BY position").all().compactMap { row in
            guard let attribute = ScoringRule.Attribute(rawValue: try row.value("attribute")) else { return nil }
            return ScoringRule(attribute: attribute, value: try row.value("value"), points: try row.value("points"))
        }
    }

    static func routing(_ db: any SQLDatabase) async throws -> [(id: Int64, rule: RoutingRule)] {
        try await db.raw("SELECT * FROM lead_routing_rules ORDER BY position").all().compactMap { row in
            guard let method = RoutingRule.Method(rawValue: try row.value("method")) else { return nil }
            let rule = RoutingRule(
                country: try row.value("country"), region: try row.value("region"), source: try row.value("source"), method: method,
                userID: try row.value("user_id", as: Int64?.self).map { UserID($0) },
                teamID: try row.value("team_id", as: Int64?.self).map { TeamID($0) }
            )
            return (try row.value("id", as: Int64.self), rule)
        }
    }

    /// The owner and team of a new lead by the first rule it meets that can name someone: a rule whose user is
    /// inactive or whose team has no active member is passed over, so a lead never goes to no one.
    static func route(_ db: any SQLDatabase, _ lead: LeadFields) async throws -> (owner: UserID, team: TeamID?)? {
        for (id, rule) in try await routing(db) where rule.matches(lead) {
            switch rule.method {
            case .user:
                guard let user = rule.userID else { continue }
                let row = try await db.raw("""
                    SELECT u.is_active, (SELECT MIN(team_id) FROM team_members m WHERE m.user_id = u.id) AS team_id FROM users u WHERE u.id = \(bind: user.rawValue)
                    """).first()
                guard let row, try row.value("is_active", as: Bool.self) else { continue }
                return (user, try row.value("team_id", as: Int64?.self).map { TeamID($0) })
            case .roundRobin:
                guard let team = rule.teamID else { continue }
                // The rule's row is locked first on PostgreSQL, so two nodes taking leads at once give out turns in order.
                let lock: SQLQueryString = db.dialect.name == "postgresql" ? " FOR UPDATE" : ""
                let last = try await db.raw("SELECT last_user_id FROM lead_routing_rules WHERE id = \(bind: id)\(lock)").first()?.value("last_user_id", as: Int64?.self)
                guard let next = RoutingRule.nextInTurn(try await members(db, team), after: last.map { UserID($0) }) else { continue }
                try await db.raw("UPDATE lead_routing_rules SET last_user_id = \(bind: next.rawValue) WHERE id = \(bind: id)").run()
                return (next, team)
            case .leastLoaded:
                guard let team = rule.teamID else { continue }
                let open = LeadStatus.allCases.filter(\.isOpen).map(\.rawValue)
                let rows = try await db.raw("""
                    SELECT m.user_id, (SELECT COUNT(*) FROM leads l WHERE l.owner_id = m.user_id AND l.deleted_at IS NULL AND l.status IN (\(binds: open))) AS load
                    FROM team_members m JOIN users u ON u.id = m.user_id WHERE m.team_id = \(bind: team.rawValue) AND u.is_active = \(bind: true)
                    """).all()
                let loads = Dictionary(uniqueKeysWithValues: try rows.map { (UserID(try $0.value("user_id", as: Int64.self)), try $0.value("load", as: Int.self)) })
                guard let least = RoutingRule.leastLoaded(loads) else { continue }
                return (least, team)
            }
        }
        return nil
    }

    private static func members(_ db: any SQLDatabase, _ team: TeamID) async throws -> [UserID] {
        try await db.raw("""
            SELECT m.user_id FROM team_members m JOIN users u ON u.id = m.user_id WHERE m.team_id = \(bind: team.rawValue) AND u.is_active = \(bind: true)
            """).all().map { UserID(try $0.value("user_id", as: Int64.self)) }
    }
}
