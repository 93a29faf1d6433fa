import CRMCore
import CRMStore
import Foundation
import HTTPTypes
import Logging

/// How a record type speaks JSON and CSV. The generic `RecordController` does the rest.
protocol APIResource: StoredFields {
    /// The plural noun of the collection: `/api/v1/companies`.
    static var collection: String { get }
    /// Fields a client may send on create besides `owner_id` and `team_id`.
    static var inputFields: Set<String> { get }
    /// Fields a client may change later; by default the same.
    static var updateFields: Set<String> { get }
    /// List parameters this collection understands beyond the common ones.
    static var listParameters: Set<String> { get }
    /// The value a create starts from before the request's fields apply.
    static var blank: Self { get }
    /// Applies the fields present in `input`; a missing field keeps its value, `null` clears it.
    mutating func apply(_ input: inout JSONInput, defaultCountryCode: String)
    /// Records errors for fields a create must have sent that `blank` cannot default.
    static func checkCreate(_ fields: Self, _ input: inout JSONInput)
    var json: [String: JSONValue] { get }
    static var csvColumns: [String] { get }
    var csvValues: [String] { get }
}

extension APIResource {
    static var updateFields: Set<String> { inputFields }
    static func checkCreate(_ fields: Self, _ input: inout JSONInput) {}
}

extension Record where Fields: APIResource {
    var json: JSONValue {
        var object = fields.json
        object["id"] = .int(meta.id)
        object["version"] = .int(meta.version)
        object["owner_id"] = .int(meta.ownerID.rawValue)
        object["team_id"] = .optional(meta.teamID?.rawValue)
        object["created_at"] = .string(meta.createdAt.iso8601)
        object["updated_at"] = .string(meta.updatedAt.iso8601)
        object["deleted_at"] = .optional(meta.deletedAt?.iso8601)
        if FieldDefinition.customizable.contains(Fields.recordType) {
            object["custom"] = .object(fields.custom.mapValues(\.json))
        }
        return .object(object)
    }
}

/// Readers for the value types several resources share.
enum SharedInput {
    static func phones(_ input: inout JSONInput, _ key: String, defaultCountryCode: String) -> [LabeledPhone]? {
        input.array(key) { element, path throws(ValidationError) in
            let (label, number) = try JSONInput.labeled(element, path, field: "number", defaultLabel: "work") { raw throws(ValidationError) in
                try PhoneNumber(raw, defaultCountryCode: defaultCountryCode)
            }
            return LabeledPhone(label: label, number: number)
        }
    }

    static func emails(_ input: inout JSONInput, _ key: String) -> [LabeledEmail]? {
        input.array(key) { element, path throws(ValidationError) in
            let (label, address) = try JSONInput.labeled(element, path, field: "address", defaultLabel: "work") { raw throws(ValidationError) in
                try EmailAddress(raw)
            }
            return LabeledEmail(label: label, address: address)
        }
    }

    static func phonesJSON(_ phones: [LabeledPhone]) -> JSONValue {
        .array(phones.map { .object(["label": .string($0.label), "number": .string($0.number.e164)]) })
    }

    static func emailsJSON(_ emails: [LabeledEmail]) -> JSONValue {
        .array(emails.map { .object(["label": .string($0.label), "address": .string($0.address.value)]) })
    }
}
