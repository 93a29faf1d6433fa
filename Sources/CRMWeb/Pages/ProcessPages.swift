import CRMCore
import CRMStore
import Foundation
import HTTPTypes
import Hummingbird

/// Processes for people: the tasks waiting for me, the processes I may start, and each instance with its
/// diagram, variables and open tasks.
struct ProcessPages {
    let store: Store
    let pages: PageRenderer
    let defaultCountryCode: String

    func addRoutes(to group: RouterGroup<AppContext>) {
        group.get("processes", use: overview)
        group.post("processes/:key/start", use: start)
        group.post("processes/start", use: startForRecord)
        group.get("processes/instances/:id", use: instance)
        group.post("processes/instances/:id/tasks/:token", use: complete)
        group.post("processes/instances/:id/retry", use: retry)
        group.post("processes/instances/:id/tasks/:token/claim", use: claim)
        group.post("processes/:key/campaigns", use: startCampaign)
        group.get("processes/campaigns/:id", use: campaign)
    }

    /// A manager starts the process for every company, contact or deal of a segment (secondary sales).
    @Sendable func startCampaign(_ request: Request, context: AppContext) async throws -> Response {
        let identity = try context.requireIdentity()
        let form = try await FormInput(request, context: context, csrf: identity.csrfToken)
        var type = RecordType(rawValue: form["record_type"]).flatMap { Segment.recordTypes.contains($0) ? $0 : nil } ?? .company
        var filters = [
            "q": form["q"].trimmingWhitespace(), "tag": form["tag"].trimmingWhitespace(), "priority": type == .company ? form["priority"] : "",
        ]
        .filter { !$0.value.isEmpty }
        // A saved segment chosen in the form stands instead of the filters typed beside it.
        if let saved = Int64(form["segment_id"]) {
            let segment = try await store.segments.get(saved)
            (type, filters) = (segment.recordType, segment.filters)
        }
        let segment = try ListQuery(
            filters: filters,
            of: type,
            fields: try await store.fields.custom(type),
            field: "segment",
            defaultCountryCode: defaultCountryCode
        )
        let started = try await store.processes.startCampaign(
            identity.access,
            key: context.parameters.get("key") ?? "",
            name: form["name"],
            recordType: type,
            segment: segment
        )
        return redirect("/processes/campaigns/\(started.id)")
    }

    @Sendable func campaign(_ request: Request, context: AppContext) async throws -> Response {
        let identity = try context.requireIdentity()
        let board = try await store.processes.campaign(identity.access, try context.pathID())
        let t = pages.catalog.strings(for: PageRenderer.language(identity: identity, request: request))
        func rows(_ counts: [String: Int]) -> [[String: Any]] {
            counts.sorted { ($0.value, $1.key) > ($1.value, $0.key) }.map { ["label": $0.key, "count": $0.value] }
        }
        let chart = SVGChart.bars(
            title: board.name,
            categories: board.byStep.keys.sorted() + board.byEnd.keys.sorted(),
            series: [
                SVGChart.Series(
                    name: t["process_campaign_instances"] ?? "",
                    values: board.byStep.keys.sorted().map { Double(board.byStep[$0]!) } + board.byEnd.keys.sorted().map { Double(board.byEnd[$0]!) },
                    labels: board.byStep.keys.sorted().map { String(board.byStep[$0]!) } + board.byEnd.keys.sorted().map { String(board.byEnd[$0]!) }
                )
            ]
        )
        let segment =
            [t["nav_\(board.recordType.collection ?? "")"] ?? ""]
            + board.segment.keys.sorted().map { "\($0): \(board.segment[$0]!)" }
        return pages.render(
            "process_campaign",
            [
                "segment": segment.joined(separator: " · "),
                "name": board.name, "requested": board.requested, "not_started": board.notStarted, "failed_to_start": board.failedToStart,
                "by_status": rows(board.byStatus.reduce(into: [:]) { $0[t["process_status_\($1.key)"] ?? $1.key] = $1.value }),
                "by_step": rows(board.byStep), "by_end": rows(board.byEnd), "chart": chart,
            ],
            identity: identity,
            request: request,
            title: board.name
        )
    }

    @Sendable func overview(_ request: Request, context: AppContext) async throws -> Response {
        let identity = try context.requireIdentity()
        let format = pages.formatter(identity)
        let tasks = Self.byDue(try await store.processes.tasks(identity.access))
        let definitions = try await store.processes.definitions()
        let query = QueryParameters(request.queryDictionary, allowed: ["process"])
        let process = query.text("process")
        try query.finish()
        let recent = try await store.processes.recentInstances(identity.access, process: process)
        let t = pages.catalog.strings(for: PageRenderer.language(identity: identity, request: request))
        return pages.render(
            "processes",
            [
                "csrf": identity.csrfToken ?? "",
                "tasks": tasks.map { Self.row($0, format) },
                "definitions": definitions.map { ["key": $0.key, "name": $0.name, "version": $0.version] as [String: Any] },
                "can_campaign": identity.access.may(.runCampaigns),
                "priorities": Priority.allCases.map(\.rawValue),
                "segments": try await store.segments.list().map { ["id": $0.id, "name": $0.name] as [String: Any] },
                "process_filter": process ?? "",
                "instances": recent.map {
                    [
                        "id": $0.id, "name": $0.name, "key": $0.process, "status": t["process_status_\($0.status.rawValue)"] ?? $0.status.rawValue,
                        "waiting_at": $0.waitingAt.joined(separator: ", "), "since": format.dateTime($0.since),
                        "waited": $0.status == .running ? Self.waited(since: $0.since, t) : "",
                    ] as [String: Any]
                },
            ],
            identity: identity,
            request: request,
            title: t["nav_processes"]
        )
    }

    /// The processes panel of a deal, company, contact or lead page: the instances bound to it, and a start form
    /// offering the processes for its kind of record and those for none.
    static func panel(
        _ store: Store,
        _ identity: Identity,
        _ t: [String: String],
        record: (type: RecordType, id: Int64)
    ) async throws -> [String: any Sendable] {
        let choices = try await store.processes.definitions().filter { $0.recordType == nil || $0.recordType == record.type }
        let instances = try await store.processes.instances(identity.access, boundTo: record)
        return [
            "process_panel": [
                "csrf": identity.csrfToken ?? "", "record_type": record.type.rawValue, "record_id": record.id,
                "choices": choices.map { ["key": $0.key, "name": $0.name] as [String: any Sendable] }, "has_choices": !choices.isEmpty,
                "instances": instances.map {
                    ["id": $0.id, "name": $0.name, "status": t["process_status_\($0.status)"] ?? $0.status] as [String: any Sendable]
                },
            ] as [String: any Sendable]
        ]
    }

    /// How long an instance has waited, to the minute: "3 d 4 h", "2 h 5 min", "7 min".
    static func waited(since: Timestamp, _ t: [String: String], now: Timestamp = .now) -> String {
        let minutes = max(0, now.rawValue - since.rawValue) / 60_000
        let (days, hours, rest) = (minutes / 1_440, minutes % 1_440 / 60, minutes % 60)
        let d = t["days"] ?? "d"
        let h = t["hours_short"] ?? "h"
        let m = t["minutes_short"] ?? "min"
        if days > 0 { return "\(days) \(d) \(hours) \(h)" }
        return hours > 0 ? "\(hours) \(h) \(rest) \(m)" : "\(rest) \(m)"
    }

    /// Tasks with a due date first, soonest first; then the rest, oldest first.
    static func byDue(_ tasks: [ProcessStore.OpenTask]) -> [ProcessStore.OpenTask] {
        tasks.enumerated().sorted { left, right in
            switch (left.element.dueAt, right.element.dueAt) {
            case (let a?, let b?): a == b ? left.offset < right.offset : a < b
            case (.some, nil): true
            case (nil, .some): false
            case (nil, nil): left.offset < right.offset
            }
        }.map(\.element)
    }

    static func row(_ task: ProcessStore.OpenTask, _ format: DisplayFormatter) -> [String: Any] {
        [
            "instance": task.instanceID, "token": task.token, "name": task.name, "process": task.processName,
            "since": format.dateTime(task.createdAt),
            "due": task.dueAt.map(format.dateTime) ?? "", "overdue": task.dueAt.map { $0 < .now } ?? false,
            "claimable": (task.assignee ?? "").isEmpty && !task.candidateGroups.isEmpty,
        ]
    }

    @Sendable func start(_ request: Request, context: AppContext) async throws -> Response {
        let identity = try context.requireIdentity()
        _ = try await FormInput(request, context: context, csrf: identity.csrfToken)
        let started = try await store.processes.start(identity.access, key: context.parameters.get("key") ?? "")
        return redirect("/processes/instances/\(started.id)")
    }

    /// From a record's page: the chosen process, bound to that deal, company, contact or lead.
    @Sendable func startForRecord(_ request: Request, context: AppContext) async throws -> Response {
        let identity = try context.requireIdentity()
        let form = try await FormInput(request, context: context, csrf: identity.csrfToken)
        guard let type = RecordType(rawValue: form["record_type"]), let id = Int64(form["record_id"]), id > 0 else {
            throw APIError.badRequest("invalid_record", "the form names no record to start the process for")
        }
        let started = try await store.processes.start(identity.access, key: form["key"], record: (type, id))
        return redirect("/processes/instances/\(started.id)")
    }

    @Sendable func instance(_ request: Request, context: AppContext) async throws -> Response {
        let identity = try context.requireIdentity()
        return try await instancePage(
            identity,
            request,
            try await store.processes.instance(identity.access, try context.pathID()),
            errors: [],
            status: .ok
        )
    }

    /// The task's form fields arrive as text; numbers and yes/no become typed variables.
    @Sendable func complete(_ request: Request, context: AppContext) async throws -> Response {
        let identity = try context.requireIdentity()
        let id = try context.pathID()
        let form = try await FormInput(request, context: context, csrf: identity.csrfToken)
        guard let token = context.parameters.get("token").flatMap(Int.init) else {
            throw APIError(.notFound, code: "not_found", detail: "no such task")
        }
        let stored = try await store.processes.instance(identity.access, id)
        let definition = try await store.processes.parsed(stored.definition.id)
        var variables: [String: ProcessValue] = [:]
        if let node = stored.state.tokens.first(where: { $0.id == token }).flatMap({ token in
            definition.processes.flatMap(\.nodes).first { $0.id == token.node }
        }),
            case .task(.user(let spec)) = node.kind
        {
            for field in spec.formFields {
                let text = form["field_\(field.id)"]
                switch field.type {
                case "boolean": variables[field.id] = .bool(text == "on")
                case "long", "decimal", "number":
                    if let number = Decimal(string: text.replacingOccurrences(of: ",", with: "."), locale: Locale(identifier: "en_US_POSIX")) {
                        variables[field.id] = .number(number)
                    }
                default: variables[field.id] = .string(text)
                }
            }
        }
        do {
            _ = try await store.processes.complete(identity.access, instance: id, task: token, variables: variables)
            return redirect("/processes/instances/\(id)")
        } catch let error as StoreError {
            return try await instancePage(identity, request, stored, errors: error.formErrors, status: .unprocessableContent)
        }
    }

    @Sendable func claim(_ request: Request, context: AppContext) async throws -> Response {
        let identity = try context.requireIdentity()
        _ = try await FormInput(request, context: context, csrf: identity.csrfToken)
        guard let token = context.parameters.get("token").flatMap(Int.init) else {
            throw APIError(.notFound, code: "not_found", detail: "no such task")
        }
        try await store.processes.claim(identity.access, instance: try context.pathID(), task: token)
        return redirect("/processes")
    }

    @Sendable func retry(_ request: Request, context: AppContext) async throws -> Response {
        let identity = try context.require(.manageProcesses)
        _ = try await FormInput(request, context: context, csrf: identity.csrfToken)
        let id = try context.pathID()
        _ = try await store.processes.retry(identity.access, instance: id)
        return redirect("/processes/instances/\(id)")
    }

    private func instancePage(
        _ identity: Identity,
        _ request: Request,
        _ stored: StoredProcessInstance,
        errors: [ValidationError],
        status: HTTPResponse.Status
    ) async throws -> Response {
        let t = pages.catalog.strings(for: PageRenderer.language(identity: identity, request: request))
        let definition = try await store.processes.parsed(stored.definition.id)
        let nodes = Dictionary(definition.processes.flatMap(\.nodes).map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        let state = stored.state
        let current = Set(state.tokens.map(\.node))
        let diagram = ProcessDiagram.svg(definition, current: current, done: Set(state.trail), title: stored.definition.name)
        let tasks: [[String: Any]] = state.openTasks.map { token in
            var fields: [[String: Any]] = []
            if case .task(.user(let spec))? = nodes[token.node]?.kind {
                fields = spec.formFields.map {
                    [
                        "id": $0.id, "label": $0.label.isEmpty ? $0.id : $0.label, "boolean": $0.type == "boolean",
                        "number": ["long", "decimal", "number"].contains($0.type),
                    ]
                }
            }
            return ["token": token.id, "name": nodes[token.node]?.name.isEmpty == false ? nodes[token.node]!.name : token.node, "fields": fields]
        }
        return pages.render(
            "process_instance",
            [
                "csrf": identity.csrfToken ?? "", "errors": errors.map { pages.message($0, t) }, "has_errors": !errors.isEmpty,
                "id": stored.id, "name": stored.definition.name, "version": stored.definition.version,
                "status": t["process_status_\(state.status.rawValue)"] ?? state.status.rawValue, "status_key": state.status.rawValue,
                "incident": state.incident ?? "", "failed": state.status == .failed, "can_retry": identity.access.may(.manageProcesses),
                "diagram": diagram ?? "", "has_diagram": diagram != nil,
                "trail": state.trail.map { nodes[$0]?.name.isEmpty == false ? nodes[$0]!.name : $0 },
                "variables": state.variables.keys.sorted().map { ["name": $0, "value": state.variables[$0]!.description] },
                "tasks": tasks, "next_timer": state.nextTimer.map { pages.formatter(identity).dateTime($0) } ?? "",
            ],
            identity: identity,
            request: request,
            status: status,
            title: stored.definition.name
        )
    }
}
