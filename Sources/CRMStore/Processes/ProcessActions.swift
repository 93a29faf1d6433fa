import CRMCore
import Foundation
import SQLKit

/// The CRM actions a service task may run on the record its instance is bound to, named by the task's type
/// (`camunda:type="crm.move_deal"`) with its input parameters. Each is idempotent under its effect key, so
/// running it again after a crash changes nothing.
struct ProcessActions {
    let database: Database
    /// How this node sends webhooks; nil where it cannot (the action then fails and is retried elsewhere).
    let webhooks: (any WebhookSending)?

    static let system = AccessContext.system(reason: "business process")

    /// The instance an action runs for, as it was when the action was claimed.
    struct Target {
        let instance: Int64
        let process: String
        let record: (type: RecordType, id: Int64)?
        let variables: [String: ProcessValue]
    }

    /// Runs `action`; answers variables for the process, or why it failed.
    func perform(
        _ action: String?,
        parameters: [String: String],
        for target: Target,
        key: String
    ) async throws(ProcessEngine.ServiceFailure) -> [String: ProcessValue] {
        let record = target.record
        do {
            switch action ?? "" {
            case "":
                // A service task without a type only marks a step in the drawing.
                return [:]
            case "crm.move_deal":
                let deal = try await boundDeal(record)
                let pipeline = try await PipelineStore(database: database).get(deal.fields.pipelineID)
                guard let name = parameters["stage"], !name.isEmpty else {
                    throw ProcessEngine.ServiceFailure.failure("crm.move_deal needs a stage parameter")
                }
                guard let stage = pipeline.stages.first(where: { TextFolding.fold($0.name) == TextFolding.fold(name) }) else {
                    throw ProcessEngine.ServiceFailure.failure(
                        "crm.move_deal: \(pipeline.name) has no stage '\(name)' (it has \(pipeline.stages.map(\.name).joined(separator: ", ")))"
                    )
                }
                if deal.fields.status == .open && deal.fields.stageID == stage.id { return ["deal_stage": .string(stage.name)] }
                _ = try await FunnelStore(database: database).apply(Self.system, deal: deal.meta.id, expectedVersion: nil, .move(to: stage.id))
                return ["deal_stage": .string(stage.name)]
            case "crm.win_deal":
                let deal = try await boundDeal(record)
                if deal.fields.status != .won {
                    _ = try await FunnelStore(database: database).apply(Self.system, deal: deal.meta.id, expectedVersion: nil, .win)
                }
                return ["deal_status": .string(DealStatus.won.rawValue)]
            case "crm.lose_deal":
                let deal = try await boundDeal(record)
                let reasons = try await PipelineStore(database: database).lossReasons()
                let name = parameters["reason"] ?? ""
                guard let reason = reasons.first(where: { TextFolding.fold($0.name) == TextFolding.fold(name) }) else {
                    throw ProcessEngine.ServiceFailure.failure(
                        "crm.lose_deal: there is no active loss reason '\(name)' (there are \(reasons.map(\.name).joined(separator: ", ")))"
                    )
                }
                if deal.fields.status != .lost {
                    _ = try await FunnelStore(database: database).apply(
                        Self.system,
                        deal: deal.meta.id,
                        expectedVersion: nil,
                        .lose(reason: reason.id, comment: parameters["comment"] ?? "")
                    )
                }
                return ["deal_status": .string(DealStatus.lost.rawValue)]
            case "crm.create_activity":
                return try await createActivity(parameters, record: record, key: key)
            case "crm.set_field":
                return try await setField(parameters, record: record)
            case "crm.start_process":
                guard let record, let process = parameters["process"], !process.isEmpty else {
                    throw ProcessEngine.ServiceFailure.failure("crm.start_process needs a process parameter and the instance bound to a record")
                }
                // Requested like a trigger's start, under this effect's key, so a retry never starts it twice.
                try await database.write { db in
                    guard try await db.raw("SELECT 1 AS one FROM process_start_requests WHERE effect_key = \(bind: key)").first() == nil else {
                        return
                    }
                    try await db.raw(
                        """
                        INSERT INTO process_start_requests (process_key, record_type, record_id, effect_key, status, created_at)
                        VALUES (\(bind: process), \(bind: record.type.rawValue), \(bind: record.id), \(bind: key), \(bind: "pending"), \(bind: Timestamp.now.rawValue))
                        """
                    ).run()
                }
                return [:]
            case "crm.call_webhook":
                let call = try WebhookCall(
                    parameters: parameters,
                    process: target.process,
                    instance: target.instance,
                    record: record,
                    variables: target.variables,
                    key: key
                )
                guard let webhooks else { throw ProcessEngine.ServiceFailure.failure("this node cannot send webhooks") }
                let reply: WebhookReply
                do { reply = try await webhooks.send(call) } catch {
                    throw ProcessEngine.ServiceFailure.failure("the webhook at \(call.url.host ?? "") did not answer: \(error)")
                }
                return try reply.outcome().get()
            case "crm.send_email":
                // Queued and logged as this effect until the e-mail issue delivers it.
                guard let template = parameters["template"], !template.isEmpty else {
                    throw ProcessEngine.ServiceFailure.failure("crm.send_email needs a template parameter")
                }
                return ["email_queued": .string(template)]
            default:
                throw ProcessEngine.ServiceFailure.failure(
                    "there is no CRM action '\(action ?? "")' (there are crm.move_deal, crm.win_deal, crm.lose_deal, crm.create_activity, crm.set_field, crm.start_process, crm.send_email, crm.call_webhook)"
                )
            }
        } catch let failure as ProcessEngine.ServiceFailure {
            throw failure
        } catch StoreError.invalid(let errors) {
            throw .failure(errors.errors.map(\.message).joined(separator: "; "))
        } catch {
            throw .failure(String(describing: error))
        }
    }

    /// Sets one field of the bound record: a deal's amount, expected close date, source or forecast category, a
    /// company's priority, or a lead's status, source or campaign; adding a tag works on all three. Setting a value
    /// it already has changes nothing.
    func setField(_ parameters: [String: String], record: (type: RecordType, id: Int64)?) async throws -> [String: ProcessValue] {
        guard let record, let field = parameters["field"], let value = parameters["value"] else {
            throw ProcessEngine.ServiceFailure.failure("crm.set_field needs field and value parameters and the instance bound to a record")
        }
        switch record.type {
        case .deal:
            try await edit(DealFields.self, record.id) { fields in
                switch field {
                case "amount": fields.amount = try Money(decimal: value.replacingOccurrences(of: ",", with: "."), currency: fields.amount.currency)
                case "expected_close_date": fields.expectedCloseDate = try CalendarDate(parsing: value)
                case "source": fields.source = value
                case "forecast_category":
                    guard let category = ForecastCategory(rawValue: value) else {
                        throw ProcessEngine.ServiceFailure.failure("'\(value)' is not a forecast category")
                    }
                    fields.forecastCategory = category
                case "tag": if !fields.tags.contains(value) { fields.tags.append(value) }
                default:
                    throw ProcessEngine.ServiceFailure.failure(
                        "crm.set_field cannot set a deal's \(field) (amount, expected_close_date, source, forecast_category, tag)"
                    )
                }
            }
        case .company:
            try await edit(CompanyFields.self, record.id) { fields in
                switch field {
                case "priority":
                    guard let priority = Priority(rawValue: value) else {
                        throw ProcessEngine.ServiceFailure.failure("'\(value)' is not a priority (A, B, C)")
                    }
                    fields.priority = priority
                case "tag": if !fields.tags.contains(value) { fields.tags.append(value) }
                default: throw ProcessEngine.ServiceFailure.failure("crm.set_field cannot set a company's \(field) (priority, tag)")
                }
            }
        case .lead:
            try await edit(LeadFields.self, record.id) { fields in
                switch field {
                case "status":
                    // Conversion makes the contact, company and deal; a status alone cannot.
                    guard let status = LeadStatus(rawValue: value), status != .converted else {
                        throw ProcessEngine.ServiceFailure.failure(
                            "'\(value)' is not a status a process can set (new, working, qualified, disqualified)"
                        )
                    }
                    fields.status = status
                case "source": fields.source = value
                case "campaign": fields.campaign = value
                case "tag": if !fields.tags.contains(value) { fields.tags.append(value) }
                default: throw ProcessEngine.ServiceFailure.failure("crm.set_field cannot set a lead's \(field) (status, source, campaign, tag)")
                }
            }
        default:
            throw ProcessEngine.ServiceFailure.failure("crm.set_field works on deals, companies and leads")
        }
        return [field: .string(value)]
    }

    /// Reads record `id`, lets `change` change its fields, and writes them only when something changed.
    private func edit<Fields: StoredFields & Equatable>(_: Fields.Type, _ id: Int64, _ change: (inout Fields) throws -> Void) async throws {
        let store = RecordStore<Fields>(database: database)
        let current = try await store.get(Self.system, id)
        var fields = current.fields
        try change(&fields)
        if fields != current.fields { _ = try await store.update(Self.system, id, expectedVersion: current.meta.version, fields) }
    }

    func boundDeal(_ record: (type: RecordType, id: Int64)?) async throws -> Deal {
        guard let record, record.type == .deal else {
            throw ProcessEngine.ServiceFailure.failure("this action works on a deal, and the instance is not bound to one")
        }
        return try await RecordStore<DealFields>(database: database).get(Self.system, record.id)
    }

    /// A task (or call, e-mail, meeting, note) on the bound record, owned by the record's owner, due in `due_in_days`.
    func createActivity(_ parameters: [String: String], record: (type: RecordType, id: Int64)?, key: String) async throws -> [String: ProcessValue] {
        guard let record else { throw ProcessEngine.ServiceFailure.failure("crm.create_activity needs the instance bound to a record") }
        let kind = ActivityKind(rawValue: parameters["kind"] ?? "task") ?? .task
        var fields = ActivityFields(kind: kind, subject: parameters["subject"] ?? "")
        let owner: UserID
        let team: TeamID?
        switch record.type {
        case .deal:
            let deal = try await RecordStore<DealFields>(database: database).get(Self.system, record.id)
            (fields.dealID, fields.companyID, owner, team) = (deal.id, deal.fields.companyID, deal.meta.ownerID, deal.meta.teamID)
        case .company:
            let company = try await RecordStore<CompanyFields>(database: database).get(Self.system, record.id)
            (fields.companyID, owner, team) = (company.id, company.meta.ownerID, company.meta.teamID)
        case .contact:
            let contact = try await RecordStore<ContactFields>(database: database).get(Self.system, record.id)
            (fields.contactID, fields.companyID, owner, team) = (contact.id, contact.fields.companyID, contact.meta.ownerID, contact.meta.teamID)
        case .lead:
            // A converted lead's activity belongs to the customer it became as well, as one logged on its page.
            let lead = try await RecordStore<LeadFields>(database: database).get(Self.system, record.id)
            (fields.leadID, owner, team) = (lead.id, lead.meta.ownerID, lead.meta.teamID)
            if let conversion = lead.fields.conversion { (fields.contactID, fields.companyID) = (conversion.contactID, conversion.companyID) }
        default:
            throw ProcessEngine.ServiceFailure.failure("activities attach to deals, companies, contacts and leads")
        }
        if let days = parameters["due_in_days"] {
            guard let count = Int(days) else { throw ProcessEngine.ServiceFailure.failure("due_in_days must be a whole number, not '\(days)'") }
            fields.dueAt = Timestamp(rawValue: Timestamp.now.rawValue + Int64(count) * 86_400_000)
        }
        let created = try await RecordStore<ActivityFields>(database: database).create(
            Self.system,
            fields,
            assignment: .init(owner: owner, team: .some(team)),
            idempotency: IdempotencyKey(user: owner, key: "process-effect/\(key)", requestHash: "process-effect")
        )
        return ["activity_id": ProcessValue(Int(created.record.meta.id))]
    }
}
