public import CRMCore
import Foundation
import SQLKit

/// How a campaign is doing: its instances by status, the running ones by the step they wait at, the finished
/// ones by the end they reached.
public struct ProcessCampaignBoard: Sendable, Equatable {
    public let id: Int64
    public let name: String
    public let processKey: String
    public let recordType: RecordType
    /// The list filters it ran over, by their URL names.
    public let segment: [String: String]
    public let requested: Int
    public let notStarted: Int
    public let failedToStart: Int
    public let byStatus: [String: Int]
    public let byStep: [String: Int]
    public let byEnd: [String: Int]
}

extension ProcessStore {
    // MARK: Triggers

    /// Replaces the record events that start `key`. Admins only.
    public func setTriggers(
        _ context: AccessContext,
        key: String,
        _ requested: ProcessTriggers,
        at now: Timestamp = .now
    ) async throws -> ProcessTriggers {
        try context.require(.manageProcesses)
        let triggers: ProcessTriggers
        do throws(ValidationErrors) { triggers = try requested.validated() } catch { throw StoreError.invalid(error) }
        guard let definition = try await definitions().first(where: { $0.key == key }) else { throw StoreError.notFound(.process) }
        if let bound = definition.recordType {
            // Every trigger starts the process bound to the record it fired on, so each must be of the kind it works on.
            let kinds =
                (triggers.dealEnteredStage.isEmpty ? [] : [RecordType.deal]) + triggers.recordCreated + triggers.fieldChanged.map(\.recordType)
            if let other = kinds.first(where: { $0 != bound }) {
                throw StoreError.invalid(
                    ValidationErrors([
                        ValidationError(
                            code: "wrong_record_type",
                            message: "\(definition.name) works on a \(bound.rawValue), so a \(other.rawValue) cannot start it"
                        )
                    ])
                )
            }
        }
        return try await database.write { db in
            for (index, stage) in triggers.dealEnteredStage.enumerated()
            where try await db.raw("SELECT 1 AS one FROM stages WHERE id = \(bind: stage.rawValue)").first() == nil {
                throw StoreError.invalid(
                    ValidationErrors([
                        ValidationError(field: "deal_entered_stage[\(index)]", code: "unknown_stage", message: "there is no stage \(stage)")
                    ])
                )
            }
            try await db.raw("DELETE FROM process_triggers WHERE process_key = \(bind: key)").run()
            var rows: [SQLQueryString] = []
            let by = context.userID?.rawValue
            for stage in triggers.dealEnteredStage {
                rows.append("(\(bind: key), 'deal_entered_stage', \(bind: stage.rawValue), 'deal', NULL, NULL, \(bind: by), \(bind: now.rawValue))")
            }
            for type in triggers.recordCreated {
                rows.append("(\(bind: key), 'record_created', NULL, \(bind: type.rawValue), NULL, NULL, \(bind: by), \(bind: now.rawValue))")
            }
            for field in triggers.fieldChanged {
                rows.append(
                    "(\(bind: key), 'field_changed', NULL, \(bind: field.recordType.rawValue), \(bind: field.field), \(bind: field.value), \(bind: by), \(bind: now.rawValue))"
                )
            }
            if !rows.isEmpty {
                try await db.raw(
                    """
                    INSERT INTO process_triggers (process_key, event, stage_id, record_type, field, value, created_by, created_at) VALUES \(rows.joined(separator: ", "))
                    """
                ).run()
            }
            return triggers
        }
    }

    /// The record events that start `key`.
    public func triggers(key: String) async throws -> ProcessTriggers {
        try await database.read { db in
            guard try await db.raw("SELECT 1 AS one FROM process_definitions WHERE process_key = \(bind: key)").first() != nil else {
                throw StoreError.notFound(.process)
            }
            var triggers = ProcessTriggers()
            for row in try await db.raw(
                "SELECT event, stage_id, record_type, field, value FROM process_triggers WHERE process_key = \(bind: key) ORDER BY id"
            ).all() {
                let type = try row.decode(column: "record_type", as: String?.self).flatMap(RecordType.init(rawValue:)) ?? .deal
                switch try row.decode(column: "event", as: String.self) {
                case "deal_entered_stage": triggers.dealEnteredStage.append(StageID(try row.decode(column: "stage_id", as: Int64.self)))
                case "record_created": triggers.recordCreated.append(type)
                case "field_changed":
                    triggers.fieldChanged.append(
                        .init(
                            recordType: type,
                            field: try row.decode(column: "field", as: String?.self) ?? "",
                            value: try row.decode(column: "value", as: String?.self)
                        )
                    )
                default: break
                }
            }
            return triggers
        }
    }

    /// Called in the transaction of every single create and update of a deal, company, contact or lead (bulk imports
    /// start nothing: a campaign over what they brought in does that, deliberately).
    static func recordChanged(
        _ db: any SQLDatabase,
        _ type: RecordType,
        id: Int64,
        created: Bool,
        changes: [FieldChange],
        by user: UserID?,
        at now: Timestamp
    ) async throws {
        guard ProcessTriggers.boundTypes.contains(type) else { return }
        let rows = try await db.raw(
            """
            SELECT process_key, event, field, value FROM process_triggers
            WHERE record_type = \(bind: type.rawValue) AND event IN ('record_created', 'field_changed') ORDER BY id
            """
        ).all()
        var started = Set<String>()
        for row in rows {
            let key = try row.decode(column: "process_key", as: String.self)
            let fires: Bool
            if try row.decode(column: "event", as: String.self) == "record_created" {
                fires = created
            } else {
                let trigger = ProcessTriggers.FieldTrigger(
                    recordType: type,
                    field: try row.decode(column: "field", as: String?.self) ?? "",
                    value: try row.decode(column: "value", as: String?.self)
                )
                fires = !created && changes.contains { trigger.matches(type, $0) }
            }
            // One start per process and event, however many of its triggers the change matched.
            if fires, started.insert(key).inserted { try await insertRequest(db, key: key, record: (type, id), campaign: nil, by: user, at: now) }
        }
    }

    /// Called by the stage log in the transaction of every entry into a stage.
    static func requestStarts(_ db: any SQLDatabase, deal: DealID, enteredStage stage: StageID, by user: UserID?, at now: Timestamp) async throws {
        let keys = try await db.raw(
            "SELECT DISTINCT process_key FROM process_triggers WHERE event = 'deal_entered_stage' AND stage_id = \(bind: stage.rawValue)"
        ).all()
        for row in keys {
            try await insertRequest(
                db,
                key: try row.decode(column: "process_key", as: String.self),
                record: (.deal, deal.rawValue),
                campaign: nil,
                by: user,
                at: now
            )
        }
    }

    static func insertRequest(
        _ db: any SQLDatabase,
        key: String,
        record: (type: RecordType, id: Int64),
        campaign: Int64?,
        by user: UserID?,
        at now: Timestamp
    ) async throws {
        try await db.raw(
            """
            INSERT INTO process_start_requests (process_key, record_type, record_id, campaign_id, requested_by, status, created_at)
            VALUES (\(bind: key), \(bind: record.type.rawValue), \(bind: record.id), \(bind: campaign), \(bind: user?.rawValue), \(bind: "pending"), \(bind: now.rawValue))
            """
        ).run()
    }

    /// Starts requested instances, each in the transaction that marks its request done, so a request is started
    /// exactly once whichever node takes it. Answers how many requests were settled.
    @discardableResult
    public func runStartRequests(at now: Timestamp = .now, limit: Int = 100) async throws -> Int {
        let pending = try await database.read { db in
            try await db.raw("SELECT id FROM process_start_requests WHERE status = 'pending' ORDER BY id LIMIT \(bind: limit)").all()
                .map { try $0.decode(column: "id", as: Int64.self) }
        }
        var settled = 0
        for request in pending {
            do {
                let done = try await database.write { db in
                    let lock = self.database.engine == .postgres ? " FOR UPDATE SKIP LOCKED" : ""
                    guard
                        let row = try await db.raw(
                            """
                            SELECT process_key, record_type, record_id, campaign_id, requested_by FROM process_start_requests
                            WHERE id = \(bind: request) AND status = 'pending'\(unsafeRaw: lock)
                            """
                        ).first()
                    else { return false }
                    let type = RecordType(rawValue: try row.decode(column: "record_type", as: String.self)) ?? .deal
                    let started = try await self.insertStart(
                        db,
                        key: try row.decode(column: "process_key", as: String.self),
                        variables: [:],
                        record: (type, try row.decode(column: "record_id", as: Int64.self)),
                        campaign: try row.decode(column: "campaign_id", as: Int64?.self),
                        startedBy: try row.decode(column: "requested_by", as: Int64?.self).map { UserID($0) },
                        at: now
                    )
                    try await db.raw(
                        "UPDATE process_start_requests SET status = 'done', instance_id = \(bind: started.id) WHERE id = \(bind: request)"
                    ).run()
                    return true
                }
                if done { settled += 1 }
            } catch {
                // The process was removed or its file cannot start; the request is kept with why, never retried silently.
                try await database.write { db in
                    try await db.raw(
                        "UPDATE process_start_requests SET status = 'failed', error = \(bind: String(describing: error)) WHERE id = \(bind: request) AND status = 'pending'"
                    ).run()
                }
                settled += 1
            }
        }
        return settled
    }

    // MARK: Campaigns

    /// Starts `key` once for every record of a segment the caller may see — companies, contacts or deals,
    /// chosen by the filters of their list view (tag, priority class, owner, team, search, stage…) — for
    /// secondary sales: renewals, add-ons, cross-sell. Admins and managers; answers the campaign and how many
    /// starts were requested.
    public func startCampaign(
        _ context: AccessContext,
        key: String,
        name: String,
        recordType: RecordType = .company,
        segment: ListQuery,
        at now: Timestamp = .now
    ) async throws -> (id: Int64, requested: Int) {
        try context.require(.runCampaigns)
        let title = name.trimmingWhitespace()
        guard !title.isEmpty, title.count <= 200 else {
            throw StoreError.invalid(
                ValidationErrors([ValidationError(field: "name", code: "required", message: "a campaign needs a name of at most 200 characters")])
            )
        }
        guard let definition = try await definitions().first(where: { $0.key == key }) else { throw StoreError.notFound(.process) }
        if let bound = definition.recordType, bound != recordType {
            throw StoreError.invalid(
                ValidationErrors([
                    ValidationError(
                        field: "segment.record_type",
                        code: "wrong_record_type",
                        message: "\(definition.name) works on a \(bound.rawValue), not a \(recordType.rawValue)"
                    )
                ])
            )
        }
        let targets: [Int64] =
            switch recordType {
            case .company: try await everyID(RecordStore<CompanyFields>(database: database), context, segment)
            case .contact: try await everyID(RecordStore<ContactFields>(database: database), context, segment)
            case .deal: try await everyID(RecordStore<DealFields>(database: database), context, segment)
            default:
                throw StoreError.invalid(
                    ValidationErrors([
                        ValidationError(
                            field: "segment.record_type",
                            code: "invalid_record_type",
                            message: "campaigns run over companies, contacts or deals"
                        )
                    ])
                )
            }
        let described = try PlainJSON.encode(Self.describe(segment))
        let id = try await database.write { db in
            let row = try await db.raw(
                """
                INSERT INTO process_campaigns (process_key, name, segment, record_type, created_by, created_at)
                VALUES (\(bind: key), \(bind: title), \(bind: described), \(bind: recordType.rawValue), \(bind: context.userID?.rawValue), \(bind: now.rawValue)) RETURNING id
                """
            ).first()
            let id = try row!.decode(column: "id", as: Int64.self)
            for record in targets {
                try await Self.insertRequest(db, key: key, record: (recordType, record), campaign: id, by: context.userID, at: now)
            }
            return id
        }
        return (id, targets.count)
    }

    /// Every record of the list the caller may see, page by page.
    private func everyID<Fields: StoredFields>(_ store: RecordStore<Fields>, _ context: AccessContext, _ segment: ListQuery) async throws -> [Int64] {
        var ids: [Int64] = []
        var query = segment
        query.limit = ListQuery.maxLimit
        query.cursor = nil
        while true {
            let page = try await store.list(context, query)
            ids += page.items.map(\.meta.id)
            guard let next = page.nextCursor else { return ids }
            query.cursor = next
        }
    }

    /// The filters a campaign ran over, kept with it so its board can say who it was for.
    static func describe(_ segment: ListQuery) -> [String: String] {
        let filters: [String: String?] = [
            "q": segment.search, "tag": segment.tag, "priority": segment.priority?.rawValue, "owner_id": segment.ownerID?.description,
            "team_id": segment.teamID?.description, "company_id": segment.companyID?.description, "pipeline_id": segment.pipelineID?.description,
            "stage_id": segment.stageID?.description, "status": segment.status?.rawValue,
        ]
        return filters.compactMapValues { $0 }
    }

    /// The campaign board, for admins and managers, counting only the records and instances the caller may see.
    public func campaign(_ context: AccessContext, _ id: Int64) async throws -> ProcessCampaignBoard {
        guard context.may(.runCampaigns) else { throw StoreError.notFound(.process) }
        return try await database.read { db in
            guard
                let campaign = try await db.raw("SELECT name, process_key, record_type, segment FROM process_campaigns WHERE id = \(bind: id)")
                    .first()
            else { throw StoreError.notFound(.process) }
            var requests: [String: Int] = [:]
            let records = ProcessVisibility.record(context, type: "q.record_type", id: "q.record_id")
            for row in try await db.raw(
                "SELECT q.status, COUNT(*) AS n FROM process_start_requests q WHERE q.campaign_id = \(bind: id) AND \(records) GROUP BY q.status"
            ).all() {
                requests[try row.decode(column: "status", as: String.self)] = try row.decode(column: "n", as: Int.self)
            }
            var byStatus: [String: Int] = [:]
            var byStep: [String: Int] = [:]
            var byEnd: [String: Int] = [:]
            let visible = try await ProcessVisibility.load(db, context)
            let rows = try await db.raw(
                "SELECT i.state, i.definition_id FROM process_instances i WHERE i.campaign_id = \(bind: id) AND \(visible.sql)"
            ).all()
            var names: [Int64: [String: String]] = [:]
            for row in rows {
                let state = try JSONDecoder().decode(ProcessInstance.self, from: Data(try row.decode(column: "state", as: String.self).utf8))
                let definition = try row.decode(column: "definition_id", as: Int64.self)
                if names[definition] == nil {
                    let parsed = try await self.engine(db, definition).definition
                    names[definition] = Dictionary(
                        parsed.processes.flatMap(\.nodes).map { ($0.id, $0.name.isEmpty ? $0.id : $0.name) },
                        uniquingKeysWith: { first, _ in first }
                    )
                }
                let label = { (node: String) in names[definition]?[node] ?? node }
                byStatus[state.status.rawValue, default: 0] += 1
                switch state.status {
                case .running, .failed:
                    for token in state.tokens where token.wait != nil && token.wait != .inside { byStep[label(token.node), default: 0] += 1 }
                case .completed, .terminated:
                    if let end = state.trail.last { byEnd[label(end), default: 0] += 1 }
                }
            }
            return ProcessCampaignBoard(
                id: id,
                name: try campaign.decode(column: "name", as: String.self),
                processKey: try campaign.decode(column: "process_key", as: String.self),
                recordType: RecordType(rawValue: try campaign.decode(column: "record_type", as: String.self)) ?? .company,
                segment: (try? PlainJSON.decode([String: String].self, from: try campaign.decode(column: "segment", as: String.self))) ?? [:],
                requested: requests.values.reduce(0, +),
                notStarted: requests["pending"] ?? 0,
                failedToStart: requests["failed"] ?? 0,
                byStatus: byStatus,
                byStep: byStep,
                byEnd: byEnd
            )
        }
    }
}
