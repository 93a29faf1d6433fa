import CRMCore
import CRMStore
import Foundation
import HTTPTypes
import Hummingbird
import Logging

/// List, show, create, edit, delete and restore pages for one record type.
struct RecordPages<Fields: PageResource> {
    let store: Store
    let records: RecordStore<Fields>
    let pages: PageRenderer
    let settings: Dependencies.Settings
    /// Extra data for the show page (a company's contacts, a contact's company).
    let related: @Sendable (Identity, Record<Fields>) async throws -> [String: any Sendable]
    /// Extra data for the form (choices of companies, pipelines).
    var formExtras: @Sendable (Identity, Fields) async throws -> [String: any Sendable] = { _, _ in [:] }
    /// Extra data for the list: names a page of records points at, by record id (a deal's company and stage), and
    /// the page's own (filter choices).
    var listExtras: @Sendable (Identity, [Record<Fields>], ListQuery) async throws -> ListExtras = { _, _, _ in ListExtras() }

    struct ListExtras: Sendable {
        var rows: [Int64: [String: any Sendable]] = [:]
        var page: [String: any Sendable] = [:]
    }

    private var base: String { "/" + Fields.collection }

    func addRoutes(to router: RouterGroup<AppContext>) {
        router.get(RouterPath(stringLiteral: Fields.collection), use: list)
        router.post(RouterPath(stringLiteral: Fields.collection), use: create)
        router.get("\(Fields.collection)/new", use: newForm)
        router.get("\(Fields.collection)/export", use: spreadsheet)
        router.get("\(Fields.collection)/:id", use: show)
        router.get("\(Fields.collection)/:id/edit", use: editForm)
        router.get("\(Fields.collection)/:id/history", use: history)
        router.post("\(Fields.collection)/:id", use: update)
        router.post("\(Fields.collection)/:id/delete", use: delete)
        router.post("\(Fields.collection)/:id/restore", use: restore)
    }

    @Sendable func list(_ request: Request, context: AppContext) async throws -> Response {
        let identity = try context.requireIdentity()
        var parameters = request.queryDictionary
        parameters = parameters.filter { !$0.value.isEmpty }
        // A rep's deals list starts at their own deals; everyone's is a choice of its own ("all"), since an empty
        // filter would fall back to the default.
        if parameters["owner_id"] == nil, Fields.recordType == .deal, identity.user.role == .salesRep {
            parameters["owner_id"] = String(identity.user.id.rawValue)
        }
        var filtering = parameters
        if filtering["owner_id"] == "all" { filtering["owner_id"] = nil }
        let custom = try await records.customFields()
        let query = try ListQuery(parameters: filtering, for: Fields.recordType, fields: custom, defaultCountryCode: settings.defaultCountryCode)
        let listed = custom.filter(\.inList)
        async let page = records.list(identity.access, query)
        async let total = records.count(identity.access, query)
        // One read of the users serves the rows' owner names and the owner filter.
        let users = try await store.users.list()
        let owners = Dictionary(uniqueKeysWithValues: users.map { ($0.id, $0.name) })
        let t = pages.strings(PageRenderer.language(identity: identity, request: request))
        let format = pages.formatter(identity)
        let records = try await page.items
        let extras = try await listExtras(identity, records, query)
        let items = records.map { record -> [String: Any] in
            var row = record.fields.listColumns
            for (key, value) in extras.rows[record.meta.id] ?? [:] { row[key] = value }
            row["custom"] = listed.map { field in
                record.fields.custom[field.key].map { CustomFieldsPage.display($0, of: field, users: owners, format: format, t) } ?? ""
            }
            row["id"] = record.meta.id
            row["title"] = record.fields.title
            row["owner"] = owners[record.meta.ownerID] ?? ""
            row["deleted"] = record.meta.deletedAt != nil
            return row
        }
        var nextLink: String?
        if let cursor = try await page.nextCursor {
            var next = parameters
            next["cursor"] = cursor.token
            nextLink = base + "?" + next.sorted { $0.key < $1.key }.map { "\($0.key)=\(percentEncoded($0.value))" }.joined(separator: "&")
        }
        let sortOptions =
            Fields.sorts.map { key in
                ["value": key, "label": t["sort_\(key.replacingOccurrences(of: "-", with: "desc_"))"] ?? key, "selected": query.sort.text == key]
            }
            + custom.flatMap { field in
                [("cf.\(field.key)", "↑"), ("-cf.\(field.key)", "↓")].map { key, arrow in
                    [
                        "value": key, "label": "\(field.label(in: MessageCatalog.language(of: identity.user.locale))) \(arrow)",
                        "selected": query.sort.text == key,
                    ]
                }
            }
        // Saved segments of this list, and saving the filters in force as one.
        let segmentable = Segment.recordTypes.contains(Fields.recordType)
        let filters = filtering.filter { Segment.keeps($0.key) }.sorted { $0.key < $1.key }
        let segments = segmentable ? try await store.segments.list(Fields.recordType) : []
        var data: [String: Any] = [
            "csrf": identity.csrfToken ?? "", "record_type": Fields.recordType.rawValue,
            "segments": segments.map { ["name": $0.name, "url": $0.listPath] },
            "has_segments": !segments.isEmpty,
            "save_segment": segmentable && !filters.isEmpty,
            "segment_filters": filters.map { ["name": $0.key, "value": $0.value] },
            "items": items, "empty": items.isEmpty, "total": pages.formatter(identity).number(try await total),
            "next": nextLink ?? "", "has_next": nextLink != nil, "q": query.search ?? "", "tag": query.tag ?? "",
            "sorts": sortOptions, "show_deleted": query.deleted == .only,
            "priorities": Priority.allCases.map { ["value": $0.rawValue, "selected": $0 == query.priority] },
            "export": "\(base)/export?"
                + parameters.filter { $0.key != "cursor" }.sorted { $0.key < $1.key }.map { "\($0.key)=\(percentEncoded($0.value))" }.joined(
                    separator: "&"
                ),
        ]
        data.merge(Fields.listFilters(query, t)) { $1 }
        for (key, value) in extras.page { data[key] = value }
        data["owner_filter"] = users.filter(\.isActive).map {
            [
                "value": String($0.id.rawValue), "name": $0.id == identity.user.id ? "\($0.name) (\(t["me"] ?? "me"))" : $0.name,
                "selected": query.ownerID == $0.id,
            ]
        }
        let language = MessageCatalog.language(of: identity.user.locale)
        data["custom_columns"] = listed.map { ["label": $0.label(in: language)] }
        data["custom_filters"] = custom.filter { $0.kind == .choice || $0.kind == .yesNo }.map { field in
            let chosen = parameters["cf.\(field.key)"] ?? ""
            let options =
                field.kind == .yesNo
                ? [("yes", t["yes"] ?? "yes"), ("no", t["no"] ?? "no")] : field.options.map { ($0, field.optionName($0, in: language)) }
            return [
                "name": "cf.\(field.key)", "label": field.label(in: language),
                "options": options.map { ["value": $0.0, "label": $0.1, "selected": $0.0 == chosen] },
            ] as [String: Any]
        }
        return pages.render("\(Fields.pageKey)_list", data, identity: identity, request: request, title: t["nav_\(Fields.collection)"])
    }

    @Sendable func show(_ request: Request, context: AppContext) async throws -> Response {
        let identity = try context.requireIdentity()
        let record = try await records.get(identity.access, try context.pathID(), includeDeleted: true)
        let history = try await records.history(identity.access, record.meta.id, limit: Self.cardHistory)
        let t = pages.strings(PageRenderer.language(identity: identity, request: request))
        let owners = try await store.users.names()
        let teams = try await store.teams.list()
        let format = pages.formatter(identity)
        var data: [String: Any] = record.fields.formValues(formContext(identity))
        data["id"] = record.meta.id
        data["title"] = record.fields.title
        data["base"] = base
        data["fields"] = record.fields.listColumns
        data["deleted"] = record.meta.deletedAt != nil
        data["owner"] = owners[record.meta.ownerID] ?? ""
        data["team"] = teams.first { $0.id == record.meta.teamID }?.name ?? ""
        data["created"] = format.dateTime(record.meta.createdAt)
        data["updated"] = format.dateTime(record.meta.updatedAt)
        // Labels Clientele writes (forms, vCards) are shown in the reader's language; others as they were typed.
        data["phone_list"] = record.fields.phones.map {
            ["dial": $0.number.e164, "shown": $0.number.international, "label": t["point_label_\($0.label)"] ?? $0.label]
        }
        data["has_phones"] = !record.fields.phones.isEmpty
        data["email_list"] = record.fields.emails.map(\.address.value)
        data["has_emails"] = !record.fields.emails.isEmpty
        let addresses = record.fields.addresses
        data["address_list"] = addresses.map { address in
            [
                "street": address.street, "region": address.region, "country": address.country,
                "locality": [address.postalCode, address.city].filter { !$0.isEmpty }.joined(separator: " "),
                "label": addresses.count > 1 ? t["point_label_\(address.label)"] ?? address.label : "",
            ]
        }
        data["has_addresses"] = !addresses.isEmpty
        data["custom_values"] = CustomFieldsPage.shown(try await records.customFields(), record.fields.custom, users: owners, format: format, t)
        data["history"] = Self.historyRows(history.entries, t, owners: owners, values: try await historyValues(identity, history.entries, t))
        data["history_all"] = history.next.map { _ in "\(base)/\(record.meta.id)/history" }
        for (key, value) in try await related(identity, record) { data[key] = value }
        data.merge(try await CommentPages.panel(store, identity, type: Fields.recordType, id: record.meta.id, owners: owners, format: format)) { $1 }
        data.merge(try await FilePages.panel(store, identity, type: Fields.recordType, id: record.meta.id, owners: owners, format: format)) { $1 }
        return pages.render("\(Fields.pageKey)_show", data, identity: identity, request: request, title: record.fields.title)
    }

    /// `/{collection}/export?format=csv|xlsx&…`: the list as filtered, for a spreadsheet program in the reader's language:
    /// headers as the pages say them, names beside ids, numbers as numbers (see `Spreadsheet`). The API's export stays
    /// the machine's: keys for headers, stored values.
    @Sendable func spreadsheet(_ request: Request, context: AppContext) async throws -> Response {
        let identity = try context.require(.export)
        var parameters = request.queryDictionary.filter { !$0.value.isEmpty }
        let kind = parameters.removeValue(forKey: "format") ?? "csv"
        guard kind == "csv" || kind == "xlsx" else {
            throw APIError.badParameters([ValidationError(field: "format", code: "invalid_choice", message: "must be csv or xlsx")])
        }
        if parameters["owner_id"] == "all" { parameters["owner_id"] = nil }
        parameters["cursor"] = nil
        let custom = try await records.customFields()
        var query = try ListQuery(parameters: parameters, for: Fields.recordType, fields: custom, defaultCountryCode: settings.defaultCountryCode)
        query.limit = ListQuery.maxLimit
        let language = MessageCatalog.language(of: identity.user.locale)
        let t = pages.strings(language)
        let format = pages.formatter(identity)
        let teams = Dictionary(uniqueKeysWithValues: try await store.teams.list().map { ($0.id, $0.name) })
        let users = try await store.users.names()
        let labels = HistoryValues(recordType: Fields.recordType, t: t, format: format, names: [:], custom: custom)
        let numeric: Set<String> = ["amount", "score", "duration_minutes"]
        let currencyLabel = t["field_currency"] ?? "Currency"
        var sheet = Spreadsheet(
            header: ["ID"]
                + Fields.csvColumns.flatMap { key in
                    key.hasSuffix("_id") ? ["\(labels.label(key)) (ID)", labels.label(key)] : [labels.label(key)]
                }
                + custom.flatMap {
                    $0.kind == .money ? [$0.label(in: language), "\($0.label(in: language)) · \(currencyLabel)"] : [$0.label(in: language)]
                }
                + [t["owner"] ?? "Owner", t["team"] ?? "Team", t["created"] ?? "Created", t["updated"] ?? "Updated"]
        )
        repeat {
            let page = try await records.list(identity.access, query)
            var ids: [String: [Int64]] = [:]
            for record in page.items {
                for (key, value) in zip(Fields.csvColumns, record.fields.csvValues) where key.hasSuffix("_id") {
                    ids[key, default: []] += [Int64(value)].compactMap { $0 }
                }
            }
            var values = try await HistoryValues.load(store, identity, ids: ids, t: t, format: format, recordType: Fields.recordType, custom: custom)
            values.forSpreadsheet = true
            for record in page.items {
                var row: [Spreadsheet.Cell] = [.number(Decimal(record.meta.id))]
                for (key, value) in zip(Fields.csvColumns, record.fields.csvValues) {
                    if key.hasSuffix("_id") {
                        row.append(Decimal(string: value).map(Spreadsheet.Cell.number) ?? .text(""))
                        row.append(.text(value.isEmpty ? "" : values.value(key, value)))
                    } else if numeric.contains(key), let number = Decimal(string: value, locale: Locale(identifier: "en_US_POSIX")) {
                        row.append(.number(number))
                    } else {
                        row.append(.text(value.isEmpty ? "" : values.value(key, value)))
                    }
                }
                for field in custom {
                    switch record.fields.custom[field.key] {
                    case .money(let money)?: row += [.number(Decimal(string: money.decimalString) ?? 0), .text(money.currency.code)]
                    case .number(let number)?: row.append(.number(number))
                    case .date(let day)?: row.append(.text(day.description))
                    case .dateTime(let moment)?: row.append(.text(values.time(moment)))
                    case let value?: row.append(.text(CustomFieldsPage.display(value, of: field, users: users, format: format, t)))
                    case nil: row += field.kind == .money ? [.text(""), .text("")] : [.text("")]
                    }
                }
                row += [
                    .text(users[record.meta.ownerID] ?? ""), .text(record.meta.teamID.flatMap { teams[$0] } ?? ""),
                    .text(values.time(record.meta.createdAt)), .text(values.time(record.meta.updatedAt)),
                ]
                sheet.rows.append(row)
            }
            query.cursor = page.nextCursor
        } while query.cursor != nil
        let name = t["nav_\(Fields.collection)"] ?? Fields.collection
        return Self.download(sheet, kind: kind, name: name, language: language)
    }

    /// A spreadsheet as a download: CSV as the reader's Excel reads it, or XLSX.
    static func download(_ sheet: Spreadsheet, kind: String, name: String, language: String) -> Response {
        var headers = HTTPFields()
        let body: ByteBuffer
        if kind == "xlsx" {
            headers[.contentType] = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            body = ByteBuffer(bytes: sheet.xlsx(sheet: name))
        } else {
            headers[.contentType] = "text/csv; charset=utf-8"
            body = ByteBuffer(string: sheet.csv(decimalComma: Spreadsheet.decimalComma(language)))
        }
        // RFC 6266: an ASCII name for old clients, the reader's own in UTF-8 for the rest.
        let ascii = name.unicodeScalars.allSatisfy { $0.isASCII && $0 != "\"" } ? name : "export"
        headers[.contentDisposition] = "attachment; filename=\"\(ascii).\(kind)\"; filename*=UTF-8''\(percentEncoded(name)).\(kind)"
        headers[.cacheControl] = "no-store"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: body))
    }

    /// `/{collection}/:id/history`: the whole audit trail, a page of entries at a time, newest first.
    @Sendable func history(_ request: Request, context: AppContext) async throws -> Response {
        let identity = try context.requireIdentity()
        let record = try await records.get(identity.access, try context.pathID(), includeDeleted: true)
        var parameters = QueryParameters(request.queryDictionary, allowed: ["cursor"])
        let before = parameters.id("cursor")
        try parameters.finish()
        let page = try await records.history(identity.access, record.meta.id, limit: ListQuery.maxLimit, before: before)
        let t = pages.strings(PageRenderer.language(identity: identity, request: request))
        var data: [String: Any] = [
            "record_title": record.fields.title, "record_href": "\(base)/\(record.meta.id)",
            "history": Self.historyRows(
                page.entries,
                t,
                owners: try await store.users.names(),
                values: try await historyValues(identity, page.entries, t)
            ),
        ]
        if let next = page.next { data["older"] = "\(base)/\(record.meta.id)/history?cursor=\(next)" }
        return pages.render(
            "record_history",
            data,
            identity: identity,
            request: request,
            title: (t["history"] ?? "History") + ": " + record.fields.title
        )
    }

    /// How many of its latest changes a record's page shows; the rest are a link away.
    static var cardHistory: Int { 20 }

    static func historyRows(_ entries: [AuditEntry], _ t: [String: String], owners: [UserID: String], values: HistoryValues) -> [[String: Any]] {
        entries.map { entry in
            [
                "action": t["action_\(entry.action.rawValue)"] ?? entry.action.rawValue, "at": values.format.dateTime(entry.at),
                "who": entry.actorID.flatMap { owners[$0] } ?? entry.systemReason ?? "",
                "changes": entry.changes.map { change in
                    [
                        "field": values.label(change.field), "old": values.value(change.field, change.old),
                        "new": values.value(change.field, change.new),
                    ]
                },
                "has_changes": !entry.changes.isEmpty,
            ]
        }
    }

    func historyValues(_ identity: Identity, _ entries: [AuditEntry], _ t: [String: String]) async throws -> HistoryValues {
        try await HistoryValues.load(
            store,
            identity,
            entries,
            t: t,
            format: pages.formatter(identity),
            recordType: Fields.recordType,
            custom: try await records.customFields()
        )
    }

    @Sendable func newForm(_ request: Request, context: AppContext) async throws -> Response {
        let identity = try context.requireIdentity()
        var fields = Fields.blank
        let query = request.queryDictionary.filter { $0.key != "next" && !$0.value.isEmpty }
        if !query.isEmpty {
            var started = fields
            _ = started.apply(form: FormInput(values: query.mapValues { [$0] }), context: formContext(identity))
            fields = started
        }
        return try await form(identity, request, fields: fields, meta: nil, errors: [], status: .ok)
    }

    @Sendable func editForm(_ request: Request, context: AppContext) async throws -> Response {
        let identity = try context.requireIdentity()
        let record = try await records.get(identity.access, try context.pathID())
        return try await form(identity, request, fields: record.fields, meta: record.meta, errors: [], status: .ok)
    }

    @Sendable func create(_ request: Request, context: AppContext) async throws -> Response {
        let identity = try context.requireIdentity()
        let input = try await FormInput(request, context: context, csrf: identity.csrfToken)
        var fields = Fields.blank
        let reading = formContext(identity)
        let readErrors =
            fields.apply(form: input, context: reading)
            + CustomFieldsPage.read(input, try await records.customFields(), into: &fields.custom, context: reading)
        let assignment = Self.assignment(input)
        guard readErrors.isEmpty else {
            return try await form(identity, request, fields: fields, meta: nil, errors: readErrors, status: .unprocessableContent, typed: input)
        }
        do {
            let created = try await records.create(
                identity.access,
                fields,
                assignment: assignment,
                refusingDuplicates: input["allow_duplicates"] != "1"
            ).record
            // Quick forms on other pages (an activity added on a deal) return where they were sent from.
            let next = input["next"].isEmpty ? "\(base)/\(created.meta.id)" : AuthPages.safeNext(input["next"])
            return redirect(
                next,
                notice: Notice(
                    key: "created",
                    subject: created.fields.title,
                    undo: "\(base)/\(created.meta.id)/delete",
                    follow: created.fields.nextStepLink(returnTo: next),
                    followLabel: "schedule_next"
                )
            )
        } catch StoreError.possibleDuplicates(_, let ids) {
            // The form comes back with the look-alikes and a box to tick to create the record anyway.
            let similar = try await records.many(identity.access, ids)
            return try await form(
                identity,
                request,
                fields: fields,
                meta: nil,
                errors: [],
                status: .conflict,
                duplicates: ids.compactMap { similar[$0] },
                typed: input
            )
        } catch let error as StoreError {
            return try await form(identity, request, fields: fields, meta: nil, errors: error.formErrors, status: .unprocessableContent, typed: input)
        }
    }

    @Sendable func update(_ request: Request, context: AppContext) async throws -> Response {
        let identity = try context.requireIdentity()
        let id = try context.pathID()
        let input = try await FormInput(request, context: context, csrf: identity.csrfToken)
        let current = try await records.get(identity.access, id)
        var fields = current.fields
        let reading = formContext(identity)
        let readErrors =
            fields.apply(form: input, context: reading)
            + CustomFieldsPage.read(input, try await records.customFields(), into: &fields.custom, context: reading)
        guard readErrors.isEmpty else {
            return try await form(
                identity,
                request,
                fields: fields,
                meta: current.meta,
                errors: readErrors,
                status: .unprocessableContent,
                typed: input
            )
        }
        let version = Int64(input["version"]) ?? 0
        do {
            let saved = try await records.update(identity.access, id, expectedVersion: version, fields, assignment: Self.assignment(input))
            return redirect("\(base)/\(id)", notice: Notice(key: "saved", subject: saved.fields.title))
        } catch let error as StoreError {
            // The form now carries the latest version, so saving again deliberately replaces the other change.
            let latest = (try? await records.get(identity.access, id).meta) ?? current.meta
            var status = HTTPResponse.Status.unprocessableContent
            if case .versionMismatch = error { status = .conflict }
            return try await form(identity, request, fields: fields, meta: latest, errors: error.formErrors, status: status, typed: input)
        }
    }

    @Sendable func delete(_ request: Request, context: AppContext) async throws -> Response {
        let identity = try context.requireIdentity()
        let id = try context.pathID()
        let input = try await FormInput(request, context: context, csrf: identity.csrfToken)
        let record = try await records.get(identity.access, id)
        try await records.delete(identity.access, id, expectedVersion: nil)
        // The undo of an activity just added returns to the page it was added on; the record's own page is gone.
        let next = input["next"].isEmpty || input["next"].hasPrefix("\(base)/\(id)") ? base : AuthPages.safeNext(input["next"])
        return redirect(next, notice: Notice(key: "deleted", subject: record.fields.title, undo: "\(base)/\(id)/restore"))
    }

    @Sendable func restore(_ request: Request, context: AppContext) async throws -> Response {
        let identity = try context.requireIdentity()
        let id = try context.pathID()
        _ = try await FormInput(request, context: context, csrf: identity.csrfToken)
        let restored = try await records.restore(identity.access, id)
        return redirect("\(base)/\(id)", notice: Notice(key: "restored", subject: restored.fields.title))
    }

    // MARK: Pieces

    private func form(
        _ identity: Identity,
        _ request: Request,
        fields: Fields,
        meta: RecordMeta?,
        errors: [ValidationError],
        status: HTTPResponse.Status,
        duplicates: [Record<Fields>] = [],
        typed: FormInput? = nil
    ) async throws -> Response {
        let t = pages.strings(PageRenderer.language(identity: identity, request: request))
        // A record's owner stays a choice after leaving, so saving the form does not hand the record to someone else.
        let everyone = try await store.users.list()
        let users = everyone.filter { $0.isActive || $0.id == meta?.ownerID }
        let teams = try await store.teams.list()
        let owner = meta?.ownerID ?? identity.user.id
        let team = meta?.teamID ?? identity.access.memberTeams.union(identity.access.headedTeams).min()
        var data = fields.formValues(formContext(identity))
        data["editing"] = meta != nil
        // A form opened from another page ("schedule the next activity") returns there once saved.
        data["next"] = (typed?.values["next"]?.first ?? request.uri.queryParameters["next"].map(String.init)).map(AuthPages.safeNext) ?? ""
        data["id"] = meta?.id ?? 0
        data["version"] = meta?.version ?? 0
        data["action"] = meta.map { "\(base)/\($0.id)" } ?? base
        data["cancel"] = meta.map { "\(base)/\($0.id)" } ?? base
        // A form opened from another page goes back there when cancelled, as it does when saved.
        if let next = (typed?.values["next"]?.first ?? request.uri.queryParameters["next"].map(String.init)), !next.isEmpty {
            data["cancel"] = AuthPages.safeNext(next)
        }
        data["errors"] = errors.map { pages.message($0, t) }
        data["has_errors"] = !errors.isEmpty
        data["duplicates"] = duplicates.map { ["href": "\(base)/\($0.meta.id)", "title": $0.fields.title] }
        data["has_duplicates"] = !duplicates.isEmpty
        // A new lead's owner is left to the routing rules unless the user picks one.
        let byRules = Fields.routable && meta == nil
        data["routable"] = byRules
        data["owners"] = users.map { ["id": $0.id.rawValue, "name": $0.name, "selected": !byRules && $0.id == owner] }
        data["teams"] = teams.map { ["id": $0.id.rawValue, "name": $0.name, "selected": $0.id == team] }
        let custom = try await records.customFields()
        data["custom_fields"] = CustomFieldsPage.inputs(
            custom,
            fields.custom,
            users: everyone,
            timeZone: TimeZone(identifier: identity.user.timeZone) ?? TimeZone(identifier: "UTC")!,
            language: MessageCatalog.language(of: identity.user.locale)
        )
        data["has_custom_fields"] = !custom.isEmpty
        for (key, value) in try await formExtras(identity, fields) { data[key] = value }
        if let typed { Self.keepTyped(typed, in: &data) }
        let title = meta == nil ? t["\(Fields.pageKey)_new"] : fields.title
        return pages.render("\(Fields.pageKey)_form", data, identity: identity, request: request, status: status, title: title)
    }

    /// A form that comes back with an error shows what was typed, not what could be read of it: an amount typed as
    /// "12 500,5O" stays there to be corrected instead of turning into an empty box. Choices already show the
    /// submitted state, since the record they are read from was changed by the form.
    static func keepTyped(_ typed: FormInput, in data: inout [String: Any]) {
        for (key, value) in data where value is String {
            if let text = typed.values[key]?.first { data[key] = text }
        }
        if let inputs = data["custom_fields"] as? [[String: Any]] {
            data["custom_fields"] = inputs.map { input in
                var input = input
                if input["options"] as? [[String: Any]] == nil || (input["options"] as? [[String: Any]])?.isEmpty == true,
                    let name = input["name"] as? String, let text = typed.values[name]?.first
                {
                    input["value"] = text
                }
                return input
            }
        }
        if let owner = typed.values["owner_id"]?.first, var owners = data["owners"] as? [[String: Any]] {
            owners = owners.map {
                var choice = $0
                choice["selected"] = "\(choice["id"] ?? "")" == owner
                return choice
            }
            data["owners"] = owners
        }
        if let team = typed.values["team_id"]?.first, var teams = data["teams"] as? [[String: Any]] {
            teams = teams.map {
                var choice = $0
                choice["selected"] = "\(choice["id"] ?? "")" == team
                return choice
            }
            data["teams"] = teams
        }
    }

    private func formContext(_ identity: Identity) -> FormContext {
        FormContext(defaultCountryCode: settings.defaultCountryCode, timeZone: identity.user.timeZone)
    }

    static func assignment(_ input: FormInput) -> RecordStore<Fields>.Assignment {
        var assignment = RecordStore<Fields>.Assignment(routed: Fields.routable)
        if let owner = Int64(input["owner_id"]) { assignment.owner = UserID(owner) }
        if input.values["team_id"] != nil { assignment.team = .some(Int64(input["team_id"]).map { TeamID($0) }) }
        return assignment
    }
}

func percentEncoded(_ text: String) -> String {
    var allowed = CharacterSet.alphanumerics
    allowed.insert(charactersIn: "-._~")
    return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
}
