import CRMCore
import CRMStore
import Foundation
import Hummingbird

/// Pipelines, stages, loss reasons, deal moves, the stage log and the board, as JSON.
struct FunnelController {
    let store: Store

    func addRoutes(to group: RouterGroup<AppContext>) {
        group.get("pipelines", use: listPipelines)
        group.post("pipelines", use: createPipeline)
        group.get("pipelines/:id", use: getPipeline)
        group.post("pipelines/:id/stages", use: addStage)
        group.put("pipelines/:id/stage-order", use: reorderStages)
        group.patch("pipelines/:id", use: updatePipeline)
        group.patch("stages/:id", use: updateStage)
        group.delete("stages/:id", use: archiveStage)
        group.get("pipelines/:id/board", use: board)
        group.get("pipelines/:id/stages/:stage/cards", use: moreCards)
        group.get("loss-reasons", use: listLossReasons)
        group.post("loss-reasons", use: createLossReason)
        group.post("deals/:id/move", use: move)
        group.post("deals/:id/win", use: win)
        group.post("deals/:id/lose", use: lose)
        group.post("deals/:id/reopen", use: reopen)
        group.get("deals/:id/transitions", use: transitions)
        group.get("deals/:id/contacts", use: dealContacts)
        group.put("deals/:id/contacts", use: setDealContacts)
    }

    @Sendable func dealContacts(_ request: Request, context: AppContext) async throws -> Response {
        let identity = try context.requireIdentity()
        let contacts = try await store.funnel.contacts(identity.access, deal: try context.pathID())
        return JSONResponse.ok(.object(["items": .array(contacts.map(\.json))]))
    }

    /// Replaces the people on a deal: `{"contacts": [{"contact_id": 7, "role": "decision maker"}]}`.
    @Sendable func setDealContacts(_ request: Request, context: AppContext) async throws -> Response {
        let identity = try context.requireIdentity()
        let id = try context.pathID()
        var input = try JSONInput(try await JSONInput.body(request, context: context), request: request, allowed: ["contacts"])
        let entries = input.array("contacts") { element, path throws(ValidationError) -> (contact: ContactID, role: String) in
            guard case .object(let object) = element, case .int(let contact)? = object["contact_id"], contact > 0 else {
                throw ValidationError(field: path, code: "wrong_type", message: "must be {\"contact_id\": id, \"role\": text}")
            }
            if let extra = Set(object.keys).subtracting(["contact_id", "role"]).sorted().first {
                throw ValidationError(field: "\(path).\(extra)", code: "unknown_field", message: "is not a field here")
            }
            switch object["role"] {
            case nil, .null?: return (ContactID(contact), "")
            case .string(let role)?: return (ContactID(contact), role)
            default: throw ValidationError(field: "\(path).role", code: "wrong_type", message: "must be text")
            }
        }
        if entries == nil { input.fail("contacts", "required", "list the deal's contacts") }
        try input.finish()
        let contacts = try await store.funnel.setContacts(identity.access, deal: id, entries!)
        return JSONResponse.ok(.object(["items": .array(contacts.map(\.json))]))
    }

    // MARK: Pipelines

    @Sendable func listPipelines(_ request: Request, context: AppContext) async throws -> Response {
        _ = try context.requireIdentity()
        return JSONResponse.ok(.object(["items": .array(try await store.pipelines.list().map(\.json))]))
    }

    @Sendable func getPipeline(_ request: Request, context: AppContext) async throws -> Response {
        _ = try context.requireIdentity()
        return JSONResponse.ok(try await pipeline(context).json)
    }

    @Sendable func createPipeline(_ request: Request, context: AppContext) async throws -> Response {
        let identity = try context.requireIdentity()
        var input = try JSONInput(try await JSONInput.body(request, context: context), request: request, allowed: ["name", "currency", "stages"])
        let name = input.string("name") ?? ""
        var currency: Currency?
        do { currency = try Currency(code: input.string("currency") ?? "") } catch { input.fail("currency", error.code, error.message) }
        let stages = input.array("stages") { element, path throws(ValidationError) in try Self.stage(element, path) } ?? []
        try input.finish()
        let created = try await store.pipelines.create(identity.access, name: name, currency: currency!, stages: stages)
        var response = JSONResponse.ok(created.json, status: .created)
        response.headers[.location] = "/api/v1/pipelines/\(created.id)"
        return response
    }

    @Sendable func updatePipeline(_ request: Request, context: AppContext) async throws -> Response {
        let identity = try context.requireIdentity()
        let id = PipelineID(try context.pathID())
        var input = try JSONInput(try await JSONInput.body(request, context: context), request: request, allowed: ["name", "is_active"])
        let name = input.string("name")
        let active = input.bool("is_active")
        try input.finish()
        do {
            return JSONResponse.ok(try await store.pipelines.update(identity.access, id, name: name, isActive: active).json)
        } catch StoreError.invalid(let errors) where errors.errors.first?.code == "unknown_pipeline" {
            throw APIError(.notFound, code: "not_found", detail: "no such pipeline")
        }
    }

    @Sendable func archiveStage(_ request: Request, context: AppContext) async throws -> Response {
        let identity = try context.requireIdentity()
        return JSONResponse.ok(try await store.pipelines.archiveStage(identity.access, StageID(try context.pathID())).json)
    }

    @Sendable func addStage(_ request: Request, context: AppContext) async throws -> Response {
        let identity = try context.requireIdentity()
        let id = try context.pathID()
        let stage = try await Self.stageBody(request, context)
        return JSONResponse.ok(try await store.pipelines.addStage(identity.access, pipeline: PipelineID(id), stage).json, status: .created)
    }

    @Sendable func updateStage(_ request: Request, context: AppContext) async throws -> Response {
        let identity = try context.requireIdentity()
        let id = try context.pathID()
        let stage = try await Self.stageBody(request, context)
        return JSONResponse.ok(try await store.pipelines.updateStage(identity.access, StageID(id), stage).json)
    }

    @Sendable func reorderStages(_ request: Request, context: AppContext) async throws -> Response {
        let identity = try context.requireIdentity()
        let id = try context.pathID()
        var input = try JSONInput(try await JSONInput.body(request, context: context), request: request, allowed: ["stage_ids"])
        let order = input.array("stage_ids") { element, path throws(ValidationError) in
            guard case .int(let value) = element else { throw ValidationError(field: path, code: "wrong_type", message: "must be a stage id") }
            return StageID(value)
        }
        if order == nil { input.fail("stage_ids", "required", "list the stage ids in their new order") }
        try input.finish()
        return JSONResponse.ok(try await store.pipelines.reorder(identity.access, pipeline: PipelineID(id), stages: order!).json)
    }

    @Sendable func listLossReasons(_ request: Request, context: AppContext) async throws -> Response {
        _ = try context.requireIdentity()
        let reasons = try await store.pipelines.lossReasons()
        return JSONResponse.ok(.object(["items": .array(reasons.map(Self.json))]))
    }

    @Sendable func createLossReason(_ request: Request, context: AppContext) async throws -> Response {
        let identity = try context.requireIdentity()
        var input = try JSONInput(try await JSONInput.body(request, context: context), request: request, allowed: ["name"])
        let name = input.string("name") ?? ""
        try input.finish()
        let reason = try await store.pipelines.createLossReason(identity.access, name: name)
        return JSONResponse.ok(Self.json(reason), status: .created)
    }

    static func json(_ reason: LossReason) -> JSONValue {
        .object([
            "id": .int(reason.id.rawValue), "name": .string(reason.name), "is_active": .bool(reason.isActive),
            "translations": .object(reason.translations.mapValues(JSONValue.string)),
        ])
    }

    // MARK: Moving deals

    @Sendable func move(_ request: Request, context: AppContext) async throws -> Response {
        try await apply(request, context, allowed: ["stage_id"]) { input throws(ValidationError) in
            guard case .int(let stage)? = input.object["stage_id"] else {
                throw ValidationError(field: "stage_id", code: "required", message: "name the stage to move to")
            }
            return .move(to: StageID(stage))
        }
    }

    @Sendable func win(_ request: Request, context: AppContext) async throws -> Response {
        try await apply(request, context, allowed: []) { _ throws(ValidationError) in .win }
    }

    @Sendable func lose(_ request: Request, context: AppContext) async throws -> Response {
        try await apply(request, context, allowed: ["loss_reason_id", "comment"]) { input throws(ValidationError) in
            guard case .int(let reason)? = input.object["loss_reason_id"] else {
                throw ValidationError(field: "loss_reason_id", code: "required", message: "a lost deal needs a loss reason")
            }
            var comment = ""
            switch input.object["comment"] {
            case nil, .null?: break
            case .string(let text)? where text.count <= 2000: comment = text
            default: throw ValidationError(field: "comment", code: "wrong_type", message: "must be text of at most 2000 characters")
            }
            return .lose(reason: LossReasonID(reason), comment: comment)
        }
    }

    @Sendable func reopen(_ request: Request, context: AppContext) async throws -> Response {
        try await apply(request, context, allowed: ["stage_id"]) { input throws(ValidationError) in
            switch input.object["stage_id"] {
            case nil, .null?: return .reopen(to: nil)
            case .int(let stage)?: return .reopen(to: StageID(stage))
            default: throw ValidationError(field: "stage_id", code: "wrong_type", message: "must be a stage id")
            }
        }
    }

    @Sendable func transitions(_ request: Request, context: AppContext) async throws -> Response {
        let identity = try context.requireIdentity()
        let entries = try await store.funnel.transitions(identity.access, deal: try context.pathID())
        return JSONResponse.ok(.object(["items": .array(entries.map(\.json))]))
    }

    /// The body is optional for moves without details (win); `If-Match` is honoured when sent.
    private func apply(
        _ request: Request,
        _ context: AppContext,
        allowed: Set<String>,
        _ read: (JSONInput) throws(ValidationError) -> FunnelMove
    ) async throws -> Response {
        let identity = try context.requireIdentity()
        let id = try context.pathID()
        let body = try await JSONInput.body(request, context: context)
        let input: JSONInput
        if body.readableBytes == 0 && allowed.isEmpty {
            input = JSONInput.empty
        } else {
            input = try JSONInput(body, request: request, allowed: allowed)
        }
        let move: FunnelMove
        do throws(ValidationError) { move = try read(input) } catch { throw APIError.invalid([error]) }
        let deal = try await store.funnel.apply(
            identity.access,
            deal: id,
            expectedVersion: try RecordController<DealFields>.expectedVersion(request, required: false),
            move
        )
        return JSONResponse.ok(deal.json, etag: deal.meta.etag)
    }

    // MARK: Board

    @Sendable func board(_ request: Request, context: AppContext) async throws -> Response {
        let identity = try context.requireIdentity()
        let parameters = request.queryDictionary
        let filter = try Self.boardFilter(parameters, extra: ["cards"])
        var cards = 20
        if let text = parameters["cards"] {
            guard let value = Int(text), (1...100).contains(value) else {
                throw APIError.badRequest("invalid_parameters", "cards must be a whole number from 1 to 100", field: "cards")
            }
            cards = value
        }
        let (pipeline, columns) = try await store.funnel.board(
            identity.access,
            pipeline: try await self.pipeline(context).id,
            filter: filter,
            cardsPerStage: cards
        )
        let now = Timestamp.now
        return JSONResponse.ok(
            .object([
                "pipeline": pipeline.json,
                "columns": .array(
                    columns.map { column in
                        .object([
                            "stage_id": .int(column.stage.id.rawValue), "count": .int(Int64(column.count)),
                            "sums": .object(column.sums.reduce(into: [:]) { result, pair in result[pair.key] = Self.sum(pair.key, pair.value) }),
                            "cards": .array(column.cards.map { Self.card($0, column.stage, now) }),
                            "next_after": .optional(column.nextAfter),
                        ])
                    }
                ),
            ])
        )
    }

    @Sendable func moreCards(_ request: Request, context: AppContext) async throws -> Response {
        let identity = try context.requireIdentity()
        let parameters = request.queryDictionary
        let filter = try Self.boardFilter(parameters, extra: ["after", "limit"])
        guard let stageText = context.parameters.get("stage"), let stage = Int64(stageText) else {
            throw APIError(.notFound, code: "not_found", detail: "no such stage")
        }
        guard let after = parameters["after"].flatMap(Int64.init) else {
            throw APIError.badRequest("invalid_parameters", "after must be the id of the last card shown", field: "after")
        }
        let limit = parameters["limit"].flatMap(Int.init) ?? 20
        let pipeline = try await self.pipeline(context)
        guard let column = pipeline.stage(StageID(stage)) else {
            throw APIError(.notFound, code: "not_found", detail: "no such stage in this pipeline")
        }
        let (cards, next) = try await store.funnel.moreCards(
            identity.access,
            pipeline: pipeline.id,
            stage: column.id,
            filter: filter,
            after: after,
            limit: limit
        )
        let now = Timestamp.now
        return JSONResponse.ok(.object(["cards": .array(cards.map { Self.card($0, column, now) }), "next_after": .optional(next)]))
    }

    // MARK: Pieces

    private func pipeline(_ context: AppContext) async throws -> Pipeline {
        do { return try await store.pipelines.get(PipelineID(try context.pathID())) } catch StoreError.invalid {
            throw APIError(.notFound, code: "not_found", detail: "no such pipeline")
        }
    }

    static func card(_ deal: Deal, _ stage: Stage, _ now: Timestamp) -> JSONValue {
        var object: [String: JSONValue] = ["id": .int(deal.meta.id), "version": .int(deal.meta.version), "title": .string(deal.fields.title)]
        object["company_id"] = .optional(deal.fields.companyID?.rawValue)
        object["amount"] = .string(deal.fields.amount.decimalString)
        object["currency"] = .string(deal.fields.amount.currency.code)
        object["owner_id"] = .int(deal.meta.ownerID.rawValue)
        object["days_in_stage"] = .int(Int64(deal.fields.daysInStage(at: now)))
        object["stale"] = .bool(deal.fields.isStale(in: stage, at: now))
        object["expected_close_date"] = .optional(deal.fields.expectedCloseDate?.description)
        return .object(object)
    }

    static func sum(_ currency: String, _ minor: Int64) -> JSONValue {
        guard let code = try? Currency(code: currency) else { return .null }
        return .string(Money(minorUnits: minor, currency: code).decimalString)
    }

    static func boardFilter(_ parameters: [String: String], extra: Set<String>) throws -> FunnelStore.BoardFilter {
        var query = QueryParameters(parameters, allowed: Set(["owner_id", "team_id", "stale", "close_from", "close_to", "source"]).union(extra))
        var filter = FunnelStore.BoardFilter()
        filter.ownerID = query.id("owner_id").map { UserID($0) }
        filter.teamID = query.id("team_id").map { TeamID($0) }
        filter.staleOnly = query.bool("stale") ?? false
        filter.source = query.text("source")
        filter.closeFrom = query.date("close_from")
        filter.closeTo = query.date("close_to")
        try query.finish()
        return filter
    }

    static func stage(_ element: JSONValue, _ path: String) throws(ValidationError) -> PipelineStore.NewStage {
        guard case .object(let object) = element else { throw ValidationError(field: path, code: "wrong_type", message: "must be a stage object") }
        let keys: Set<String> = ["name", "translations", "probability", "forecast_category", "rotting_days", "required_fields"]
        if let extra = Set(object.keys).subtracting(keys).sorted().first {
            throw ValidationError(field: "\(path).\(extra)", code: "unknown_field", message: "is not a field here")
        }
        guard case .string(let name)? = object["name"] else {
            throw ValidationError(field: "\(path).name", code: "required", message: "a stage needs a name")
        }
        guard case .int(let probability)? = object["probability"] else {
            throw ValidationError(field: "\(path).probability", code: "required", message: "a probability from 0 to 100")
        }
        var stage = PipelineStore.NewStage(name: name, probability: Int(clamping: probability))
        switch object["translations"] {
        case nil, .null?: break
        case .object(let translations)?:
            for (language, value) in translations {
                guard case .string(let text) = value else {
                    throw ValidationError(field: "\(path).translations.\(language)", code: "wrong_type", message: "must be a string")
                }
                stage.translations[language] = text
            }
        default: throw ValidationError(field: "\(path).translations", code: "wrong_type", message: "must be an object of language: name")
        }
        switch object["forecast_category"] {
        case nil, .null?: break
        case .string(let text)? where ForecastCategory(rawValue: text) != nil: stage.forecastCategory = ForecastCategory(rawValue: text)!
        default:
            throw ValidationError(
                field: "\(path).forecast_category",
                code: "invalid_choice",
                message: "must be one of " + ForecastCategory.allCases.map(\.rawValue).joined(separator: ", ")
            )
        }
        switch object["rotting_days"] {
        case nil, .null?: break
        case .int(let days)?: stage.rottingDays = Int(clamping: days)
        default: throw ValidationError(field: "\(path).rotting_days", code: "wrong_type", message: "must be a whole number of days")
        }
        switch object["required_fields"] {
        case nil, .null?: break
        case .array(let fields)?:
            stage.requiredFields = try fields.map { field throws(ValidationError) in
                guard case .string(let name) = field else {
                    throw ValidationError(field: "\(path).required_fields", code: "wrong_type", message: "must be field names")
                }
                return name
            }
        default: throw ValidationError(field: "\(path).required_fields", code: "wrong_type", message: "must be an array of field names")
        }
        return stage
    }

    static func stageBody(_ request: Request, _ context: AppContext) async throws -> PipelineStore.NewStage {
        let body = try await JSONInput.body(request, context: context)
        let input = try JSONInput(
            body,
            request: request,
            allowed: ["name", "translations", "probability", "forecast_category", "rotting_days", "required_fields"]
        )
        do throws(ValidationError) { return try stage(.object(input.object), "stage") } catch { throw APIError.invalid([error]) }
    }
}

extension Pipeline {
    var json: JSONValue {
        .object([
            "id": .int(id.rawValue), "name": .string(name), "currency": .string(currency.code), "is_active": .bool(isActive),
            "stages": .array(
                stages.map { stage in
                    .object([
                        "id": .int(stage.id.rawValue), "name": .string(stage.name),
                        "translations": .object(stage.translations.mapValues(JSONValue.string)),
                        "position": .int(Int64(stage.position)), "probability": .int(Int64(stage.probability)),
                        "forecast_category": .string(stage.forecastCategory.rawValue), "rotting_days": .optional(stage.rottingDays.map(Int64.init)),
                        "required_fields": .array(stage.requiredFields.map(JSONValue.string)),
                    ])
                }
            ),
        ])
    }
}

extension DealContact {
    var json: JSONValue {
        .object(["contact_id": .int(contact.meta.id), "display_name": .string(contact.fields.displayName), "role": .string(role)])
    }
}

extension StageTransition {
    var json: JSONValue {
        .object([
            "id": .int(id), "deal_id": .int(dealID.rawValue), "pipeline_id": .int(pipelineID.rawValue), "kind": .string(kind.rawValue),
            "from_stage_id": .optional(fromStageID?.rawValue), "to_stage_id": .int(toStageID.rawValue), "status": .string(status.rawValue),
            "at": .string(at.iso8601), "actor_id": .optional(actorID?.rawValue), "amount": .string(amount.decimalString),
            "currency": .string(amount.currency.code), "probability": .int(Int64(probability)),
            "expected_close_date": .optional(expectedCloseDate?.description), "loss_reason_id": .optional(lossReasonID?.rawValue),
            "comment": .string(comment),
        ])
    }
}
