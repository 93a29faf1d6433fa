public import CRMCore
import Foundation
import SQLKit

/// What leads have beyond the records every type has (`RecordStore<LeadFields>`): the admins' scoring and
/// routing rules, web forms and their submissions, behaviours, and conversion.
public struct LeadStore: Sendable {
    let database: Database
    let records: RecordStore<LeadFields>

    // MARK: Rules

    public func scoringRules() async throws -> [ScoringRule] {
        try await database.read { db in try await LeadRules.scoring(db) }
    }

    /// Replaces the scoring rules and rescores every lead by them, in one transaction.
    public func setScoringRules(_ context: AccessContext, _ rules: [ScoringRule]) async throws {
        try Self.requireAdmin(context)
        let rules = try Self.checked(rules) { rule, index throws(ValidationErrors) in try rule.validated(at: index) }
        try await database.write { db in
            try await db.raw("DELETE FROM lead_scoring_rules").run()
            for (position, rule) in rules.enumerated() {
                try await db.raw(
                    """
                    INSERT INTO lead_scoring_rules (position, attribute, value, points)
                    VALUES (\(bind: position), \(bind: rule.attribute.rawValue), \(bind: rule.value), \(bind: rule.points))
                    """
                ).run()
            }
            try await Self.rescore(db, rules)
        }
    }

    public func routingRules() async throws -> [RoutingRule] {
        try await database.read { db in try await LeadRules.routing(db).map(\.rule) }
    }

    public func setRoutingRules(_ context: AccessContext, _ rules: [RoutingRule]) async throws {
        try Self.requireAdmin(context)
        let rules = try Self.checked(rules) { rule, index throws(ValidationErrors) in try rule.validated(at: index) }
        try await database.write { db in
            for (index, rule) in rules.enumerated() {
                if let user = rule.userID,
                    try await db.raw("SELECT 1 AS one FROM users WHERE id = \(bind: user.rawValue) AND is_active = \(bind: true)").first() == nil
                {
                    throw StoreError.invalid(
                        .init([ValidationError(field: "rules[\(index)].user_id", code: "unknown_user", message: "no active user \(user)")])
                    )
                }
                if let team = rule.teamID, try await db.raw("SELECT 1 AS one FROM teams WHERE id = \(bind: team.rawValue)").first() == nil {
                    throw StoreError.invalid(
                        .init([ValidationError(field: "rules[\(index)].team_id", code: "unknown_team", message: "no team \(team)")])
                    )
                }
            }
            try await db.raw("DELETE FROM lead_routing_rules").run()
            for (position, rule) in rules.enumerated() {
                try await db.raw(
                    """
                    INSERT INTO lead_routing_rules (position, country, region, source, method, user_id, team_id)
                    VALUES (\(bind: position), \(bind: rule.country), \(bind: rule.region), \(bind: rule.source), \(bind: rule.method.rawValue),
                            \(bind: rule.userID?.rawValue), \(bind: rule.teamID?.rawValue))
                    """
                ).run()
            }
        }
    }

    // MARK: Behaviours

    /// Records that the lead did something scoring may reward (answered an e-mail); audited and rescored as an edit.
    public func record(_ context: AccessContext, _ behaviour: LeadBehaviour, lead id: Int64) async throws -> Lead {
        try await database.write { db in try await Self.record(db, context, behaviour, lead: id) }
    }

    static func record(_ db: any SQLDatabase, _ context: AccessContext, _ behaviour: LeadBehaviour, lead id: Int64) async throws -> Lead {
        let lead = try await RecordStore<LeadFields>.fetch(db, context, id, includeDeleted: false, lock: true)
        guard !lead.fields.behaviours.contains(behaviour) else { return lead }
        var fields = lead.fields
        fields.behaviours.append(behaviour)
        return try await RecordStore<LeadFields>.rewrite(
            db,
            context,
            lead,
            try RecordStore<LeadFields>.validated(fields),
            assignment: .init(),
            action: .update
        )
    }

    // MARK: Pieces

    static func requireAdmin(_ context: AccessContext) throws {
        try context.require(.manageLeadRules)
    }

    static func checked<Rule>(_ rules: [Rule], _ check: (Rule, Int) throws(ValidationErrors) -> Rule) throws -> [Rule] {
        guard rules.count <= 500 else {
            throw StoreError.invalid(.init([ValidationError(field: "rules", code: "too_many", message: "at most 500 rules")]))
        }
        var result: [Rule] = []
        var errors: [ValidationError] = []
        for (index, rule) in rules.enumerated() {
            do throws(ValidationErrors) { result.append(try check(rule, index)) } catch { errors += error.errors }
        }
        guard errors.isEmpty else { throw StoreError.invalid(ValidationErrors(errors)) }
        return result
    }

    /// New scores for every lead whose score the rules change. A score is derived, so the lead's version and
    /// audit trail stay as they are; the rules' change is the event.
    static func rescore(_ db: any SQLDatabase, _ rules: [ScoringRule]) async throws {
        var after: Int64 = 0
        while true {
            let rows = try await db.raw("SELECT * FROM leads WHERE id > \(bind: after) ORDER BY id LIMIT 1000").all()
            guard let last = rows.last else { return }
            after = try last.value("id", as: Int64.self)
            var changed: [SQLQueryString] = []
            for row in rows {
                let lead = try LeadFields(row: row)
                let score = LeadScore(lead, rules: rules)
                guard score != lead.score else { continue }
                changed.append("(\(bind: try row.value("id", as: Int64.self)), \(bind: score.total), \(bind: try ColumnJSON.encode(score.reasons)))")
            }
            guard !changed.isEmpty else { continue }
            // One statement per page of leads; both engines name a VALUES list's columns column1, column2, ….
            try await db.raw(
                """
                UPDATE leads SET score = v.column2, score_reasons = v.column3
                FROM (VALUES \(changed.joined(separator: ", "))) AS v WHERE leads.id = v.column1
                """
            ).run()
        }
    }
}
