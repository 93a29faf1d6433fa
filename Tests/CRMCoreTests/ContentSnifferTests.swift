import CRMCore
import Foundation
import Testing

@Suite("Content sniffing and file names")
struct ContentSnifferTests {
    @Test(
        "reads what a file is from its bytes",
        arguments: [
            ("%PDF-1.7\n", "application/pdf", false),
            ("GIF89a....", "image/gif", false),
            ("  <!DOCTYPE html><p>hi", "text/html", true),
            ("<?xml version=\"1.0\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\"/>", "image/svg+xml", true),
            ("<svg onload=alert(1)>", "image/svg+xml", true),
            ("<?xml version=\"1.0\"?><root/>", "application/xml", true),
            ("Zażółć gęślą jaźń\nСъешь же ещё этих мягких французских булок", "text/plain", false),
            ("BEGIN:VCALENDAR\r\nVERSION:2.0", "text/calendar", false),
        ]
    )
    func sniffs(text: String, type: String, active: Bool) {
        let sniffed = ContentSniffer.sniff(Data(text.utf8))
        #expect(sniffed.mediaType == type)
        #expect(sniffed.isActive == active)
    }

    @Test("images and office documents by their signatures")
    func binaries() {
        #expect(ContentSniffer.sniff(Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0])).mediaType == "image/png")
        #expect(ContentSniffer.sniff(Data([0xFF, 0xD8, 0xFF, 0xE0])).mediaType == "image/jpeg")
        var docx = ZipArchive()
        docx.add("[Content_Types].xml", Data("<Types/>".utf8))
        docx.add("word/document.xml", Data("<w:document/>".utf8))
        #expect(ContentSniffer.sniff(docx.data).mediaType == "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
        var ods = ZipArchive()
        ods.add("mimetype", Data("application/vnd.oasis.opendocument.spreadsheet".utf8))
        #expect(ContentSniffer.sniff(ods.data).mediaType == "application/vnd.oasis.opendocument.spreadsheet")
    }

    @Test("programs are recognised whatever they are called")
    func programs() {
        #expect(ContentSniffer.sniff(Data([0x7F, 0x45, 0x4C, 0x46, 2, 1])).isExecutable)
        #expect(ContentSniffer.sniff(Data("MZ\u{90}\u{0}".utf8)).isExecutable)
        #expect(ContentSniffer.sniff(Data("#!/bin/sh\nrm -rf /".utf8)).isExecutable)
        #expect(!ContentSniffer.sniff(Data("plain words".utf8)).isExecutable)
    }

    @Test("legacy code pages count as text; binary noise does not")
    func legacyText() {
        let cp1251 = Data([0xC4, 0xEE, 0xE3, 0xEE, 0xE2, 0xEE, 0xF0, 0x0D, 0x0A])  // "Договор" in windows-1251
        #expect(ContentSniffer.sniff(cp1251).mediaType == "text/plain")
        #expect(ContentSniffer.sniff(Data([0x00, 0x01, 0x02, 0xFF, 0x10])).mediaType == "application/octet-stream")
        // A UTF-8 character cut by the end of the sniffed head is still text.
        let long = Data((String(repeating: "ą", count: 2047) + "ó").utf8)
        #expect(ContentSniffer.sniff(long).mediaType == "text/plain")
    }

    @Test("file names keep any script but lose paths, control characters and leading dots")
    func names() throws {
        #expect(try FileName.cleaned("C:\\fakepath\\Umowa Łódź.pdf") == "Umowa Łódź.pdf")
        #expect(try FileName.cleaned("../../etc/passwd") == "passwd")
        #expect(try FileName.cleaned(".htaccess") == "htaccess")
        #expect(try FileName.cleaned("Счёт\u{0}\u{7}.xlsx") == "Счёт.xlsx")
        #expect(try FileName.cleaned("Sze\u{301}p.txt") == "Szép.txt")
        let long = try FileName.cleaned(String(repeating: "ж", count: 300) + ".docx")
        #expect(long.utf8.count <= FileName.maxBytes && long.hasSuffix(".docx"))
        #expect(throws: ValidationError.self) { try FileName.cleaned("../") }
    }
}
