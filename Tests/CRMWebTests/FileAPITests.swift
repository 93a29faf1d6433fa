import CRMCore
import CRMStore
import CRMTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import CRMWeb

@Suite("Files through the router")
struct FileAPITests {
    @Test("a file uploads as a form or as the body, lists on its deal and downloads with its name in any script", arguments: TestEngine.available)
    func uploadAndDownload(engine: TestEngine) async throws {
        try await TestApp.run(engine) { app in
            let token = try await app.token(app.world.rafal)
            let company = try await app.world.company("Łódzkie Zakłady", by: app.world.rafal)
            let boundary = "----clientele\(UUID().uuidString)"
            let form =
                "--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"Договор №5.txt\"\r\nContent-Type: text/plain\r\n\r\n"
                + "Поставка: 10 шт.\r\n--\(boundary)--\r\n"
            var headers = HTTPFields()
            headers[.contentType] = "multipart/form-data; boundary=\(boundary)"
            let created = try await app.api(.post, "/api/v1/companies/\(company.meta.id)/files", token: token, body: form, headers: headers)
            #expect(created.status == .created)
            #expect(created.json["name"] as? String == "Договор №5.txt")
            #expect(created.json["media_type"] as? String == "text/plain")
            let id = try #require(created.json["id"] as? Int)
            #expect(created.headers[.location] == "/api/v1/files/\(id)")

            var raw = HTTPFields()
            raw[.contentType] = "application/octet-stream"
            raw[.contentDisposition] = "attachment; filename*=UTF-8''Sz%C3%A1mla%20%C5%91sz.txt"
            let second = try await app.api(.post, "/api/v1/companies/\(company.meta.id)/files", token: token, body: "Számla", headers: raw)
            #expect(second.status == .created)
            #expect(second.json["name"] as? String == "Számla ősz.txt")

            let listed = try await app.api(.get, "/api/v1/companies/\(company.meta.id)/files", token: token)
            #expect((listed.json["items"] as? [[String: Any]])?.compactMap { $0["name"] as? String } == ["Számla ősz.txt", "Договор №5.txt"])

            let download = try await app.api(.get, "/api/v1/files/\(id)/content", token: token)
            #expect(download.status == .ok)
            #expect(download.text == "Поставка: 10 шт.")
            #expect(download.headers[.contentDisposition]?.contains("filename*=UTF-8''%D0%94%D0%BE%D0%B3%D0%BE%D0%B2%D0%BE%D1%80") == true)
            #expect(download.headers[.contentDisposition]?.hasPrefix("attachment") == true)
            #expect(download.headers[HTTPField.Name("X-Content-Type-Options")!] == "nosniff")
            let etag = try #require(download.headers[.eTag])
            var again = HTTPFields()
            again[.ifNoneMatch] = etag
            #expect(try await app.api(.get, "/api/v1/files/\(id)/content", token: token, headers: again).status == .notModified)

            let nameless = try await app.api(
                .post,
                "/api/v1/companies/\(company.meta.id)/files",
                token: token,
                body: "x",
                headers: [.contentType: "text/plain"]
            )
            #expect(nameless.status == .unprocessableContent)
            #expect(nameless.text.contains("\"name\""))
        }
    }

    @Test("HTML and SVG always download, never render; images and PDFs show in place with a sandbox", arguments: TestEngine.available)
    func activeContent(engine: TestEngine) async throws {
        try await TestApp.run(engine) { app in
            let token = try await app.token(app.world.admin)
            let company = try await app.world.company("Acme", by: app.world.admin)
            for (name, body) in [("invoice.pdf", "<html><script>alert(document.cookie)</script>"), ("logo.png", "<svg onload=alert(1)>")] {
                let created = try await app.api(
                    .post,
                    "/api/v1/companies/\(company.meta.id)/files?name=\(name)",
                    token: token,
                    body: body,
                    headers: [.contentType: "image/png"]
                )
                let id = try #require(created.json["id"] as? Int)
                let download = try await app.api(.get, "/api/v1/files/\(id)/content", token: token)
                #expect(download.headers[.contentType] == "application/octet-stream", "\(name)")
                #expect(download.headers[.contentDisposition]?.hasPrefix("attachment;") == true, "\(name)")
                #expect(download.headers[.contentSecurityPolicy]?.hasPrefix("sandbox") == true, "\(name)")
            }
            let png = ByteBuffer(bytes: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00])
            let image = try await app.client.execute(
                uri: "/api/v1/companies/\(company.meta.id)/files?name=scan.png",
                method: .post,
                headers: [.authorization: "Bearer \(token)", .contentType: "image/png"],
                body: png
            )
            let id = try #require(image.json["id"] as? Int)
            let shown = try await app.api(.get, "/api/v1/files/\(id)/content", token: token)
            #expect(shown.headers[.contentType] == "image/png")
            #expect(shown.headers[.contentDisposition]?.hasPrefix("inline;") == true)
            #expect(
                try await app.api(.get, "/api/v1/files/\(id)/content?download=1", token: token).headers[.contentDisposition]?.hasPrefix("attachment;")
                    == true
            )
        }
    }

    @Test("a rep gets 404 for another team's file by id, its content, its record's list, and finds it in no search", arguments: TestEngine.available)
    func noLeaks(engine: TestEngine) async throws {
        try await TestApp.run(engine) { app in
            let sergei = try await app.token(app.world.sergei)
            let rafal = try await app.token(app.world.rafal)
            let secret = try await app.world.company("South Secret", by: app.world.sergei)
            let created = try await app.api(
                .post,
                "/api/v1/companies/\(secret.meta.id)/files?name=ceny.txt",
                token: sergei,
                body: "ceny poufne",
                headers: [.contentType: "text/plain"]
            )
            let id = try #require(created.json["id"] as? Int)
            for path in ["/api/v1/files/\(id)", "/api/v1/files/\(id)/content", "/api/v1/companies/\(secret.meta.id)/files"] {
                #expect(try await app.api(.get, path, token: rafal).status == .notFound, "\(path)")
            }
            #expect(try await app.api(.delete, "/api/v1/files/\(id)", token: rafal).status == .notFound)
            #expect(
                try await app.api(
                    .post,
                    "/api/v1/companies/\(secret.meta.id)/files?name=x.txt",
                    token: rafal,
                    body: "x",
                    headers: [.contentType: "text/plain"]
                ).status == .notFound
            )
            #expect((try await app.api(.get, "/api/v1/files?q=poufne", token: rafal).json["items"] as? [Any])?.isEmpty == true)
            #expect((try await app.api(.get, "/api/v1/files?q=poufne", token: sergei).json["items"] as? [Any])?.count == 1)
            #expect(try await app.api(.delete, "/api/v1/files/\(id)", token: sergei).status == .noContent)
            #expect(try await app.api(.get, "/api/v1/files/\(id)/content", token: sergei).status == .notFound)
            #expect(try await app.api(.post, "/api/v1/files/\(id)/restore", token: sergei).status == .ok)
        }
    }

    @Test("the record page lists files and takes a form upload only with the session's CSRF token", arguments: TestEngine.available)
    func pageUpload(engine: TestEngine) async throws {
        try await TestApp.run(engine) { app in
            let (cookie, csrf) = try await app.login("rafal@example.com")
            let company = try await app.world.company("Żółta Sp. z o.o.", by: app.world.rafal)
            let path = "/companies/\(company.meta.id)/files"
            func form(_ token: String) -> String {
                let boundary = "XyZ"
                return "--\(boundary)\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n\(token)\r\n"
                    + "--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"oferta.txt\"\r\n\r\nOferta\r\n--\(boundary)--\r\n"
            }
            var headers = HTTPFields()
            headers[.cookie] = cookie
            headers[.contentType] = "multipart/form-data; boundary=XyZ"
            let forged = try await app.client.execute(uri: path, method: .post, headers: headers, body: ByteBuffer(string: form("forged")))
            #expect(forged.status == .forbidden)
            let posted = try await app.client.execute(uri: path, method: .post, headers: headers, body: ByteBuffer(string: form(csrf)))
            #expect(posted.status == .seeOther)
            #expect(posted.headers[.location] == "/companies/\(company.meta.id)#files")
            #expect(try await app.store.count("SELECT COUNT(*) AS n FROM files") == 1)
            let page = try await app.page("/companies/\(company.meta.id)", cookie: cookie)
            #expect(page.body.contains("oferta.txt") && page.body.contains("data-upload=\"/api/v1/companies/\(company.meta.id)/files\""))
        }
    }

    @Test("the multipart reader finds parts however the body is cut into chunks")
    func multipartChunks() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("clientele-tests/multipart-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let staging = FileStaging(directory: directory, maxBytes: 1 << 20)
        let content = Array("line\r\n--not the boundary\r\n\r\n--Boun almost".utf8) + (0..<300).map { UInt8($0 % 256) }
        let body =
            Array("preamble\r\n--Bound\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\nZażółć\r\n".utf8)
            + Array("--Bound  \r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.bin\"\r\n\r\n".utf8) + content
            + Array("\r\n--Bound--\r\nepilogue".utf8)
        for size in [1, 2, 3, 7, 64, body.count] {
            var parser = MultipartUpload.Parser(delimiter: Array("\r\n--Bound".utf8))
            var result = MultipartUpload()
            var upload: StagedUpload?
            var name = ""
            try await parser.feed([13, 10], into: &result, upload: &upload, uploadName: &name, staging: staging)
            var index = 0
            while index < body.count {
                let chunk = Array(body[index..<min(index + size, body.count)])
                try await parser.feed(chunk, into: &result, upload: &upload, uploadName: &name, staging: staging)
                index += size
            }
            #expect(parser.state == .done, "chunks of \(size)")
            #expect(result.fields["note"] == "Zażółć", "chunks of \(size)")
            let file = try #require(result.file, "chunks of \(size)")
            #expect(file.name == "a.bin")
            #expect(try Data(contentsOf: URL(fileURLWithPath: file.staged.path)) == Data(content), "chunks of \(size)")
            file.staged.discard()
        }
    }
}
