public import CRMCore
import Foundation
import SQLKit

/// Teams, their managers and members. Changing them is for admins.
public struct TeamStore: Sendable {
    let database: Database

    public func create(_ context: AccessContext, name: String, managerID: UserID?, sharesRecords: Bool) async throws -> Team {
        try context.require(.manageUsers)
        let name = name.trimmingCharacters(in: .whitespaces)
        guard !name.isEmpty, name.count <= 100 else {
            throw StoreError.invalid(
                ValidationErrors([ValidationError(field: "name", code: "required", message: "a team needs a name of at most 100 characters")])
            )
        }
        let id = try await database.write { db in
            if try await db.raw("SELECT 1 AS one FROM teams WHERE name = \(bind: name)").first() != nil {
                throw StoreError.conflict(code: "team_name_taken", message: "a team named \(name) exists")
            }
            if let managerID { _ = try await UserStore.fetch(db, managerID) }
            let row = try await db.raw(
                """
                INSERT INTO teams (name, manager_id, shares_records, created_at)
                VALUES (\(bind: name), \(bind: managerID?.rawValue), \(bind: sharesRecords), \(bind: Timestamp.now.rawValue)) RETURNING id
                """
            ).first()
            let id = try row!.value("id", as: Int64.self)
            try await AuditLog.append(
                db,
                context,
                type: .team,
                id: id,
                action: .create,
                changes: FieldChange.diff(
                    old: [:],
                    new: ["name": name, "manager_id": managerID?.description ?? "", "shares_records": String(sharesRecords)]
                )
            )
            return id
        }
        return try await get(TeamID(id))
    }

    public func get(_ id: TeamID) async throws -> Team {
        guard let team = try await list().first(where: { $0.id == id }) else { throw StoreError.notFound(.team) }
        return team
    }

    public func list() async throws -> [Team] {
        try await database.read { db in
            let members = try await db.raw("SELECT team_id, user_id FROM team_members ORDER BY user_id").all()
            var byTeam: [Int64: [UserID]] = [:]
            for row in members {
                byTeam[try row.value("team_id"), default: []].append(UserID(try row.value("user_id", as: Int64.self)))
            }
            return try await db.raw("SELECT * FROM teams ORDER BY name, id").all().map { row in
                let id = try row.value("id", as: Int64.self)
                return Team(
                    id: TeamID(id),
                    name: try row.value("name"),
                    managerID: try row.value("manager_id", as: Int64?.self).map { UserID($0) },
                    sharesRecords: try row.value("shares_records"),
                    memberIDs: byTeam[id] ?? []
                )
            }
        }
    }

    public func update(_ context: AccessContext, _ id: TeamID, name: String?, managerID: UserID??, sharesRecords: Bool?) async throws -> Team {
        try context.require(.manageUsers)
        let old = try await get(id)
        var new = old
        if let name { new.name = name.trimmingCharacters(in: .whitespaces) }
        if let managerID { new.managerID = managerID }
        if let sharesRecords { new.sharesRecords = sharesRecords }
        let updated = new
        guard !new.name.isEmpty else {
            throw StoreError.invalid(ValidationErrors([ValidationError(field: "name", code: "required", message: "a team needs a name")]))
        }
        try await database.write { db in
            if let manager = updated.managerID { _ = try await UserStore.fetch(db, manager) }
            if try await db.raw("SELECT 1 AS one FROM teams WHERE name = \(bind: updated.name) AND id <> \(bind: id.rawValue)").first() != nil {
                throw StoreError.conflict(code: "team_name_taken", message: "a team named \(updated.name) exists")
            }
            try await db.raw(
                """
                UPDATE teams SET name = \(bind: updated.name), manager_id = \(bind: updated.managerID?.rawValue), shares_records = \(bind: updated.sharesRecords)
                WHERE id = \(bind: id.rawValue)
                """
            ).run()
            let changes = FieldChange.diff(
                old: ["name": old.name, "manager_id": old.managerID?.description ?? "", "shares_records": String(old.sharesRecords)],
                new: ["name": updated.name, "manager_id": updated.managerID?.description ?? "", "shares_records": String(updated.sharesRecords)]
            )
            if !changes.isEmpty { try await AuditLog.append(db, context, type: .team, id: id.rawValue, action: .update, changes: changes) }
        }
        return try await get(id)
    }

    public func setMembers(_ context: AccessContext, _ id: TeamID, _ members: [UserID]) async throws -> Team {
        try context.require(.manageUsers)
        let old = try await get(id)
        try await database.write { db in
            for member in Set(members) { _ = try await UserStore.fetch(db, member) }
            try await db.raw("DELETE FROM team_members WHERE team_id = \(bind: id.rawValue)").run()
            for member in Set(members) {
                try await db.raw("INSERT INTO team_members (team_id, user_id) VALUES (\(bind: id.rawValue), \(bind: member.rawValue))").run()
            }
            let describe = { (ids: [UserID]) in ids.map(\.rawValue).sorted().map(String.init).joined(separator: ", ") }
            let changes = FieldChange.diff(old: ["members": describe(old.memberIDs)], new: ["members": describe(Array(Set(members)))])
            if !changes.isEmpty { try await AuditLog.append(db, context, type: .team, id: id.rawValue, action: .update, changes: changes) }
        }
        return try await get(id)
    }
}
