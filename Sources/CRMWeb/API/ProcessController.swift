import CRMCore
import CRMStore
import Foundation
import Hummingbird

/// Business processes as JSON: deploy BPMN files, start instances, work on tasks, send messages, retry incidents.
struct ProcessController {
    let store: Store
    let defaultCountryCode: String

    func addRoutes(to group: RouterGroup<AppContext>) {
        group.get("processes", use: definitions)
        group.post("processes", use: deploy)
        group.post("processes/:key/instances", use: start)
        group.get("process-instances", use: instances)
        group.get("process-instances/:id", use: instance)
        group.post("process-instances/:id/tasks/:token/complete", use: complete)
        group.post("process-instances/:id/tasks/:token/claim", use: claim)
        group.post("process-instances/:id/messages", use: message)
        group.post("process-instances/:id/retry", use: retry)
        group.get("process-tasks", use: tasks)
        group.get("processes/:key/triggers", use: triggers)
        group.put("processes/:key/triggers", use: setTriggers)
        group.post("processes/:key/campaigns", use: startCampaign)
        group.get("process-campaigns/:id", use: campaign)
        group.post("process-messages", use: correlate)
    }

    /// `{"message": "Payment received", "correlation": {"order_id": 42}, "variables": {...}}`.
    @Sendable func correlate(_ request: Request, context: AppContext) async throws -> Response {
        let identity = try context.requireIdentity()
        var read = try await Self.variables(request, context: context, allowed: ["message", "correlation", "variables"])
        let name = read.input.string("message") ?? ""
        if name.trimmingWhitespace().isEmpty { read.input.fail("message", "required", "name the message") }
        var correlation: [String: ProcessValue] = [:]
        switch read.input.object["correlation"] {
        case nil, .null?: break
        case .object(let fields)?: correlation = fields.mapValues(ProcessValue.init(json:))
        case let other?: read.input.fail("correlation", "wrong_type", "must be an object of values, not \(other.typeName)")
        }
        try read.input.finish()
        let result = try await store.processes.correlate(identity.access, message: name, correlation: correlation, variables: read.values)
        return JSONResponse.ok(.object(["delivered": .array(result.delivered.map { .int($0) }), "started": .array(result.started.map { .int($0) })]))
    }

    @Sendable func triggers(_ request: Request, context: AppContext) async throws -> Response {
        _ = try context.requireIdentity()
        return JSONResponse.ok(try await store.processes.triggers(key: context.parameters.get("key") ?? "").json)
    }

    /// `{"deal_entered_stage": [stage ids], "record_created": ["company"], "field_changed": [{"record_type":
    /// "company", "field": "priority", "value": "A"}]}`: replaces every trigger of the process; a key left out
    /// means none of that kind.
    @Sendable func setTriggers(_ request: Request, context: AppContext) async throws -> Response {
        let identity = try context.requireIdentity()
        var input = try JSONInput(
            try await JSONInput.body(request, context: context),
            request: request,
            allowed: ["deal_entered_stage", "record_created", "field_changed"]
        )
        let stages = input.array("deal_entered_stage") { element, path throws(ValidationError) -> StageID in
            guard case .int(let id) = element, id > 0 else { throw ValidationError(field: path, code: "wrong_type", message: "must be a stage id") }
            return StageID(id)
        }
        let created = input.array("record_created") { element, path throws(ValidationError) -> RecordType in
            guard case .string(let text) = element, let type = RecordType(rawValue: text) else {
                throw ValidationError(field: path, code: "invalid_record_type", message: "must be deal, company, contact or lead")
            }
            return type
        }
        let changed = input.array("field_changed") { element, path throws(ValidationError) -> ProcessTriggers.FieldTrigger in
            guard case .object(let fields) = element, case .string(let typeText)? = fields["record_type"], let type = RecordType(rawValue: typeText),
                case .string(let field)? = fields["field"], Set(fields.keys).isSubset(of: ["record_type", "field", "value"])
            else {
                throw ValidationError(
                    field: path,
                    code: "invalid_trigger",
                    message: "must be {\"record_type\": \"deal\" | \"company\" | \"contact\" | \"lead\", \"field\": name, \"value\": optional text}"
                )
            }
            switch fields["value"] {
            case nil, .null?: return .init(recordType: type, field: field)
            case .string(let value)?: return .init(recordType: type, field: field, value: value)
            default: throw ValidationError(field: "\(path).value", code: "wrong_type", message: "must be text")
            }
        }
        try input.finish()
        let triggers = ProcessTriggers(dealEnteredStage: stages ?? [], recordCreated: created ?? [], fieldChanged: changed ?? [])
        return JSONResponse.ok(try await store.processes.setTriggers(identity.access, key: context.parameters.get("key") ?? "", triggers).json)
    }

    /// `{"name": "Renewals 2027", "segment": {"record_type": "company", "priority": "A", "tag": "renewal"}}`, or a
    /// saved segment `{"name": …, "segment": {"segment_id": 4}}`: one instance per record of the segment the
    /// caller may see. The filters are those of the record type's list (`Segment.keeps`), custom fields' too.
    @Sendable func startCampaign(_ request: Request, context: AppContext) async throws -> Response {
        let identity = try context.requireIdentity()
        var input = try JSONInput(try await JSONInput.body(request, context: context), request: request, allowed: ["name", "segment"])
        let name = input.string("name") ?? ""
        var recordType = RecordType.company
        var saved: Int64?
        var filters = input.texts("segment") ?? [:]
        if input.object["segment"] == nil {
            input.fail(
                "segment",
                "required",
                "must be an object: {\"record_type\": \"company\", \"priority\": \"A\", \"tag\": \"renewal\"} or {\"segment_id\": 4}"
            )
        } else if let id = filters.removeValue(forKey: "segment_id") {
            if let id = Int64(id), id > 0, filters.isEmpty {
                saved = id
            } else {
                input.fail("segment.segment_id", "invalid_segment", "must be a saved segment's id, alone")
            }
        } else {
            if let type = filters.removeValue(forKey: "record_type") {
                if let parsed = RecordType(rawValue: type), Segment.recordTypes.contains(parsed) {
                    recordType = parsed
                } else {
                    input.fail("segment.record_type", "invalid_record_type", "must be company, contact or deal")
                }
            }
            if filters.isEmpty { input.fail("segment", "required", "choose the segment by at least one filter of the list, such as priority or tag") }
        }
        try input.finish()
        if let saved {
            let segment = try await store.segments.get(saved)
            (recordType, filters) = (segment.recordType, segment.filters)
        }
        let segment = try ListQuery(
            filters: filters,
            of: recordType,
            fields: try await store.fields.custom(recordType),
            field: "segment",
            defaultCountryCode: defaultCountryCode
        )
        let started = try await store.processes.startCampaign(
            identity.access,
            key: context.parameters.get("key") ?? "",
            name: name,
            recordType: recordType,
            segment: segment
        )
        return JSONResponse.ok(.object(["id": .int(started.id), "requested": .int(Int64(started.requested))]), status: .created)
    }

    @Sendable func campaign(_ request: Request, context: AppContext) async throws -> Response {
        let identity = try context.requireIdentity()
        let board = try await store.processes.campaign(identity.access, try context.pathID())
        func counts(_ values: [String: Int]) -> JSONValue { .object(values.mapValues { .int(Int64($0)) }) }
        return JSONResponse.ok(
            .object([
                "id": .int(board.id), "name": .string(board.name), "process": .string(board.processKey), "requested": .int(Int64(board.requested)),
                "record_type": .string(board.recordType.rawValue), "segment": .object(board.segment.mapValues(JSONValue.string)),
                "not_started": .int(Int64(board.notStarted)), "failed_to_start": .int(Int64(board.failedToStart)),
                "by_status": counts(board.byStatus), "by_step": counts(board.byStep), "by_end": counts(board.byEnd),
            ])
        )
    }

    @Sendable func definitions(_ request: Request, context: AppContext) async throws -> Response {
        _ = try context.requireIdentity()
        return JSONResponse.ok(.object(["items": .array(try await store.processes.definitions().map(\.json))]))
    }

    /// The body is the BPMN file itself, as Camunda Modeler or bpmn.io saved it.
    @Sendable func deploy(_ request: Request, context: AppContext) async throws -> Response {
        let identity = try context.requireIdentity()
        let type = request.headers[.contentType]?.lowercased() ?? ""
        guard type.hasPrefix("application/xml") || type.hasPrefix("text/xml") || type.hasPrefix("application/bpmn+xml") else {
            throw APIError(.unsupportedMediaType, code: "unsupported_media_type", detail: "send the BPMN file as application/xml")
        }
        var query = QueryParameters(request.queryDictionary, allowed: ["record_type"])
        var binding = ProcessBinding.unchanged
        if let text = query.text("record_type") {
            if text == "none" {
                binding = .none
            } else if let type = RecordType(rawValue: text), ProcessTriggers.boundTypes.contains(type) {
                binding = .record(type)
            } else {
                query.fail(ValidationError(field: "record_type", code: "invalid_choice", message: "must be deal, company, contact, lead or none"))
            }
        }
        try query.finish()
        let body = try await JSONInput.body(request, context: context)
        let deployed = try await store.processes.deploy(identity.access, bpmn: Data(body.readableBytesView), binding: binding)
        return JSONResponse.ok(.object(["items": .array(deployed.map(\.json))]), status: .created)
    }

    @Sendable func start(_ request: Request, context: AppContext) async throws -> Response {
        let identity = try context.requireIdentity()
        let key = context.parameters.get("key") ?? ""
        var read = try await Self.variables(request, context: context, allowed: ["variables", "record"])
        var record: (type: RecordType, id: Int64)?
        switch read.input.object["record"] {
        case nil, .null?: break
        case .object(let fields)?:
            if case .string(let type)? = fields["type"], let kind = RecordType(rawValue: type), ProcessTriggers.boundTypes.contains(kind),
                case .int(let id)? = fields["id"], id > 0, fields.count == 2
            {
                record = (kind, id)
            } else {
                read.input.fail("record", "invalid_record", "must be {\"type\": \"deal\" | \"company\" | \"contact\" | \"lead\", \"id\": id}")
            }
        case let other?: read.input.fail("record", "wrong_type", "must be an object, not \(other.typeName)")
        }
        try read.input.finish()
        let instance = try await store.processes.start(identity.access, key: key, variables: read.values, record: record)
        return JSONResponse.ok(instance.json, status: .created)
    }

    /// The instances the caller may see, most recently moved first: `?process=key&limit=50`.
    @Sendable func instances(_ request: Request, context: AppContext) async throws -> Response {
        let identity = try context.requireIdentity()
        var query = QueryParameters(request.queryDictionary, allowed: ["process", "limit"])
        let limit = query.integer("limit", in: 1...200) ?? 50
        let key = query.values["process"]
        if let key, key.isEmpty || key.count > 200 {
            query.fail(ValidationError(field: "process", code: "invalid_key", message: "must be a process key of 1 to 200 characters"))
        }
        try query.finish()
        let instances = try await store.processes.recentInstances(identity.access, process: key, limit: limit)
        return JSONResponse.ok(.object(["items": .array(instances.map(\.json))]))
    }

    @Sendable func instance(_ request: Request, context: AppContext) async throws -> Response {
        let identity = try context.requireIdentity()
        return JSONResponse.ok(try await store.processes.instance(identity.access, try context.pathID()).json)
    }

    @Sendable func complete(_ request: Request, context: AppContext) async throws -> Response {
        let identity = try context.requireIdentity()
        guard let token = context.parameters.get("token").flatMap(Int.init), token > 0 else {
            throw APIError(.notFound, code: "not_found", detail: "no such task")
        }
        let variables = try await Self.variables(request, context: context, allowed: ["variables"])
        let instance = try await store.processes.complete(identity.access, instance: try context.pathID(), task: token, variables: variables.values)
        return JSONResponse.ok(instance.json)
    }

    @Sendable func claim(_ request: Request, context: AppContext) async throws -> Response {
        let identity = try context.requireIdentity()
        guard let token = context.parameters.get("token").flatMap(Int.init), token > 0 else {
            throw APIError(.notFound, code: "not_found", detail: "no such task")
        }
        let id = try context.pathID()
        try await store.processes.claim(identity.access, instance: id, task: token)
        return JSONResponse.ok(try await store.processes.instance(identity.access, id).json)
    }

    /// `{"message": "Order paid", "variables": {...}}`; answers whether anything in the instance waited for it.
    @Sendable func message(_ request: Request, context: AppContext) async throws -> Response {
        let identity = try context.requireIdentity()
        var read = try await Self.variables(request, context: context, allowed: ["variables", "message"])
        let name = read.input.string("message") ?? ""
        if name.trimmingWhitespace().isEmpty { read.input.fail("message", "required", "name the message") }
        try read.input.finish()
        let delivered = try await store.processes.deliver(identity.access, instance: try context.pathID(), message: name, variables: read.values)
        return JSONResponse.ok(.object(["delivered": .bool(delivered)]))
    }

    @Sendable func retry(_ request: Request, context: AppContext) async throws -> Response {
        let identity = try context.requireIdentity()
        return JSONResponse.ok(try await store.processes.retry(identity.access, instance: try context.pathID()).json)
    }

    @Sendable func tasks(_ request: Request, context: AppContext) async throws -> Response {
        let identity = try context.requireIdentity()
        let query = QueryParameters(request.queryDictionary, allowed: [])
        try query.finish()
        let tasks = try await store.processes.tasks(identity.access)
        return JSONResponse.ok(.object(["items": .array(tasks.map(\.json))]))
    }

    /// Reads `variables` (an object of any JSON values) from an optional body.
    static func variables(
        _ request: Request,
        context: AppContext,
        allowed: Set<String>
    ) async throws -> (input: JSONInput, values: [String: ProcessValue]) {
        let body = try await JSONInput.body(request, context: context)
        var input = body.readableBytes == 0 ? JSONInput.empty : try JSONInput(body, request: request, allowed: allowed)
        var values: [String: ProcessValue] = [:]
        switch input.object["variables"] {
        case nil, .null?: break
        case .object(let fields)?: values = fields.mapValues(ProcessValue.init(json:))
        case let other?: input.fail("variables", "wrong_type", "must be an object of values, not \(other.typeName)")
        }
        if allowed == ["variables"] { try input.finish() }
        return (input, values)
    }
}

extension ProcessDefinitionInfo {
    var json: JSONValue {
        .object([
            "id": .int(id), "key": .string(key), "name": .string(name), "version": .int(Int64(version)), "created_at": .string(createdAt.iso8601),
            "record_type": recordType.map { .string($0.rawValue) } ?? .null,
        ])
    }
}

extension ProcessTriggers {
    var json: JSONValue {
        .object([
            "deal_entered_stage": .array(dealEnteredStage.map { .int($0.rawValue) }),
            "record_created": .array(recordCreated.map { .string($0.rawValue) }),
            "field_changed": .array(
                fieldChanged.map {
                    .object([
                        "record_type": .string($0.recordType.rawValue), "field": .string($0.field), "value": $0.value.map(JSONValue.string) ?? .null,
                    ])
                }
            ),
        ])
    }
}

extension StoredProcessInstance {
    var json: JSONValue {
        var object: [String: JSONValue] = [
            "id": .int(id), "process": definition.json, "status": .string(state.status.rawValue),
            "variables": .object(state.variables.mapValues(\.json)),
            "open_tasks": .array(state.openTasks.map { .object(["token": .int(Int64($0.id)), "node": .string($0.node)]) }),
            "trail": .array(state.trail.map { .string($0) }), "steps": .int(Int64(steps)),
            "incident": state.incident.map { .string($0) } ?? .null,
            "next_timer_at": state.nextTimer.map { .string($0.iso8601) } ?? .null,
            "record": record.map { .object(["type": .string($0.type.rawValue), "id": .int($0.id)]) } ?? .null,
        ]
        if !state.outbox.isEmpty { object["messages_sent"] = .array(state.outbox.map { .string($0) }) }
        return .object(object)
    }
}

extension ProcessStore.OpenTask {
    var json: JSONValue {
        .object([
            "instance_id": .int(instanceID), "token": .int(Int64(token)), "node": .string(node), "name": .string(name),
            "assignee": assignee.map { .string($0) } ?? .null, "candidate_groups": .array(candidateGroups.map { .string($0) }),
            "process": .string(processName), "created_at": .string(createdAt.iso8601), "due_at": dueAt.map { .string($0.iso8601) } ?? .null,
        ])
    }
}

extension ProcessStore.InstanceSummary {
    var json: JSONValue {
        .object([
            "id": .int(id), "process": .string(process), "name": .string(name), "status": .string(status.rawValue),
            "waiting_at": .array(waitingAt.map { .string($0) }), "since": .string(since.iso8601),
        ])
    }
}
