import CRMCore
import CRMStore
import CRMTestSupport
import Foundation
import NIOCore
import Testing

/// Files on records, on every storage (folder, database, S3) and both engines: the same suite for each.
@Suite("Files")
struct FileStoreTests {
    @Test(
        "a file comes back byte for byte, is listed on its record and stored once however often it is attached",
        arguments: TestEngine.available,
        TestFileStorage.available
    )
    func roundTrip(engine: TestEngine, storage: TestFileStorage) async throws {
        try await TestDatabase.withStore(engine, files: try await storage.configuration()) { store in
            let world = try await World.make(store)
            let rafal = try await world.context(world.rafal)
            let first = try await world.company("Żabka", by: world.rafal)
            let second = try await world.company("Ёлка", by: world.rafal)
            // Three and a half chunks of the database storage, so chunk boundaries are crossed.
            let bytes = Data((0..<(3 * (1 << 20) + 12345)).map { UInt8(truncatingIfNeeded: $0 &* 2_654_435_761 >> 7) })
            let a = try await store.files.attach(
                rafal,
                to: .company,
                id: first.meta.id,
                name: "Cennik 2027 – ł.bin",
                try await store.files.staging.stage(bytes)
            )
            let b = try await store.files.attach(
                rafal,
                to: .company,
                id: second.meta.id,
                name: "Прайс.bin",
                try await store.files.staging.stage(bytes)
            )
            #expect(a.hash == b.hash && a.id != b.id)
            #expect(a.size == Int64(bytes.count) && a.mediaType == "application/octet-stream")
            #expect(try await store.count("SELECT COUNT(*) AS n FROM blobs") == 1)
            #expect(try await store.files.storage.size(of: a.hash) == Int64(bytes.count))
            #expect(try await read(store, rafal, a) == bytes)
            #expect(try await store.files.list(rafal, of: .company, id: first.meta.id).map(\.name) == ["Cennik 2027 – ł.bin"])
            // The staging folder is left empty: nothing of an upload outlives it.
            let staged = (try? FileManager.default.contentsOfDirectory(atPath: store.files.staging.directory)) ?? []
            #expect(staged.filter { $0.hasSuffix(".part") }.isEmpty)
        }
    }

    @Test(
        "removed files wait in the bin; the sweep erases them after retention, and content only with its last reference",
        arguments: TestEngine.available,
        TestFileStorage.available
    )
    func binAndSweep(engine: TestEngine, storage: TestFileStorage) async throws {
        try await TestDatabase.withStore(engine, files: try await storage.configuration(retentionDays: 30)) { store in
            let world = try await World.make(store)
            let admin = try await world.context(world.admin)
            let company = try await world.company("Kovács Kft.", by: world.admin)
            let other = try await world.company("Kovács Bt.", by: world.admin)
            let bytes = Data("Szerződés – árvíztűrő tükörfúrógép".utf8)
            let kept = try await store.files.attach(
                admin,
                to: .company,
                id: company.meta.id,
                name: "a.txt",
                try await store.files.staging.stage(bytes)
            )
            let removed = try await store.files.attach(
                admin,
                to: .company,
                id: other.meta.id,
                name: "b.txt",
                try await store.files.staging.stage(bytes)
            )
            try await store.files.delete(admin, removed.id)
            #expect(try await store.files.list(admin, of: .company, id: other.meta.id).isEmpty)
            #expect(try await store.files.restore(admin, removed.id).deletedAt == nil)
            try await store.files.delete(admin, removed.id)

            #expect(try await store.files.sweep(now: .now) == FileSweep())
            let later = Timestamp.now.adding(seconds: 31 * 86400)
            #expect(try await store.files.sweep(now: later) == FileSweep(erasedFiles: 1, removedBlobs: 0, abandonedUploads: 0))
            #expect(try await store.files.storage.size(of: kept.hash) == Int64(bytes.count))
            await #expect(throws: StoreError.notFound(.file)) { try await store.files.restore(admin, removed.id) }

            try await store.files.delete(admin, kept.id)
            #expect(
                try await store.files.sweep(now: later.adding(seconds: 31 * 86400)) == FileSweep(erasedFiles: 1, removedBlobs: 1, abandonedUploads: 0)
            )
            #expect(try await store.files.storage.size(of: kept.hash) == nil)
            #expect(try await store.count("SELECT COUNT(*) AS n FROM blobs") == 0)
            // The history of the record tells who attached, removed and restored what.
            let actions = try await store.companies.history(admin, other.meta.id).entries.map(\.action)
            #expect(
                actions.filter { $0 == .attach }.count == 1 && actions.filter { $0 == .detach }.count == 2
                    && actions.filter { $0 == .restore }.count == 1,
                "\(actions)"
            )
        }
    }

    @Test(
        "bytes stored by an upload that died before committing are erased after the grace period, not before",
        arguments: TestEngine.available,
        TestFileStorage.available
    )
    func abandonedUpload(engine: TestEngine, storage: TestFileStorage) async throws {
        try await TestDatabase.withStore(engine, files: try await storage.configuration()) { store in
            let staged = try await store.files.staging.stage(Data("half-done upload".utf8))
            // What `attach` does before its last transaction: claim the hash, store the bytes. Then the process dies.
            try await store.execute(
                "INSERT INTO blobs (hash, size, state, touched_at) VALUES ('\(staged.hash)', \(staged.size), 'pending', \(Timestamp.now.rawValue))"
            )
            try await store.files.storage.put(staged)
            staged.discard()
            #expect(try await store.files.sweep(now: .now).removedBlobs == 0)
            #expect(try await store.files.storage.size(of: staged.hash) == staged.size)
            #expect(try await store.files.sweep(now: Timestamp.now.adding(seconds: 25 * 3600)).removedBlobs == 1)
            #expect(try await store.files.storage.size(of: staged.hash) == nil)
            #expect(try await store.count("SELECT COUNT(*) AS n FROM blobs") == 0)
        }
    }

    @Test(
        "a file is reached only through a record one may see: by id, in lists, in search, to remove or restore",
        arguments: TestEngine.available
    )
    func permissions(engine: TestEngine) async throws {
        try await TestDatabase.withStore(engine) { store in
            let world = try await World.make(store)
            let secret = try await world.company("South Secret", by: world.sergei)
            let sergei = try await world.context(world.sergei)
            let file = try await store.files.attach(
                sergei,
                to: .company,
                id: secret.meta.id,
                name: "tajny cennik.txt",
                try await store.files.staging.stage(Data("rabat 40% dla Żabki".utf8))
            )
            let rafal = try await world.context(world.rafal)
            await #expect(throws: StoreError.notFound(.file)) { try await store.files.get(rafal, file.id) }
            await #expect(throws: StoreError.notFound(.file)) { try await store.files.delete(rafal, file.id) }
            await #expect(throws: StoreError.notFound(.file)) { try await store.files.restore(rafal, file.id) }
            await #expect(throws: StoreError.notFound(.company)) { try await store.files.list(rafal, of: .company, id: secret.meta.id) }
            await #expect(throws: StoreError.notFound(.company)) {
                try await store.files.attach(
                    rafal,
                    to: .company,
                    id: secret.meta.id,
                    name: "x.txt",
                    try await store.files.staging.stage(Data("x".utf8))
                )
            }
            #expect(try await store.files.search(rafal, "zabki").isEmpty)
            #expect(try await store.files.search(sergei, "ŻABKI").map(\.id) == [file.id])
            #expect(try await store.files.search(try await world.context(world.mikhail), "cennik").map(\.id) == [file.id])
            #expect(try await store.files.search(try await world.context(world.maria), "cennik").isEmpty)
            #expect(try await store.files.get(try await world.context(world.admin), file.id).name == "tajny cennik.txt")
        }
    }

    @Test("types come from the bytes, programs are refused and names lose their paths", arguments: TestEngine.available)
    func typesAndNames(engine: TestEngine) async throws {
        try await TestDatabase.withStore(engine) { store in
            let world = try await World.make(store)
            let admin = try await world.context(world.admin)
            let company = try await world.company("Acme", by: world.admin)
            let pdf = try await store.files.attach(
                admin,
                to: .company,
                id: company.meta.id,
                name: "C:\\fakepath\\..\\notes.txt",
                try await store.files.staging.stage(Data("%PDF-1.4\n%âãÏÓ\n".utf8))
            )
            #expect(pdf.mediaType == "application/pdf" && pdf.name == "notes.txt")
            let html = try await store.files.attach(
                admin,
                to: .company,
                id: company.meta.id,
                name: "photo.jpg",
                try await store.files.staging.stage(Data("\n<html><script>alert(1)</script>".utf8))
            )
            #expect(html.mediaType == "text/html" && !html.showsInline)
            await #expect(throws: StoreError.self) {
                try await store.files.attach(
                    admin,
                    to: .company,
                    id: company.meta.id,
                    name: "invoice.pdf",
                    try await store.files.staging.stage(Data([0x7F, 0x45, 0x4C, 0x46, 2, 1, 1, 0]))
                )
            }
            await #expect(throws: StoreError.self) {
                try await store.files.attach(
                    admin,
                    to: .company,
                    id: company.meta.id,
                    name: "../..",
                    try await store.files.staging.stage(Data("x".utf8))
                )
            }
            await #expect(throws: StoreError.self) {
                try await store.files.attach(admin, to: .company, id: company.meta.id, name: "empty.txt", try await store.files.staging.stage(Data()))
            }
            await #expect(throws: StoreError.conflict(code: "already_attached", message: "this file is already attached here as notes.txt")) {
                try await store.files.attach(
                    admin,
                    to: .company,
                    id: company.meta.id,
                    name: "again.pdf",
                    try await store.files.staging.stage(Data("%PDF-1.4\n%âãÏÓ\n".utf8))
                )
            }
            // A Word file whose first bytes name no part of it (a large first entry) is still known by its entries.
            var docx = ZipArchive()
            docx.add("[Content_Types].xml", Data(String(repeating: "<Default Extension=\"xml\"/>", count: 400).utf8))
            docx.add("word/document.xml", Data("<w:document><w:t>Oferta</w:t></w:document>".utf8))
            let word = try await store.files.attach(
                admin,
                to: .company,
                id: company.meta.id,
                name: "oferta",
                try await store.files.staging.stage(docx.data)
            )
            #expect(word.mediaType == "application/vnd.openxmlformats-officedocument.wordprocessingml.document" && word.hasText)
            let tooLarge = FileStaging(directory: store.files.staging.directory, maxBytes: 10)
            await #expect(throws: FileTooLarge.self) { try await tooLarge.stage(Data(repeating: 65, count: 11)) }
        }
    }

    @Test("text inside Word, OpenDocument and plain files is found, folding case and diacritics", arguments: TestEngine.available)
    func contentSearch(engine: TestEngine) async throws {
        try await TestDatabase.withStore(engine) { store in
            let world = try await World.make(store)
            let admin = try await world.context(world.admin)
            let company = try await world.company("Acme", by: world.admin)
            var docx = ZipArchive()
            docx.add("[Content_Types].xml", Data("<Types/>".utf8))
            docx.add(
                "word/document.xml",
                Data("<w:document><w:body><w:p><w:r><w:t>Umowa dostawy: żółć &amp; gęślą</w:t></w:r></w:p></w:body></w:document>".utf8)
            )
            let word = try await store.files.attach(
                admin,
                to: .company,
                id: company.meta.id,
                name: "umowa.docx",
                try await store.files.staging.stage(docx.data)
            )
            #expect(word.mediaType == "application/vnd.openxmlformats-officedocument.wordprocessingml.document" && word.hasText)
            var odt = ZipArchive()
            odt.add("mimetype", Data("application/vnd.oasis.opendocument.text".utf8))
            odt.add("content.xml", Data("<office:document-content><text:p>Договор поставки Ёлка</text:p></office:document-content>".utf8))
            let open = try await store.files.attach(
                admin,
                to: .company,
                id: company.meta.id,
                name: "dogovor.odt",
                try await store.files.staging.stage(odt.data)
            )
            #expect(open.mediaType == "application/vnd.oasis.opendocument.text" && open.hasText)
            #expect(try await store.files.search(admin, "ZOLC gesla").map(\.id) == [word.id])
            #expect(try await store.files.search(admin, "договор елка").map(\.id) == [open.id])
            #expect(try await store.files.search(admin, "umowa.docx").map(\.id) == [word.id])
            // PDFs through poppler's pdftotext, which .ci/run installs; without it they are found by name only.
            if FileManager.default.isExecutableFile(atPath: "/usr/bin/pdftotext") {
                let pdf = try await store.files.attach(
                    admin,
                    to: .company,
                    id: company.meta.id,
                    name: "f.pdf",
                    try await store.files.staging.stage(Self.pdf("Faktura proforma 2027"))
                )
                #expect(pdf.hasText)
                #expect(try await store.files.search(admin, "proforma").map(\.id) == [pdf.id])
            }
        }
    }

    /// A one-page PDF with `text` in Helvetica, its cross-reference table computed as a writer would.
    static func pdf(_ text: String) -> Data {
        let stream = "BT /F1 24 Tf 72 720 Td (\(text)) Tj ET"
        let objects = [
            "<< /Type /Catalog /Pages 2 0 R >>",
            "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
            "<< /Length \(stream.utf8.count) >>\nstream\n\(stream)\nendstream",
            "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        ]
        var body = "%PDF-1.4\n"
        var offsets: [Int] = []
        for (index, object) in objects.enumerated() {
            offsets.append(body.utf8.count)
            body += "\(index + 1) 0 obj\n\(object)\nendobj\n"
        }
        let xref = body.utf8.count
        body += "xref\n0 \(objects.count + 1)\n0000000000 65535 f \n"
        for offset in offsets { body += String(format: "%010d 00000 n \n", offset) }
        body += "trailer\n<< /Size \(objects.count + 1) /Root 1 0 R >>\nstartxref\n\(xref)\n%%EOF\n"
        return Data(body.utf8)
    }

    private func read(_ store: Store, _ context: AccessContext, _ file: StoredFile) async throws -> Data {
        var data = Data()
        try await store.files.read(context, file) { data.append(contentsOf: $0.readableBytesView) }
        return data
    }
}
