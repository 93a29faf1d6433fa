import CRMCore
import CRMStore
import Foundation
import HTTPTypes
import Hummingbird
import Logging

/// The API contract, `Resources/openapi.json`, written by hand (spec first) and served with the custom fields
/// admins defined described in it: `CompanyCustom`, `ContactCustom`, `LeadCustom` and `DealCustom` list each
/// field with its JSON type, so generated clients see them typed. `OpenAPIContractTests` keeps the file and the
/// router in step: every route is documented and every documented operation is routed.
enum OpenAPIDocument {
    static let document: [String: JSONValue] = {
        guard let data = try? Data(contentsOf: WebResources.directory.appendingPathComponent("openapi.json")),
            case .object(let object)? = try? JSONDecoder().decode(JSONValue.self, from: data)
        else { return [:] }
        return object
    }()

    /// The schema names of the `custom` objects, by record type.
    static let customSchemas: [RecordType: String] = [.company: "CompanyCustom", .contact: "ContactCustom", .lead: "LeadCustom", .deal: "DealCustom"]

    static func response(fields: FieldStore) async throws -> Response {
        var document = document
        if case .object(var components)? = document["components"], case .object(var schemas)? = components["schemas"] {
            let custom = try await fields.customByType()
            for (type, name) in customSchemas {
                let defined = custom[type] ?? []
                schemas[name] = .object([
                    "type": .string("object"), "additionalProperties": .bool(false),
                    "description": .string("The custom fields admins defined for this record type, as they stand now."),
                    "properties": .object(Dictionary(uniqueKeysWithValues: defined.map { ($0.key, schema($0)) })),
                ])
            }
            components["schemas"] = .object(schemas)
            document["components"] = .object(components)
        }
        var headers = HTTPFields()
        headers[.contentType] = "application/json; charset=utf-8"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: JSONValue.object(document).encoded())))
    }

    /// A field's value as JSON Schema; `null` clears it.
    static func schema(_ field: FieldDefinition) -> JSONValue {
        let value: [String: JSONValue] =
            switch field.kind {
            case .text, .longText: ["type": .string("string")]
            case .number: ["type": .string("number")]
            case .money:
                [
                    "type": .string("object"), "required": .array([.string("amount"), .string("currency")]),
                    "properties": .object([
                        "amount": .object(["type": .string("string")]),
                        "currency": .object(["type": .string("string"), "minLength": .int(3), "maxLength": .int(3)]),
                    ]),
                ]
            case .date: ["type": .string("string"), "format": .string("date")]
            case .dateTime: ["type": .string("string"), "format": .string("date-time")]
            case .yesNo: ["type": .string("boolean")]
            case .choice: ["type": .string("string"), "enum": .array(field.options.map(JSONValue.string))]
            case .choices:
                ["type": .string("array"), "items": .object(["type": .string("string"), "enum": .array(field.options.map(JSONValue.string))])]
            case .url: ["type": .string("string"), "format": .string("uri")]
            case .email: ["type": .string("string"), "format": .string("email")]
            case .phone: ["type": .string("string")]
            case .user: ["type": .string("integer"), "format": .string("int64")]
            }
        return .object(["title": .string(field.label), "oneOf": .array([.object(value), .object(["type": .string("null")])])])
    }
}
