import CRMCore
import CRMStore
import Foundation
import HTTPTypes
import Hummingbird

/// The kanban board, the deal page's funnel parts, deal moves from forms, and pipeline administration.
struct FunnelPages {
    let store: Store
    let pages: PageRenderer

    func addRoutes(to group: RouterGroup<AppContext>) {
        group.get("board", use: firstBoard)
        group.get("pipelines/:id/board", use: board)
        group.get("pipelines/:id/stages/:stage/more", use: moreCards)
        group.post("deals/:id/move", use: move)
        group.post("deals/:id/win", use: win)
        group.post("deals/:id/lose", use: lose)
        group.post("deals/:id/reopen", use: reopen)
        group.post("deals/:id/contacts", use: addContact)
        group.post("deals/:id/contacts/:contact/remove", use: removeContact)
        group.get("admin/pipelines", use: admin)
        group.post("admin/pipelines", use: createPipeline)
        group.post("admin/pipelines/:id/stages", use: addStage)
        group.post("admin/stages/:id", use: updateStage)
        group.post("admin/stages/:id/archive", use: archiveStage)
        group.post("admin/pipelines/:id", use: updatePipeline)
        group.post("admin/pipelines/:id/order", use: reorder)
        group.post("admin/loss-reasons", use: createLossReason)
        group.post("admin/loss-reasons/:id", use: updateLossReason)
    }

    // MARK: Board

    @Sendable func firstBoard(_ request: Request, context: AppContext) async throws -> Response {
        _ = try context.requireIdentity()
        guard let first = try await store.pipelines.list().first(where: \.isActive) else { return redirect("/admin/pipelines") }
        return redirect("/pipelines/\(first.id)/board")
    }

    @Sendable func board(_ request: Request, context: AppContext) async throws -> Response {
        let identity = try context.requireIdentity()
        let language = PageRenderer.language(identity: identity, request: request)
        let t = pages.strings(language)
        let parameters = Self.boardParameters(request, identity)
        let filter = try FunnelController.boardFilter(parameters, extra: [])
        let pipelineID = PipelineID(try context.pathID())
        let (pipeline, columns): (Pipeline, [FunnelStore.Column])
        do {
            (pipeline, columns) = try await store.funnel.board(identity.access, pipeline: pipelineID, filter: filter, cardsPerStage: 20)
        } catch StoreError.invalid {
            throw APIError(.notFound, code: "not_found", detail: "no such pipeline")
        }
        let format = pages.formatter(identity)
        let users = try await store.users.list()
        let cards = try await cardRows(identity, columns.flatMap { column in column.cards.map { ($0, column.stage) } }, users: users)
        let here = "/pipelines/\(pipeline.id)/board" + (request.uri.query.map { "?" + $0 } ?? "")
        let data: [String: Any] = [
            "pipeline": ["id": pipeline.id.rawValue, "name": pipeline.name],
            "pipelines": try await store.pipelines.list().filter(\.isActive).map {
                ["id": $0.id.rawValue, "name": $0.name, "selected": $0.id == pipeline.id]
            },
            "here": here,
            "columns": columns.map { column -> [String: Any] in
                [
                    "stage_id": column.stage.id.rawValue, "name": column.stage.name(in: language), "probability": column.stage.probability,
                    "count": format.number(column.count),
                    "sum": column.sums.sorted { $0.key < $1.key }.compactMap { code, minor in
                        (try? Currency(code: code)).map { format.money(Money(minorUnits: minor, currency: $0)) }
                    }.joined(separator: " + "),
                    // The stages a card of this column can move to; cards find it in their column's context.
                    "targets": Self.targets(pipeline, from: column.stage, language),
                    "cards": column.cards.compactMap { cards[$0.meta.id] },
                    // The next cards come as the same card markup, with the filters in force (a rep's own deals too).
                    "more": column.nextAfter.map {
                        "/pipelines/\(pipeline.id)/stages/\(column.stage.id)/more?" + Self.query(parameters.merging(["after": String($0)]) { $1 })
                    } ?? "",
                ]
            },
            "reasons": try await store.pipelines.lossReasons().map { ["id": $0.id.rawValue, "name": $0.name(in: language)] },
            "owners": users.filter(\.isActive).map {
                [
                    "id": $0.id.rawValue, "name": $0.id == identity.user.id ? "\($0.name) (\(t["me"] ?? "me"))" : $0.name,
                    "selected": $0.id == filter.ownerID,
                ]
            },
            "teams": try await store.teams.list().map { ["id": $0.id.rawValue, "name": $0.name, "selected": $0.id == filter.teamID] },
            "stale_only": filter.staleOnly, "close_from": filter.closeFrom?.description ?? "", "close_to": filter.closeTo?.description ?? "",
            "source": filter.source ?? "",
        ]
        return pages.render("board", data, identity: identity, request: request, title: "\(t["nav_board"] ?? "Board") · \(pipeline.name)")
    }

    /// `/pipelines/:id/stages/:stage/more?after=…`: the next cards of a column as the board shows them, moves and all,
    /// so "load more" gives full cards. The id to continue after is in `X-Next-After`.
    @Sendable func moreCards(_ request: Request, context: AppContext) async throws -> Response {
        let identity = try context.requireIdentity()
        let language = PageRenderer.language(identity: identity, request: request)
        let parameters = Self.boardParameters(request, identity)
        let filter = try FunnelController.boardFilter(parameters, extra: ["after", "here"])
        guard let after = parameters["after"].flatMap(Int64.init) else {
            throw APIError.badRequest("invalid_parameters", "after must be the id of the last card shown", field: "after")
        }
        let pipeline = try await store.pipelines.get(PipelineID(try context.pathID()))
        guard let stage = pipeline.stages.first(where: { String($0.id.rawValue) == context.parameters.get("stage") }) else {
            throw APIError(.notFound, code: "not_found", detail: "no such stage")
        }
        let page = try await store.funnel.moreCards(identity.access, pipeline: pipeline.id, stage: stage.id, filter: filter, after: after, limit: 20)
        let cards = try await cardRows(identity, page.cards.map { ($0, stage) }, users: try await store.users.list())
        let data: [String: Any] = [
            "cards": page.cards.compactMap { cards[$0.meta.id] }, "targets": Self.targets(pipeline, from: stage, language),
            "here": AuthPages.safeNext(parameters["here"] ?? "/pipelines/\(pipeline.id)/board"),
        ]
        var response = pages.render("board_cards", data, identity: identity, request: request)
        if let next = page.nextAfter { response.headers[HTTPField.Name("X-Next-After")!] = String(next) }
        return response
    }

    /// The board's filters, where a rep starts at their own deals and "all" asks for everyone's.
    static func boardParameters(_ request: Request, _ identity: Identity) -> [String: String] {
        var parameters = request.queryDictionary.filter { !$0.value.isEmpty }
        if parameters["owner_id"] == nil, identity.user.role == .salesRep { parameters["owner_id"] = String(identity.user.id.rawValue) }
        if parameters["owner_id"] == "all" { parameters["owner_id"] = nil }
        return parameters
    }

    static func query(_ parameters: [String: String]) -> String {
        parameters.sorted { $0.key < $1.key }.map { "\($0.key)=\(percentEncoded($0.value))" }.joined(separator: "&")
    }

    static func targets(_ pipeline: Pipeline, from stage: Stage, _ language: String) -> [[String: Any]] {
        pipeline.stages.filter { $0.id != stage.id }.map { ["id": $0.id.rawValue, "name": $0.name(in: language)] }
    }

    /// A card's values, by deal id.
    private func cardRows(_ identity: Identity, _ deals: [(Deal, Stage)], users: [User]) async throws -> [Int64: [String: Any]] {
        let format = pages.formatter(identity)
        let t = pages.strings(MessageCatalog.language(of: identity.user.locale))
        let owners = Dictionary(uniqueKeysWithValues: users.map { ($0.id, $0.name) })
        let companies = try await store.companies.many(identity.access, deals.compactMap { $0.0.fields.companyID?.rawValue })
        let now = Timestamp.now
        return Dictionary(
            uniqueKeysWithValues: deals.map { deal, stage in
                (
                    deal.meta.id,
                    [
                        "id": deal.meta.id, "version": deal.meta.version, "title": deal.fields.title,
                        "company": deal.fields.companyID.flatMap { companies[$0.rawValue]?.fields.name } ?? "",
                        "amount": format.money(deal.fields.amount), "owner": owners[deal.meta.ownerID] ?? "",
                        "days": Plural.counted(deal.fields.daysInStage(at: now), "day", t, format: format.number),
                        "stale": deal.fields.isStale(in: stage, at: now),
                    ] as [String: Any]
                )
            }
        )
    }

    // MARK: Moves from forms (the keyboard and no-JavaScript path of the board and the deal page)

    @Sendable func move(_ request: Request, context: AppContext) async throws -> Response {
        try await applyForm(request, context) { form in .move(to: StageID(Int64(form["stage_id"]) ?? 0)) }
    }

    @Sendable func win(_ request: Request, context: AppContext) async throws -> Response {
        try await applyForm(request, context) { _ in .win }
    }

    @Sendable func lose(_ request: Request, context: AppContext) async throws -> Response {
        try await applyForm(request, context) { form in .lose(reason: LossReasonID(Int64(form["loss_reason_id"]) ?? 0), comment: form["comment"]) }
    }

    @Sendable func reopen(_ request: Request, context: AppContext) async throws -> Response {
        try await applyForm(request, context) { form in .reopen(to: Int64(form["stage_id"]).map { StageID($0) }) }
    }

    private func applyForm(_ request: Request, _ context: AppContext, _ read: (FormInput) -> FunnelMove) async throws -> Response {
        let identity = try context.requireIdentity()
        let id = try context.pathID()
        let form = try await FormInput(request, context: context, csrf: identity.csrfToken)
        let before = try await store.deals.get(identity.access, id)
        let move = read(form)
        let deal: Deal
        do {
            deal = try await store.funnel.apply(identity.access, deal: id, expectedVersion: Int64(form["version"]), move)
        } catch StoreError.invalid(let errors) {
            throw APIError.invalid(errors.errors)
        }
        return redirect(
            AuthPages.safeNext(form["next"].isEmpty ? "/deals/\(id)" : form["next"]),
            notice: Self.notice(move, deal: deal, before: before.fields)
        )
    }

    /// What the page after a move says, and how to take the move back: a close is reopened where the deal stood, a
    /// move goes back to the stage it left. Each undo is a move of its own in the stage log, which never forgets.
    static func notice(_ move: FunnelMove, deal: Deal, before: DealFields) -> Notice {
        let path = "/deals/\(deal.meta.id)"
        return switch move {
        case .move: Notice(key: "deal_moved", subject: deal.fields.title, undo: "\(path)/move", undoFields: ["stage_id": before.stageID.description])
        case .win: Notice(key: "deal_won", subject: deal.fields.title, undo: "\(path)/reopen", undoFields: ["stage_id": before.stageID.description])
        case .lose: Notice(key: "deal_lost", subject: deal.fields.title, undo: "\(path)/reopen", undoFields: ["stage_id": before.stageID.description])
        case .reopen: Notice(key: "deal_reopened", subject: deal.fields.title)
        }
    }

    @Sendable func addContact(_ request: Request, context: AppContext) async throws -> Response {
        let identity = try context.requireIdentity()
        let id = try context.pathID()
        let form = try await FormInput(request, context: context, csrf: identity.csrfToken)
        guard let contact = Int64(form["contact_id"]) else {
            throw APIError.invalid([ValidationError(field: "contact_id", code: "required", message: "choose a contact")])
        }
        var entries = try await store.funnel.contacts(identity.access, deal: id).map { (contact: $0.contact.id, role: $0.role) }
        entries.removeAll { $0.contact.rawValue == contact }
        entries.append((ContactID(contact), form["role"]))
        _ = try await store.funnel.setContacts(identity.access, deal: id, entries)
        return redirect("/deals/\(id)")
    }

    @Sendable func removeContact(_ request: Request, context: AppContext) async throws -> Response {
        let identity = try context.requireIdentity()
        let id = try context.pathID()
        _ = try await FormInput(request, context: context, csrf: identity.csrfToken)
        let removed = context.parameters.get("contact").flatMap(Int64.init)
        let entries = try await store.funnel.contacts(identity.access, deal: id).filter { $0.contact.meta.id != removed }.map {
            (contact: $0.contact.id, role: $0.role)
        }
        _ = try await store.funnel.setContacts(identity.access, deal: id, entries)
        return redirect("/deals/\(id)")
    }

    // MARK: The deals list

    /// The deals list's columns beyond the deal's own (its company by name, its stage in the reader's language,
    /// amount and close date as the reader writes them, status in words) and its funnel filters.
    func dealList(_ identity: Identity, _ deals: [Deal], _ query: ListQuery) async throws -> RecordPages<DealFields>.ListExtras {
        let language = MessageCatalog.language(of: identity.user.locale)
        let t = pages.strings(language)
        let format = pages.formatter(identity)
        let pipelines = try await store.pipelines.list()
        let stages = Dictionary(pipelines.flatMap(\.stages).map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        let companies = try await store.companies.many(identity.access, deals.compactMap { $0.fields.companyID?.rawValue })
        var extras = RecordPages<DealFields>.ListExtras()
        for deal in deals {
            var row: [String: any Sendable] = [
                "amount_text": format.money(deal.fields.amount),
                "status_label": t["status_\(deal.fields.status.rawValue)"] ?? deal.fields.status.rawValue,
                "stage": stages[deal.fields.stageID]?.name(in: language) ?? "", "close": deal.fields.expectedCloseDate.map(format.date) ?? "",
            ]
            if let company = deal.fields.companyID.flatMap({ companies[$0.rawValue] }) {
                row["company"] = ["id": company.meta.id, "name": company.fields.name] as [String: any Sendable]
            }
            extras.rows[deal.meta.id] = row
        }
        let shown = pipelines.filter { $0.isActive || $0.id == query.pipelineID }
        extras.page = [
            "deal_filters": true,
            "deal_statuses": DealStatus.allCases.map {
                ["value": $0.rawValue, "label": t["status_\($0.rawValue)"] ?? $0.rawValue, "selected": $0 == query.status] as [String: any Sendable]
            },
            "pipeline_choices": shown.map {
                ["value": $0.id.rawValue, "label": $0.name, "selected": $0.id == query.pipelineID] as [String: any Sendable]
            },
            // Stages of the chosen pipeline, or of every pipeline named after it when none is chosen.
            "stage_choices": shown.filter { query.pipelineID == nil || $0.id == query.pipelineID }.flatMap { pipeline in
                pipeline.stages.map { stage in
                    let label =
                        query.pipelineID == nil && shown.count > 1 ? "\(pipeline.name) · \(stage.name(in: language))" : stage.name(in: language)
                    return ["value": stage.id.rawValue, "label": label, "selected": stage.id == query.stageID] as [String: any Sendable]
                }
            },
        ]
        return extras
    }

    // MARK: The company card's deals

    /// A company's open, won and lost deals, each outcome counted and summed, with its latest changed few and a
    /// link to all of them in the deals list.
    func companyDeals(_ identity: Identity, _ company: Company) async throws -> [[String: any Sendable]] {
        let t = pages.strings(MessageCatalog.language(of: identity.user.locale))
        let format = pages.formatter(identity)
        let tallies = try await store.funnel.deals(identity.access, of: company.id)
        var groups: [[String: any Sendable]] = []
        for status in DealStatus.allCases where tallies[status].count > 0 {
            var query = ListQuery(companyID: company.id, sort: Sort(field: .updatedAt, descending: true), limit: 10)
            query.status = status
            let deals = try await store.deals.list(identity.access, query).items
            let tally = tallies[status]
            groups.append([
                "group_status": status.rawValue, "group_label": t["status_\(status.rawValue)"] ?? status.rawValue,
                "group_count": format.number(tally.count),
                "group_sum": tally.sums.amounts.map(format.money).joined(separator: " + "),
                "group_deals": deals.map {
                    ["id": $0.meta.id, "title": $0.fields.title, "amount": format.money($0.fields.amount)] as [String: any Sendable]
                },
                "group_all": tally.count > deals.count ? "/deals?company_id=\(company.meta.id)&status=\(status.rawValue)" : "",
            ])
        }
        return groups
    }

    /// The deals a contact is on, for their card: open first, each with its stage or outcome, amount and the person's role.
    func contactDeals(_ identity: Identity, _ contact: Contact) async throws -> [[String: any Sendable]] {
        let language = MessageCatalog.language(of: identity.user.locale)
        let t = pages.strings(language)
        let format = pages.formatter(identity)
        let deals = try await store.funnel.deals(identity.access, contact: contact.meta.id)
        let stages = Dictionary(try await store.pipelines.list().flatMap(\.stages).map { ($0.id, $0.name(in: language)) }) { first, _ in first }
        return deals.map { entry in
            let deal = entry.deal.fields
            return [
                "id": entry.deal.meta.id, "title": deal.title, "amount": format.money(deal.amount), "role": entry.role,
                "state": deal.status == .open ? stages[deal.stageID] ?? "" : t["status_\(deal.status.rawValue)"] ?? deal.status.rawValue,
                "closed": deal.status != .open,
            ]
        }
    }

    // MARK: The deal page's funnel parts

    func dealDetails(_ identity: Identity, _ deal: Deal) async throws -> [String: any Sendable] {
        let language = MessageCatalog.language(of: identity.user.locale)
        let t = pages.strings(language)
        let format = pages.formatter(identity)
        let pipeline = try await store.pipelines.get(deal.fields.pipelineID)
        let log = try await store.funnel.transitions(identity.access, deal: deal.meta.id)
        let now = Timestamp.now
        let durations = StageDurations.milliseconds(log, now: now)
        let visited = Set(log.map(\.toStageID))
        let owners = try await store.users.names()
        let reasons = try await store.pipelines.lossReasons(includeInactive: true)
        let names = Dictionary(uniqueKeysWithValues: pipeline.stages.map { ($0.id, $0.name(in: language)) })
        var details: [String: any Sendable] = [
            "pipeline_name": pipeline.name, "pipeline_id": pipeline.id.rawValue, "deal_id": deal.meta.id,
            "status_label": t["status_\(deal.fields.status.rawValue)"] ?? deal.fields.status.rawValue,
            "is_open": deal.fields.status == .open, "is_won": deal.fields.status == .won, "is_lost": deal.fields.status == .lost,
            "amount_text": format.money(deal.fields.amount), "version": deal.meta.version,
            "close_date_text": deal.fields.expectedCloseDate.map(format.date) ?? "",
            "loss_reason": deal.fields.lossReasonID.flatMap { id in reasons.first { $0.id == id }?.name(in: language) } ?? "",
            "loss_comment": deal.fields.lossComment,
            "path": pipeline.stages.map { stage -> [String: any Sendable] in
                [
                    "name": stage.name(in: language), "current": stage.id == deal.fields.stageID, "visited": visited.contains(stage.id),
                    // Days with a fraction take the fraction's form ("1,5 dnia", "2,5 дня"); a stage never entered has none.
                    "days": durations[stage.id].map {
                        (Double($0) / 86_400_000).formatted(.number.precision(.fractionLength(1)).locale(format.locale)) + " "
                            + (t["day_other"] ?? "d")
                    } ?? "",
                ]
            },
            "targets": pipeline.stages.filter { $0.id != deal.fields.stageID }.map {
                ["id": $0.id.rawValue, "name": $0.name(in: language)] as [String: any Sendable]
            },
            "all_stages": pipeline.stages.map {
                ["id": $0.id.rawValue, "name": $0.name(in: language), "selected": $0.id == deal.fields.stageID] as [String: any Sendable]
            },
            "reasons": reasons.filter(\.isActive).map { ["id": $0.id.rawValue, "name": $0.name(in: language)] as [String: any Sendable] },
        ]
        details["timeline"] = try await timeline(identity, deal, log: log, stageNames: names, reasons: reasons, owners: owners)
        details["deal_contacts"] = try await store.funnel.contacts(identity.access, deal: deal.meta.id).map {
            ["id": $0.contact.meta.id, "name": $0.contact.fields.displayName, "role": $0.role] as [String: any Sendable]
        }
        var candidates = ListQuery(limit: ListQuery.maxLimit)
        candidates.companyID = deal.fields.companyID
        details["contact_choices"] = try await store.contacts.list(identity.access, candidates).items.map {
            ["id": $0.meta.id, "name": $0.fields.displayName] as [String: any Sendable]
        }
        if let companyID = deal.fields.companyID,
            let company = try? await store.companies.get(identity.access, companyID.rawValue, includeDeleted: true)
        {
            details["company"] = ["id": company.meta.id, "name": company.fields.name] as [String: any Sendable]
        }
        details.merge(try await ProcessPages.panel(store, identity, t, record: (.deal, deal.meta.id))) { $1 }
        return details
    }

    /// One list of everything that happened to the deal, newest first: stage moves and outcomes from the stage
    /// log, activities, and field changes from the audit trail.
    private func timeline(
        _ identity: Identity,
        _ deal: Deal,
        log: [StageTransition],
        stageNames: [StageID: String],
        reasons: [LossReason],
        owners: [UserID: String]
    ) async throws -> [[String: any Sendable]] {
        let t = pages.strings(MessageCatalog.language(of: identity.user.locale))
        let format = pages.formatter(identity)
        let system = t["system"] ?? "system"
        var entries: [(at: Timestamp, order: Int64, row: [String: any Sendable])] = []
        for entry in log where entry.kind != .amountChanged && entry.kind != .closeDateChanged {
            var text = stageNames[entry.toStageID] ?? ""
            if let from = entry.fromStageID, from != entry.toStageID { text = (stageNames[from] ?? "") + " → " + text }
            text += " · " + format.money(entry.amount) + " · \(entry.probability)%"
            if let reason = entry.lossReasonID.flatMap({ id in
                reasons.first { $0.id == id }?.name(in: MessageCatalog.language(of: identity.user.locale))
            }) {
                text += " · " + reason
            }
            if !entry.comment.isEmpty { text += " — " + entry.comment }
            entries.append(
                (
                    entry.at, entry.id,
                    [
                        "kind": t["transition_\(entry.kind.rawValue)"] ?? entry.kind.rawValue, "type": "stage", "text": text,
                        "at": format.dateTime(entry.at), "who": entry.actorID.flatMap { owners[$0] } ?? system,
                    ]
                )
            )
        }
        var query = ListQuery(limit: ListQuery.maxLimit)
        query.dealID = deal.id
        for activity in try await store.activities.list(identity.access, query).items {
            var text = activity.fields.title
            if let when = activity.fields.happensAt { text += " · " + format.dateTime(when) }
            if activity.fields.isDone { text += " ✓" }
            entries.append(
                (
                    activity.meta.createdAt, activity.meta.id,
                    [
                        "kind": t["kind_\(activity.fields.kind.rawValue)"] ?? activity.fields.kind.rawValue, "type": "activity", "text": text,
                        "notes": activity.fields.notes, "link": "/activities/\(activity.meta.id)", "at": format.dateTime(activity.meta.createdAt),
                        "who": owners[activity.meta.ownerID] ?? "",
                        "open_task": activity.fields.kind == .task && !activity.fields.isDone, "activity_id": activity.meta.id,
                    ]
                )
            )
        }
        let changes = try await store.deals.history(identity.access, deal.meta.id).entries.filter { $0.action == .update }
        let values = try await HistoryValues.load(
            store,
            identity,
            changes,
            t: t,
            format: format,
            recordType: .deal,
            custom: try await store.deals.customFields()
        )
        for change in changes {
            let fields = change.changes.filter { !["stage_id", "status", "loss_reason_id"].contains($0.field) }
            guard !fields.isEmpty else { continue }
            let text = fields.map { values.label($0.field) + ": " + values.value($0.field, $0.old) + " → " + values.value($0.field, $0.new) }.joined(
                separator: "; "
            )
            entries.append(
                (
                    change.at, change.id,
                    [
                        "kind": t["action_update"] ?? "changed", "type": "change", "text": text, "at": format.dateTime(change.at),
                        "who": change.actorID.flatMap { owners[$0] } ?? change.systemReason ?? system,
                    ]
                )
            )
        }
        return entries.sorted { ($0.at, $0.order) > ($1.at, $1.order) }.map(\.row)
    }

    // MARK: Pipeline administration

    @Sendable func admin(_ request: Request, context: AppContext) async throws -> Response {
        let identity = try context.require(.manageFunnel)
        return try await adminPage(identity, request, errors: [], status: .ok)
    }

    @Sendable func createPipeline(_ request: Request, context: AppContext) async throws -> Response {
        let identity = try context.require(.manageFunnel)
        let form = try await FormInput(request, context: context, csrf: identity.csrfToken)
        return try await adminAction(identity, request) {
            // One stage per line: "Name" or "Name | probability".
            let stages = FormFields.lines(form["stages"]).map { line -> PipelineStore.NewStage in
                let parts = line.split(separator: "|").map { $0.trimmingWhitespace() }
                return PipelineStore.NewStage(name: parts[0], probability: parts.count > 1 ? Int(parts[1]) ?? -1 : 50)
            }
            let currency: Currency
            do throws(ValidationError) { currency = try Currency(code: form["currency"]) } catch {
                throw StoreError.invalid(.init([error.at("currency")]))
            }
            _ = try await store.pipelines.create(identity.access, name: form["name"], currency: currency, stages: stages)
        }
    }

    @Sendable func addStage(_ request: Request, context: AppContext) async throws -> Response {
        let identity = try context.require(.manageFunnel)
        let id = try context.pathID()
        let form = try await FormInput(request, context: context, csrf: identity.csrfToken)
        return try await adminAction(identity, request) {
            let placement: PipelineStore.Placement = form["after"] == "first" ? .first : Int64(form["after"]).map { .after(StageID($0)) } ?? .last
            _ = try await store.pipelines.addStage(identity.access, pipeline: PipelineID(id), Self.stage(form), at: placement)
        }
    }

    @Sendable func updateStage(_ request: Request, context: AppContext) async throws -> Response {
        let identity = try context.require(.manageFunnel)
        let id = try context.pathID()
        let form = try await FormInput(request, context: context, csrf: identity.csrfToken)
        return try await adminAction(identity, request) {
            _ = try await store.pipelines.updateStage(identity.access, StageID(id), Self.stage(form))
        }
    }

    @Sendable func archiveStage(_ request: Request, context: AppContext) async throws -> Response {
        let identity = try context.require(.manageFunnel)
        let id = try context.pathID()
        _ = try await FormInput(request, context: context, csrf: identity.csrfToken)
        return try await adminAction(identity, request) { _ = try await store.pipelines.archiveStage(identity.access, StageID(id)) }
    }

    @Sendable func updatePipeline(_ request: Request, context: AppContext) async throws -> Response {
        let identity = try context.require(.manageFunnel)
        let id = try context.pathID()
        let form = try await FormInput(request, context: context, csrf: identity.csrfToken)
        return try await adminAction(identity, request) {
            _ = try await store.pipelines.update(identity.access, PipelineID(id), name: form["name"], isActive: form["active"] == "on")
        }
    }

    /// Moves one stage up or down; the whole order is sent to the store, which checks it is complete.
    @Sendable func reorder(_ request: Request, context: AppContext) async throws -> Response {
        let identity = try context.require(.manageFunnel)
        let id = PipelineID(try context.pathID())
        let form = try await FormInput(request, context: context, csrf: identity.csrfToken)
        return try await adminAction(identity, request) {
            var order = try await store.pipelines.get(id).stages.map(\.id)
            guard let stage = Int64(form["stage_id"]).map({ StageID($0) }), let index = order.firstIndex(of: stage) else { return }
            let target = form["direction"] == "up" ? index - 1 : index + 1
            guard order.indices.contains(target) else { return }
            order.swapAt(index, target)
            _ = try await store.pipelines.reorder(identity.access, pipeline: id, stages: order)
        }
    }

    @Sendable func createLossReason(_ request: Request, context: AppContext) async throws -> Response {
        let identity = try context.require(.manageFunnel)
        let form = try await FormInput(request, context: context, csrf: identity.csrfToken)
        return try await adminAction(identity, request) {
            _ = try await store.pipelines.createLossReason(identity.access, name: form["name"], translations: TranslationInputs.read(form))
        }
    }

    /// Renames, translates, or switches a loss reason off or on again.
    @Sendable func updateLossReason(_ request: Request, context: AppContext) async throws -> Response {
        let identity = try context.require(.manageFunnel)
        let id = LossReasonID(try context.pathID())
        let form = try await FormInput(request, context: context, csrf: identity.csrfToken)
        return try await adminAction(identity, request) {
            _ = try await store.pipelines.updateLossReason(
                identity.access,
                id,
                name: form["name"],
                translations: TranslationInputs.read(form),
                isActive: form["active"] == "on"
            )
        }
    }

    private func adminAction(_ identity: Identity, _ request: Request, _ body: () async throws -> Void) async throws -> Response {
        do {
            try await body()
            return redirect("/admin/pipelines", notice: Notice(key: "saved"))
        } catch let error as StoreError {
            return try await adminPage(identity, request, errors: error.formErrors, status: .unprocessableContent)
        }
    }

    private func adminPage(_ identity: Identity, _ request: Request, errors: [ValidationError], status: HTTPResponse.Status) async throws -> Response
    {
        let t = pages.strings(PageRenderer.language(identity: identity, request: request))
        let pipelines = try await store.pipelines.list().map { pipeline -> [String: Any] in
            [
                "id": pipeline.id.rawValue, "name": pipeline.name, "currency": pipeline.currency.code, "active": pipeline.isActive,
                "stages": pipeline.stages.map { stage -> [String: Any] in
                    [
                        "id": stage.id.rawValue, "pipeline_id": pipeline.id.rawValue, "name": stage.name, "probability": stage.probability,
                        "rotting_days": stage.rottingDays.map(String.init) ?? "", "translation_inputs": TranslationInputs.inputs(stage.translations),
                        "categories": ForecastCategory.allCases.map {
                            ["value": $0.rawValue, "label": t["forecast_\($0.rawValue)"] ?? $0.rawValue, "selected": $0 == stage.forecastCategory]
                        },
                        "requirables": Stage.requirableFields.map {
                            ["value": $0, "label": t["field_\($0)"] ?? $0, "checked": stage.requiredFields.contains($0)]
                        },
                    ]
                },
                // A new stage goes where it belongs: after the one chosen, at the end unless said otherwise.
                "positions": [["value": "first", "label": t["stage_place_first"] ?? "first", "selected": false]]
                    + pipeline.stages.enumerated().map { index, stage in
                        [
                            "value": String(stage.id.rawValue), "label": "\(t["stage_place_after"] ?? "after") \(stage.name)",
                            "selected": index == pipeline.stages.count - 1,
                        ]
                    },
                "translation_inputs": TranslationInputs.inputs([:]),
            ]
        }
        let data: [String: Any] = [
            "pipelines": pipelines,
            "reasons": try await store.pipelines.lossReasons(includeInactive: true).map {
                ["id": $0.id.rawValue, "name": $0.name, "active": $0.isActive, "translation_inputs": TranslationInputs.inputs($0.translations)]
            },
            "translation_inputs": TranslationInputs.inputs([:]),
            "errors": errors.map { pages.message($0, t) }, "has_errors": !errors.isEmpty,
        ]
        return pages.render("admin_pipelines", data, identity: identity, request: request, status: status, title: t["nav_pipelines"])
    }

    /// A stage from the admin form, its name in each language from one input per language.
    static func stage(_ form: FormInput) -> PipelineStore.NewStage {
        PipelineStore.NewStage(
            name: form["name"],
            translations: TranslationInputs.read(form),
            probability: Int(form["probability"]) ?? -1,
            forecastCategory: ForecastCategory(rawValue: form["forecast_category"]) ?? .pipeline,
            rottingDays: Int(form["rotting_days"]),
            requiredFields: form.all("required_fields")
        )
    }

}
