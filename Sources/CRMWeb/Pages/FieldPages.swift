import CRMCore
import CRMStore
import Foundation
import HTTPTypes
import Hummingbird

/// `/admin/fields`: every record type's fields, standard and custom, and the forms that add and change custom ones.
struct FieldPages {
    let store: Store
    let pages: PageRenderer

    func addRoutes(to group: RouterGroup<AppContext>) {
        group.get("admin/fields", use: list)
        group.post("admin/fields", use: create)
        group.post("admin/fields/:id", use: update)
        group.post("admin/fields/:id/rename-option", use: renameOption)
    }

    @Sendable func list(_ request: Request, context: AppContext) async throws -> Response {
        let identity = try context.require(.manageFields)
        return try await page(identity, request, errors: [], status: .ok)
    }

    @Sendable func create(_ request: Request, context: AppContext) async throws -> Response {
        let identity = try context.require(.manageFields)
        let form = try await FormInput(request, context: context, csrf: identity.csrfToken)
        guard let type = RecordType(rawValue: form["record_type"]), let kind = FieldKind(rawValue: form["kind"]) else {
            return try await page(
                identity,
                request,
                errors: [ValidationError(field: "kind", code: "invalid_choice", message: "choose a record type and a kind")],
                status: .unprocessableContent
            )
        }
        let field = FieldDefinition(
            recordType: type,
            key: form["key"],
            label: form["label"],
            kind: kind,
            options: FormFields.lines(form["options"]),
            isRequired: form["required"] == "on",
            inList: form["in_list"] == "on"
        )
        return try await save(identity, request) { _ = try await store.fields.create(identity.access, field) }
    }

    @Sendable func update(_ request: Request, context: AppContext) async throws -> Response {
        let identity = try context.require(.manageFields)
        let id = try context.pathID()
        let form = try await FormInput(request, context: context, csrf: identity.csrfToken)
        let options = FormFields.lines(form["options"])
        var translations = FieldTranslations(labels: TranslationInputs.read(form))
        for code in MessageCatalog.languages where !form["options_\(code)"].isEmpty {
            // Line n names option n; a blank line leaves that option as it is.
            let names = form["options_\(code)"].split(separator: "\n", omittingEmptySubsequences: false).map { $0.trimmingWhitespace() }
            translations.options[code] = Dictionary(zip(options, names).filter { !$0.1.isEmpty }, uniquingKeysWith: { first, _ in first })
        }
        let change = FieldDefinition(
            recordType: .company,
            key: "",
            label: form["label"],
            kind: .text,
            options: options,
            isRequired: form["required"] == "on",
            inList: form["in_list"] == "on",
            isActive: form["active"] == "on",
            translations: translations
        )
        return try await save(identity, request) { _ = try await store.fields.update(identity.access, id, change) }
    }

    @Sendable func renameOption(_ request: Request, context: AppContext) async throws -> Response {
        let identity = try context.require(.manageFields)
        let id = try context.pathID()
        let form = try await FormInput(request, context: context, csrf: identity.csrfToken)
        return try await save(identity, request) { _ = try await store.fields.renameOption(identity.access, id, from: form["from"], to: form["to"]) }
    }

    private func save(_ identity: Identity, _ request: Request, _ change: () async throws -> Void) async throws -> Response {
        do {
            try await change()
            return redirect("/admin/fields", notice: Notice(key: "saved"))
        } catch let error as StoreError {
            return try await page(identity, request, errors: error.formErrors, status: .unprocessableContent)
        }
    }

    private func page(_ identity: Identity, _ request: Request, errors: [ValidationError], status: HTTPResponse.Status) async throws -> Response {
        let t = pages.strings(PageRenderer.language(identity: identity, request: request))
        var types: [[String: Any]] = []
        for type in FieldDefinition.customizable {
            let fields = try await store.fields.list(type, includeInactive: true)
            types.append([
                "type": type.rawValue, "heading": t["nav_\(type.collection ?? "")"] ?? type.rawValue,
                "standard": fields.filter(\.isStandard).map { t["field_\($0.key)"] ?? $0.key }.joined(separator: ", "),
                "custom": fields.filter { !$0.isStandard }.map { field in
                    [
                        "id": field.id, "key": field.key, "label": field.label, "kind": t["field_kind_\(field.kind.rawValue)"] ?? field.kind.rawValue,
                        "options": field.options.joined(separator: "\n"), "has_options": field.kind == .choice || field.kind == .choices,
                        "option_list": field.options,
                        "required": field.isRequired, "in_list": field.inList, "active": field.isActive,
                        "translation_inputs": TranslationInputs.inputs(field.translations.labels),
                        // Per language, the options' names one per line in the options' order (a blank line keeps the option's own).
                        "option_translations": MessageCatalog.languages.map { code in
                            [
                                "name": "options_\(code)", "language": MessageCatalog.languageNames[code] ?? code,
                                "value": field.options.map { field.translations.options[code]?[$0] ?? "" }.joined(separator: "\n"),
                            ]
                        },
                    ] as [String: Any]
                },
            ])
        }
        let data: [String: Any] = [
            "types": types, "errors": errors.map { pages.message($0, t) }, "has_errors": !errors.isEmpty,
            "record_types": FieldDefinition.customizable.map { ["value": $0.rawValue, "label": t["nav_\($0.collection ?? "")"] ?? $0.rawValue] },
            "kinds": FieldKind.allCases.map { ["value": $0.rawValue, "label": t["field_kind_\($0.rawValue)"] ?? $0.rawValue] },
        ]
        return pages.render("admin_fields", data, identity: identity, request: request, status: status, title: t["nav_fields"])
    }
}
