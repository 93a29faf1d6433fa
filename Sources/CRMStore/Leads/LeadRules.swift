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
                country: try row.value("country"),
                region: try row.value("region"),
                source: try row.value("source"),
                method: method,
                userID: try row.value("user_id", as: Int64?.self).map { UserID($0) },
                teamID: try row.value("team_id", as: Int64?.self).map { TeamID($0) }
            )
            return (try row.value("id", as: Int64.self), rule)
        }
    }

    /// The owner and team of a new lead by the first rule it meets that can name someone: a rule whose user is
    /// inactive or whose team has no active member is passed over, so a lead never goes to no one.
    static func route(_ db: any SQLDatabase, _ lead: LeadFields) async throws -> (owner: UserID, team: TeamID?)? {
        try await route(db, [lead]).first ?? nil
    }

    /// Routes many new leads (a file) reading the rules, the teams and their loads once: turns go on from lead to
    /// lead, each lead given out adds to its owner's load, and each rule's last turn is written back once.
    static func route(_ db: any SQLDatabase, _ leads: [LeadFields]) async throws -> [(owner: UserID, team: TeamID?)?] {
        let rules = try await routing(db)
        guard !rules.isEmpty else { return leads.map { _ in nil } }
        let lock: SQLQueryString = db.dialect.name == "postgresql" ? " FOR UPDATE" : ""
        // The rules' rows are locked first on PostgreSQL, so two nodes taking leads at once give out turns in order.
        var turns: [Int64: UserID?] = [:]
        for row in try await db.raw("SELECT id, last_user_id FROM lead_routing_rules ORDER BY id\(lock)").all() {
            turns[try row.value("id", as: Int64.self)] = try row.value("last_user_id", as: Int64?.self).map { UserID($0) }
        }
        let open = LeadStatus.allCases.filter(\.isOpen).map(\.rawValue)
        var active: [UserID: TeamID?] = [:]
        for row in try await db.raw(
            """
            SELECT u.id, (SELECT MIN(team_id) FROM team_members m WHERE m.user_id = u.id) AS team_id FROM users u WHERE u.is_active = \(bind: true)
            """
        ).all() {
            active[UserID(try row.value("id", as: Int64.self))] = try row.value("team_id", as: Int64?.self).map { TeamID($0) }
        }
        var members: [TeamID: [UserID]] = [:]
        var loads: [UserID: Int] = [:]
        let teams = Set(rules.compactMap(\.rule.teamID)).map(\.rawValue).sorted()
        if !teams.isEmpty {
            for row in try await db.raw(
                """
                SELECT m.team_id, m.user_id, (SELECT COUNT(*) FROM leads l WHERE l.owner_id = m.user_id AND l.deleted_at IS NULL AND l.status IN (\(binds: open))) AS load
                FROM team_members m JOIN users u ON u.id = m.user_id WHERE m.team_id IN (\(binds: teams)) AND u.is_active = \(bind: true)
                """
            ).all() {
                let user = UserID(try row.value("user_id", as: Int64.self))
                members[TeamID(try row.value("team_id", as: Int64.self)), default: []].append(user)
                loads[user] = try row.value("load", as: Int.self)
            }
        }
        var answers: [(owner: UserID, team: TeamID?)?] = []
        answers.reserveCapacity(leads.count)
        var turned = Set<Int64>()
        for lead in leads {
            var answer: (owner: UserID, team: TeamID?)?
            for (id, rule) in rules where answer == nil && rule.matches(lead) {
                switch rule.method {
                case .user:
                    if let user = rule.userID, let team = active[user] { answer = (user, team) }
                case .roundRobin:
                    if let team = rule.teamID, let next = RoutingRule.nextInTurn(members[team] ?? [], after: turns[id] ?? nil) {
                        turns[id] = next
                        turned.insert(id)
                        answer = (next, team)
                    }
                case .leastLoaded:
                    if let team = rule.teamID,
                        let least = RoutingRule.leastLoaded(Dictionary(uniqueKeysWithValues: (members[team] ?? []).map { ($0, loads[$0] ?? 0) }))
                    {
                        answer = (least, team)
                    }
                }
            }
            if let owner = answer?.owner { loads[owner, default: 0] += 1 }
            answers.append(answer)
        }
        for id in turned.sorted() {
            try await db.raw("UPDATE lead_routing_rules SET last_user_id = \(bind: (turns[id] ?? nil)?.rawValue) WHERE id = \(bind: id)").run()
        }
        return answers
    }
}
