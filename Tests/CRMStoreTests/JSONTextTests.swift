import CRMCore
import Foundation
import Testing

@testable import CRMStore

@Suite("JSON written by hand")
struct JSONTextTests {
    @Test("audit changes, phones and e-mails read back as JSONEncoder's would, whatever their text holds")
    func roundTrip() throws {
        let awkward = ["", "plain", "ООО \"Ромашка\"", "back\\slash", "line\nbreak\ttab\r", "\u{1}\u{1F}", "Łódź 東京 🙂", "</script>"]
        let changes = awkward.map { FieldChange(field: "name", old: $0.isEmpty ? nil : $0, new: $0) } + [FieldChange(field: "x", old: "a", new: nil)]
        #expect(try ColumnJSON.decode([FieldChange].self, from: JSONText.changes(changes)) == changes)
        #expect(
            try ColumnJSON.decode([FieldChange].self, from: JSONText.changes(changes))
                == ColumnJSON.decode([FieldChange].self, from: ColumnJSON.encode(changes))
        )
        let phones = try awkward.map { LabeledPhone(label: $0, number: try PhoneNumber("+48 22 123 45 67")) }
        #expect(try ColumnJSON.decode([LabeledPhone].self, from: JSONText.phones(phones)) == phones)
        let emails = try awkward.map { LabeledEmail(label: $0, address: try EmailAddress("anna@example.pl")) }
        #expect(try ColumnJSON.decode([LabeledEmail].self, from: JSONText.emails(emails)) == emails)
        #expect(JSONText.phones([]) == "[]" && JSONText.changes([]) == "[]")
    }

    @Test("a new record's changes are its values that are not empty, by field, as a diff from nothing makes them")
    func created() throws {
        let values = [
            "last_name": "Wiśniewski", "first_name": "Łukasz \"Łukas\"", "job_title": "", "emails": "work: l@example.pl", "custom.size": "12",
        ]
        #expect(JSONText.created(values) == JSONText.changes(FieldChange.diff(old: [:], new: values)))
        #expect(
            try ColumnJSON.decode([FieldChange].self, from: JSONText.created(values)).map(\.field) == [
                "custom.size", "emails", "first_name", "last_name",
            ]
        )
        #expect(JSONText.created(["job_title": ""]) == "[]")
    }
}
