public import CRMCore
import Foundation
import SQLKit

extension LeadStore {
    /// Submissions one address may make in `window` seconds, over all forms; more are refused until it passes.
    public static let submissionsPerAddress = 5
    public static let window: Int64 = 10 * 60

    /// What became of a submission: the lead it made or added to (nil for a robot's), and where the visitor goes.
    public struct Capture: Sendable, Equatable {
        public let leadID: Int64?
        public let redirectURL: String
    }

    public func forms() async throws -> [LeadForm] {
        try await database.read { db in try await db.raw("SELECT * FROM lead_forms ORDER BY name, id").all().map(Self.decodeForm) }
    }

    public func form(id: Int64) async throws -> LeadForm {
        try await database.read { db in
            guard let row = try await db.raw("SELECT * FROM lead_forms WHERE id = \(bind: id)").first() else { throw StoreError.notFound(nil) }
            return try Self.decodeForm(row)
        }
    }

    /// The form behind a public key; inactive and unknown forms are both not found.
    public func form(key: String) async throws -> LeadForm {
        try await database.read { db in try await Self.activeForm(db, key: key) }
    }

    public func createForm(_ context: AccessContext, _ form: LeadForm, at now: Timestamp = .now) async throws -> LeadForm {
        try Self.requireAdmin(context)
        let form = try Self.valid(form)
        return try await database.write { db in
            try await Self.checkOwner(db, form.ownerID)
            let row = try await db.raw(
                """
                INSERT INTO lead_forms (form_key, name, source, campaign, redirect_url, owner_id, is_active, created_at, consent_text)
                VALUES (\(bind: Secrets.randomToken(bytes: 12)), \(bind: form.name), \(bind: form.source), \(bind: form.campaign), \(bind: form.redirectURL),
                        \(bind: form.ownerID.rawValue), \(bind: form.isActive), \(bind: now.rawValue), \(bind: form.consentText))
                RETURNING *
                """
            ).first()
            guard let row else { throw StoreError.configuration("insert returned no row") }
            return try Self.decodeForm(row)
        }
    }

    /// Changes a form's settings; its key, and so every page that embeds it, stays.
    public func updateForm(_ context: AccessContext, _ id: Int64, _ form: LeadForm) async throws -> LeadForm {
        try Self.requireAdmin(context)
        let form = try Self.valid(form)
        return try await database.write { db in
            try await Self.checkOwner(db, form.ownerID)
            let row = try await db.raw(
                """
                UPDATE lead_forms SET name = \(bind: form.name), source = \(bind: form.source), campaign = \(bind: form.campaign),
                    redirect_url = \(bind: form.redirectURL), owner_id = \(bind: form.ownerID.rawValue), is_active = \(bind: form.isActive),
                    consent_text = \(bind: form.consentText)
                WHERE id = \(bind: id) RETURNING *
                """
            ).first()
            guard let row else { throw StoreError.notFound(nil) }
            return try Self.decodeForm(row)
        }
    }

    /// Takes one submission of a public form from `address`, in one transaction with its rate limit: a robot's
    /// (the honeypot filled in) is counted but makes nothing; a visitor whose e-mail a live lead already has adds
    /// the submission to that lead; anyone else becomes a new lead, routed by the rules or else the form's owner's.
    public func capture(
        key: String,
        values: [String: String],
        address: String,
        defaultCountryCode: String,
        at now: Timestamp = .now
    ) async throws -> Capture {
        // A refused submission counts against the limit too, so a flood of bad ones is held back like good ones.
        let (capture, refusal) = try await database.write { db -> (Capture, ValidationErrors?) in
            let form = try await Self.activeForm(db, key: key)
            let since = now.adding(seconds: -Self.window).rawValue
            let recent =
                try await db.raw("SELECT COUNT(*) AS n FROM form_submissions WHERE address = \(bind: address) AND at > \(bind: since)").first()?
                .value("n", as: Int.self) ?? 0
            guard recent < Self.submissionsPerAddress else { throw StoreError.rateLimited(retryAfter: Int(Self.window)) }
            let robot = !(values[LeadForm.honeypot] ?? "").isEmpty
            var leadID: Int64?
            var refusal: ValidationErrors?
            if !robot {
                do {
                    let fields = try form.lead(from: values, defaultCountryCode: defaultCountryCode, at: now)
                    leadID = try await Self.file(db, fields, form: form)
                } catch let error as ValidationErrors {
                    refusal = error
                }
            }
            try await db.raw(
                """
                INSERT INTO form_submissions (form_id, address, at, lead_id) VALUES (\(bind: form.id), \(bind: address), \(bind: now.rawValue), \(bind: leadID))
                """
            ).run()
            return (Capture(leadID: leadID, redirectURL: form.redirectURL), refusal)
        }
        if let refusal { throw StoreError.invalid(refusal) }
        return capture
    }

    /// Files a submitted lead: on the live lead with the same e-mail when there is one (its duplicate), else new.
    private static func file(_ db: any SQLDatabase, _ fields: LeadFields, form: LeadForm) async throws -> Int64 {
        let context = AccessContext.system(reason: "web form \(form.name)")
        if let email = fields.emails.first?.address.value,
            let existing = try await db.raw(
                """
                SELECT l.id FROM contact_points cp JOIN leads l ON l.id = cp.record_id
                WHERE cp.record_type = 'lead' AND cp.kind = 'email' AND cp.value = \(bind: email) AND l.deleted_at IS NULL AND l.status <> 'converted'
                ORDER BY l.id LIMIT 1
                """
            ).first()?.value("id", as: Int64.self)
        {
            let lead = try await RecordStore<LeadFields>.fetch(db, context, existing, includeDeleted: false, lock: true)
            // As a merge that takes no field: the lead keeps its own, gains the behaviour, the message and any new phone.
            var merged = lead.fields.merged(with: fields, taking: [])
            // The latest agreement is the one that counts.
            if let consent = fields.consent { merged.consent = consent }
            let checked: LeadFields
            do throws(ValidationErrors) { checked = try merged.validated() } catch { throw StoreError.invalid(error) }
            return try await RecordStore<LeadFields>.rewrite(db, context, lead, checked, assignment: .init(), action: .update).meta.id
        }
        let routed = try await LeadRules.route(db, fields)
        let assignment = RecordStore<LeadFields>.Assignment(owner: routed?.owner ?? form.ownerID, team: routed.map { route -> TeamID? in route.team })
        return try await RecordStore<LeadFields>.insert(db, context, fields, assignment: assignment)
    }

    private static func activeForm(_ db: any SQLDatabase, key: String) async throws -> LeadForm {
        guard let row = try await db.raw("SELECT * FROM lead_forms WHERE form_key = \(bind: key) AND is_active = \(bind: true)").first() else {
            throw StoreError.notFound(nil)
        }
        return try decodeForm(row)
    }

    private static func valid(_ form: LeadForm) throws -> LeadForm {
        do throws(ValidationErrors) { return try form.validated() } catch { throw StoreError.invalid(error) }
    }

    private static func checkOwner(_ db: any SQLDatabase, _ owner: UserID) async throws {
        guard try await db.raw("SELECT 1 AS one FROM users WHERE id = \(bind: owner.rawValue) AND is_active = \(bind: true)").first() != nil else {
            throw StoreError.invalid(.init([ValidationError(field: "owner_id", code: "unknown_user", message: "no active user \(owner)")]))
        }
    }

    private static func decodeForm(_ row: any SQLRow) throws -> LeadForm {
        LeadForm(
            id: try row.value("id"),
            key: try row.value("form_key"),
            name: try row.value("name"),
            source: try row.value("source"),
            campaign: try row.value("campaign"),
            redirectURL: try row.value("redirect_url"),
            ownerID: UserID(try row.value("owner_id", as: Int64.self)),
            isActive: try row.value("is_active"),
            consentText: try row.value("consent_text")
        )
    }
}
