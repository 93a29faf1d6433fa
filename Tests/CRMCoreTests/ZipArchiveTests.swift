import CRMCore
import Foundation
import Testing

@Suite("ZIP archives")
struct ZipArchiveTests {
    @Test("CRC-32 is the standard one, and the archive ends with a directory naming every file")
    func archive() {
        #expect(ZipArchive.crc32(Data("123456789".utf8)) == 0xCBF4_3926)
        #expect(ZipArchive.crc32(Data()) == 0)
        var archive = ZipArchive()
        archive.add("kontakty.csv", Data("nazwisko\nWiśniewski\n".utf8), modified: Date(timeIntervalSince1970: 1_800_000_000))
        archive.add("firmy.csv", Data())
        let data = archive.data
        #expect(data.prefix(4) == Data([0x50, 0x4B, 0x03, 0x04]))
        let end = data.suffix(22)
        #expect(end.prefix(4) == Data([0x50, 0x4B, 0x05, 0x06]) && end[end.startIndex + 10] == 2, "two entries in the directory")
        #expect(data.range(of: Data("Wiśniewski".utf8)) != nil, "stored as written")
    }
}
