import CRMCore
import CRMStore
import Foundation
import Hummingbird

/// `/api/v1/fields`: every field of a record type in one model, standard and custom; admins add custom ones.
struct FieldController {
    let store: Store

    func addRoutes(to group: RouterGroup<AppContext>) {
        group.get("fields", use: list)
        group.post("fields", use: create)
        group.patch("fields/:id", use: update)
        group.post("fields/:id/options/rename", use: renameOption)
    }

    @Sendable func list(_ request: Request, context: AppContext) async throws -> Response {
        _ = try context.requireIdentity()
        var query = QueryParameters(request.queryDictionary, allowed: ["record_type", "include_inactive"])
        let type = query.choice("record_type", RecordType.self)
        let inactive = query.bool("include_inactive") ?? false
        if type == nil, query.errors.isEmpty {
            query.fail(ValidationError(field: "record_type", code: "required", message: "say whose fields: company, contact, lead or deal"))
        }
        try query.finish()
        return JSONResponse.ok(.object(["items": .array(try await store.fields.list(type!, includeInactive: inactive).map(\.json))]))
    }

    /// `{"record_type": "company", "key": "contract_end", "label": "Contract end", "kind": "date"}`.
    @Sendable func create(_ request: Request, context: AppContext) async throws -> Response {
        let identity = try context.requireIdentity()
        var input = try JSONInput(
            try await JSONInput.body(request, context: context),
            request: request,
            allowed: Self.inputFields.union(["record_type", "key", "kind"])
        )
        let type = input.choice("record_type", RecordType.self) ?? nil
        let kind = input.choice("kind", FieldKind.self) ?? nil
        if type == nil, input.errors.isEmpty { input.fail("record_type", "required", "say whose field it is: company, contact, lead or deal") }
        if kind == nil, input.errors.isEmpty { input.fail("kind", "required", "say what kind of value it holds") }
        var field = FieldDefinition(recordType: type ?? .company, key: input.string("key") ?? "", label: "", kind: kind ?? .text)
        Self.apply(&input, to: &field)
        try input.finish()
        return JSONResponse.ok(try await store.fields.create(identity.access, field).json, status: .created)
    }

    /// Label, options, required, listed and active may change; key and kind may not.
    @Sendable func update(_ request: Request, context: AppContext) async throws -> Response {
        let identity = try context.requireIdentity()
        let id = try context.pathID()
        var input = try JSONInput(try await JSONInput.body(request, context: context), request: request, allowed: Self.inputFields)
        var field = try await store.fields.field(id)
        Self.apply(&input, to: &field)
        try input.finish()
        return JSONResponse.ok(try await store.fields.update(identity.access, id, field).json)
    }

    /// `{"from": "Srebrny", "to": "Platynowy"}`: the option is renamed in the field and in every record holding it.
    @Sendable func renameOption(_ request: Request, context: AppContext) async throws -> Response {
        let identity = try context.requireIdentity()
        let id = try context.pathID()
        var input = try JSONInput(try await JSONInput.body(request, context: context), request: request, allowed: ["from", "to"])
        let from = input.string("from")
        let to = input.string("to")
        if from == nil { input.fail("from", "required", "name the option to rename") }
        if to == nil { input.fail("to", "required", "give the option's new name") }
        try input.finish()
        let (field, records) = try await store.fields.renameOption(identity.access, id, from: from ?? "", to: to ?? "")
        return JSONResponse.ok(.object(["field": field.json, "records": .int(Int64(records))]))
    }

    static let inputFields: Set<String> = ["label", "options", "is_required", "in_list", "is_active", "translations"]

    private static func apply(_ input: inout JSONInput, to field: inout FieldDefinition) {
        if let value = input.string("label") { field.label = value }
        if let value = input.strings("options") { field.options = value }
        if let value = input.bool("is_required") { field.isRequired = value }
        if let value = input.bool("in_list") { field.inList = value }
        if let value = input.bool("is_active") { field.isActive = value }
        // {"labels": {"pl": "Poziom"}, "options": {"pl": {"Gold": "Złoty"}}}
        if var nested = input.nested("translations", allowed: ["labels", "options"]) {
            var translations = FieldTranslations(labels: nested.texts("labels") ?? [:])
            if var options = nested.nested("options", allowed: Set(MessageCatalog.languages)) {
                for language in MessageCatalog.languages { if let names = options.texts(language) { translations.options[language] = names } }
                nested.adopt(options, under: "options")
            }
            field.translations = translations
            input.adopt(nested, under: "translations")
        }
    }
}

extension FieldDefinition {
    var json: JSONValue {
        .object([
            "id": isStandard ? .null : .int(id), "record_type": .string(recordType.rawValue), "key": .string(key), "label": .string(label),
            "kind": .string(kind.rawValue), "options": .array(options.map(JSONValue.string)), "is_required": .bool(isRequired),
            "in_list": .bool(inList), "is_standard": .bool(isStandard), "is_active": .bool(isActive),
            "translations": .object([
                "labels": .object(translations.labels.mapValues(JSONValue.string)),
                "options": .object(translations.options.mapValues { .object($0.mapValues(JSONValue.string)) }),
            ]),
        ])
    }
}
