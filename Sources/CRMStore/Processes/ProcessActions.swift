import CRMCore
import Foundation
import SQLKit

/// The CRM actions a service task may run on the record its instance is bound to, named by the task's type
/// (`camunda:type="crm.move_deal"`) with its input parameters. Each is idempotent under its effect key, so
/// running it again after a crash changes nothing.
struct ProcessActions {
    let database: Database

    static let system = AccessContext.system(reason: "business process")

    /// Runs `action`; answers variables for the process, or why it failed.
    func perform(_ action: String?, parameters: [String: String], record: (type: RecordType, id: Int64)?, key: String) async throws(ProcessEngine.ServiceFailure) -> [String: ProcessValue] {
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
                    throw ProcessEngine.ServiceFailure.failure("crm.move_deal: \(pipeline.name) has no stage '\(name)' (it has \(pipeline.stages.map(\.name).joined(separator: ", ")))")
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
                    throw ProcessEngine.ServiceFailure.failure("crm.lose_deal: there is no active loss reason '\(name)' (there are \(reasons.map(\.name).joined(separator: ", ")))")
                }
                if deal.fields.status != .lost {
                    _ = try await FunnelStore(database: database).apply(Self.system, deal: deal.meta.id, expectedVersion: nil, .lose(reason: reason.id, comment: parameters["comment"] ?? ""))
                }
                return ["deal_status": .string(DealStatus.lost.rawValue)]
            case "crm.create_activity":
                return try await createActivity(parameters, record: record, key: key)
            default:
                throw ProcessEngine.ServiceFailure.failure("there is no CRM action '\(action ?? "")' (there are crm.move_deal, crm.win_deal, crm.lose_deal, crm.create_activity)")
            }
        } catch let failure as ProcessEngine.ServiceFailure {
            throw failure
        } catch StoreError.invalid(let errors) {
            throw .failure(errors.errors.map(\.message).joined(separator: "; "))
        } catch {
            throw .failure(String(describing: error))
        }
    }

    func boundDeal(_ record: (type: RecordType, id: Int64)?) async throws -> Deal {
        guard let record, record.type == .deal else { throw ProcessEngine.ServiceFailure.failure("this action works on a deal, and the instance is not bound to one") }
        return try await RecordStore<DealFields>(database: database).get(Self.system, record.id)
    }

    /// A task (or call, meeting, note) on the bound record, owned by the record's owner, due in `due_in_days`.
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
        default:
            throw ProcessEngine.ServiceFailure.failure("activities attach to deals, companies and contacts")
        }
        if let days = parameters["due_in_days"] {
            guard let count = Int(days) else { throw ProcessEngine.ServiceFailure.failure("due_in_days must be a whole number, not '\(days)'") }
            fields.dueAt = Timestamp(rawValue: Timestamp.now.rawValue + Int64(count) * 86_400_000)
        }
        let created = try await RecordStore<ActivityFields>(database: database).create(
            Self.system, fields, assignment: .init(owner: owner, team: .some(team)),
            idempotency: IdempotencyKey(user: owner, key: "process-effect/\(key)", requestHash: "process-effect")
        )
        return ["activity_id": ProcessValue(Int(created.record.meta.id))]
    }
}
