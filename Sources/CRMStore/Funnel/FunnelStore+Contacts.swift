public import CRMCore
import Foundation
import SQLKit

/// A person on a deal and their part in it ("decision maker", "user", "finance").
public struct DealContact: Sendable, Equatable {
    public let contact: Contact
    public let role: String
}

/// A deal a person is on, and their part in it.
public struct ContactDeal: Sendable, Equatable {
    public let deal: Deal
    public let role: String
}

extension FunnelStore {
    /// The deals a contact is on that the context may see, open ones first, then the latest closed, at most `limit`.
    public func deals(_ context: AccessContext, contact id: Int64, limit: Int = 50) async throws -> [ContactDeal] {
        try await database.read { db in
            _ = try await RecordStore<ContactFields>.fetch(db, context, id, includeDeleted: true, lock: false)
            let rows = try await db.raw(
                """
                SELECT d.*, dc.role AS deal_role FROM deal_contacts dc JOIN deals d ON d.id = dc.deal_id
                WHERE dc.contact_id = \(bind: id) AND d.deleted_at IS NULL AND \(AccessPredicate.sql(context.visibility, table: "d"))
                ORDER BY CASE WHEN d.status = 'open' THEN 0 ELSE 1 END, d.updated_at DESC, d.id DESC LIMIT \(literal: min(max(limit, 1), ListQuery.maxLimit))
                """
            ).all()
            return try rows.map { ContactDeal(deal: try RecordStore<DealFields>.decode($0), role: try $0.value("deal_role")) }
        }
    }

    /// The people on a deal the context may see.
    public func contacts(_ context: AccessContext, deal id: Int64) async throws -> [DealContact] {
        try await database.read { db in
            _ = try await RecordStore<DealFields>.fetch(db, context, id, includeDeleted: true, lock: false)
            let rows = try await db.raw(
                """
                SELECT c.*, dc.role AS deal_role FROM deal_contacts dc JOIN contacts c ON c.id = dc.contact_id
                WHERE dc.deal_id = \(bind: id) AND c.deleted_at IS NULL AND \(AccessPredicate.sql(context.visibility, table: "c")) ORDER BY c.sort_key, c.id
                """
            ).all()
            return try rows.map { DealContact(contact: try RecordStore<ContactFields>.decode($0), role: try $0.value("deal_role")) }
        }
    }

    /// Replaces the people on a deal. Each must be a contact the context may see; roles are short labels.
    public func setContacts(_ context: AccessContext, deal id: Int64, _ contacts: [(contact: ContactID, role: String)]) async throws -> [DealContact]
    {
        var seen = Set<ContactID>()
        for (index, entry) in contacts.enumerated() {
            guard seen.insert(entry.contact).inserted else {
                throw StoreError.invalid(
                    .init([ValidationError(field: "contacts[\(index)].contact_id", code: "duplicate", message: "a contact is on a deal once")])
                )
            }
            guard entry.role.count <= 60 else {
                throw StoreError.invalid(
                    .init([ValidationError(field: "contacts[\(index)].role", code: "too_long", message: "a role has at most 60 characters")])
                )
            }
        }
        try await database.write { db in
            _ = try await RecordStore<DealFields>.fetch(db, context, id, includeDeleted: false, lock: true)
            let before = try await db.raw("SELECT contact_id, role FROM deal_contacts WHERE deal_id = \(bind: id) ORDER BY contact_id").all()
                .map { "\(try $0.value("contact_id", as: Int64.self)):\(try $0.value("role", as: String.self))" }
            for (index, entry) in contacts.enumerated() {
                let visible =
                    try await db.raw(
                        """
                        SELECT 1 AS one FROM contacts WHERE id = \(bind: entry.contact.rawValue) AND deleted_at IS NULL AND \(AccessPredicate.sql(context.visibility))
                        """
                    ).first() != nil
                guard visible else {
                    throw StoreError.invalid(
                        .init([
                            ValidationError(
                                field: "contacts[\(index)].contact_id",
                                code: "unknown_reference",
                                message: "no contact \(entry.contact) that you can see"
                            )
                        ])
                    )
                }
            }
            try await db.raw("DELETE FROM deal_contacts WHERE deal_id = \(bind: id)").run()
            for entry in contacts {
                try await db.raw(
                    """
                    INSERT INTO deal_contacts (deal_id, contact_id, role) VALUES (\(bind: id), \(bind: entry.contact.rawValue), \(bind: entry.role.trimmingWhitespace()))
                    """
                ).run()
            }
            let after = contacts.sorted { $0.contact < $1.contact }.map { "\($0.contact):\($0.role.trimmingWhitespace())" }
            let changes = FieldChange.diff(old: ["contacts": before.joined(separator: ", ")], new: ["contacts": after.joined(separator: ", ")])
            if !changes.isEmpty { try await AuditLog.append(db, context, type: .deal, id: id, action: .update, changes: changes) }
        }
        return try await self.contacts(context, deal: id)
    }
}
