import CRMCore
import CRMTestSupport
import Foundation
import Testing

@Suite("vCard")
struct VCardTests {
    static func people(_ name: String) throws -> [VCardPerson] {
        guard let folder = SharedData.folder("vcard") else { return [] }
        return try VCardReader.read(try Data(contentsOf: folder.appendingPathComponent(name)))
    }

    @Test("every card in ../shared/data/vcard reads, and becomes a valid contact")
    func everyFile() throws {
        let files = SharedData.files("vcard", extension: "vcf")
        guard !files.isEmpty else {
            print("skipped: \(SharedData.root.path)/vcard is not on this machine")
            return
        }
        var cards = 0
        for file in files {
            let people = try VCardReader.read(try Data(contentsOf: file))
            #expect(!people.isEmpty, "\(file.lastPathComponent)")
            for person in people {
                let (fields, _) = person.contactFields(defaultCountryCode: "48")
                #expect(throws: Never.self, "\(file.lastPathComponent), card on line \(person.line)") { _ = try fields.validated() }
                cards += 1
            }
        }
        #expect(files.count == 18 && cards == 61, "\(files.count) files, \(cards) cards")
    }

    @Test("names, phones, e-mails and labels come out right from each exporter's quirks")
    func quirks() throws {
        guard SharedData.folder("vcard") != nil else { return }
        // Outlook, vCard 2.1: quoted-printable labels with soft breaks, a base64 photo, bare TYPE parameters.
        let outlook = try #require(try Self.people("John_Doe_MS_OUTLOOK.vcf").first)
        #expect(outlook.familyName == "Doe" && outlook.givenName == "John" && outlook.middleName == "Richter James")
        #expect(outlook.phones.map(\.value) == ["(905) 555-1234", "(905) 666-1234"] && outlook.phones.map(\.label) == ["work", "home"])
        #expect(outlook.emails.map(\.value) == ["john.doe@ibm.cm"] && outlook.organization == "IBM" && outlook.hasPhoto)
        // iOS: CR CR LF line ends, itemN. groups with X-ABLabel names.
        let iphone = try #require(try Self.people("John_Doe_IPHONE.vcf").first)
        #expect(iphone.phones.count == 7 && iphone.phones.last?.label == "assistantphone" && iphone.hasPhoto)
        // Android, 2.1: quoted-printable UTF-8 names.
        #expect(try Self.people("John_Doe_ANDROID.vcf").map(\.familyName).contains("Ñ Ñ Ñ Ñ"))
        // ownCloud: a line folded inside a multi-byte character.
        let greek = try #require(try Self.people("vcard9.vcf").first)
        #expect(greek.formattedName.hasPrefix("βγδεαβγδ1βγδεαβγδ1") && !greek.formattedName.contains("\u{FFFD}"))
        #expect(greek.note.hasPrefix("Длинный комментарий"))
        // Escaped semicolons inside a structured value; umlauts.
        let special = try Self.people("eds_contact.vcf")
        #expect(special.contains { $0.givenName == "First ; special ;" && $0.familyName == "Last" })
        #expect(special.contains { $0.formattedName == "Umlaut Ä Ö Ü ß" })
        #expect(try Self.people("gmail-list.vcf").map(\.formattedName) == ["Arnold Smith", "Chris Beatle", "Doug White"])
        // A number that is not one is left out with a warning, not a failed import.
        let bad = try #require(try Self.people("outlook-2003.vcf").first).contactFields(defaultCountryCode: "48")
        #expect(bad.fields.phones.isEmpty && bad.warnings.count == 4)
    }

    @Test("a card cut off mid-line, a file without cards, and binary data are refused with a reason")
    func broken() throws {
        let card = "BEGIN:VCARD\r\nVERSION:3.0\r\nN:Kowalski;Jan;;;\r\nFN:Jan Kowalski\r\nTEL;TYPE=CELL:+48 600 1"
        #expect(
            throws: ValidationError(
                code: "truncated_vcard",
                message: "the file ends inside the vCard that begins on line 1; it is cut off or damaged"
            )
        ) {
            try VCardReader.read(Data(card.utf8))
        }
        #expect(throws: ValidationError.self) { try VCardReader.read(Data("name,phone\nJan,123\n".utf8)) }
        #expect(throws: ValidationError.self) { try VCardReader.read(Data([0x00, 0xFF, 0x13, 0x37])) }
    }

    @Test("written cards read back the same, in every script, folded to 75 octets")
    func roundTrip() throws {
        var polish = ContactFields(firstName: "Łukasz", lastName: "Wiśniewski; Nowak", jobTitle: "Dyrektor, handel")
        polish.phones = [LabeledPhone(label: "mobile", number: try PhoneNumber("+48 600 700 800"))]
        polish.emails = [LabeledEmail(address: try EmailAddress("lukasz@example.pl"))]
        polish.tags = ["vip", "łódź"]
        let russian = ContactFields(firstName: "Алексей", middleName: "Сергеевич", lastName: String(repeating: "Смирнов-", count: 12) + "Петров")
        let text = VCardWriter.write([(polish, "Zakłady Żółć sp. z o.o."), (russian, nil)])
        #expect(text.components(separatedBy: "\r\n").allSatisfy { $0.utf8.count <= 75 })
        let back = try VCardReader.read(Data(text.utf8))
        #expect(back.count == 2)
        let first = back[0].contactFields(defaultCountryCode: "48").fields
        #expect(first.firstName == "Łukasz" && first.lastName == "Wiśniewski; Nowak" && first.jobTitle == "Dyrektor, handel")
        #expect(first.phones == polish.phones && first.emails == polish.emails && first.tags == ["vip", "łódź"])
        #expect(back[0].organization == "Zakłady Żółć sp. z o.o.")
        #expect(back[1].contactFields(defaultCountryCode: "48").fields == russian)
    }
}
