import CRMCore
import CRMStore
import CRMTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("Comments and the bell through the router")
struct CommentPageTests {
    @Test(
        "a comment posted on a page mentions a colleague, who finds it under the bell and opens the record from it",
        arguments: TestEngine.available
    )
    func mentionFromPage(engine: TestEngine) async throws {
        try await TestApp.run(engine) { app in
            let company = try await app.world.company("Żabka Polska", by: app.world.rafal)
            let (rafal, rafalCSRF) = try await app.login("rafal@example.com")
            let posted = try await app.postForm(
                "/companies/\(company.meta.id)/comments",
                cookie: rafal,
                fields: [("_csrf", rafalCSRF), ("body", "@róża nowak czy rabat <12%> wystarczy?")]
            )
            #expect(posted.status == .seeOther)
            #expect(posted.headers[.location] == "/companies/\(company.meta.id)#comments")
            let page = try await app.page("/companies/\(company.meta.id)", cookie: rafal)
            #expect(page.body.contains("<span class=\"mention\">@Róża Nowak</span> czy rabat &lt;12%&gt; wystarczy?"))

            let (roza, _) = try await app.login("roza@example.com")
            let home = try await app.page("/", cookie: roza)
            #expect(home.body.contains("data-testid=\"unread\">1</span>"))
            let bell = try await app.page("/notifications", cookie: roza)
            #expect(bell.body.contains("Rafał Wiśniewski mentioned you") && bell.body.contains("Żabka Polska"))
            let id = try #require(bell.body.firstMatch(of: /href="\/notifications\/(\d+)"/)?.1)
            var headers = HTTPFields()
            headers[.cookie] = roza
            let opened = try await app.client.execute(uri: "/notifications/\(id)", method: .get, headers: headers)
            #expect(opened.status == .seeOther && opened.headers[.location] == "/companies/\(company.meta.id)#comments")
            #expect(try await app.page("/", cookie: roza).body.contains("data-testid=\"unread\"></span>"))

            // Sergei (South) cannot see the record: not mentioned there, no way to the notification of someone else.
            let (sergei, _) = try await app.login("sergei@example.com")
            var his = HTTPFields()
            his[.cookie] = sergei
            #expect(try await app.client.execute(uri: "/notifications/\(id)", method: .get, headers: his).status == .notFound)
        }
    }

    @Test("the API posts, lists and removes comments and marks notifications read", arguments: TestEngine.available)
    func api(engine: TestEngine) async throws {
        try await TestApp.run(engine) { app in
            let rafal = try await app.token(app.world.rafal)
            let maria = try await app.token(app.world.maria)
            let company = try await app.world.company("Kovács Kft.", by: app.world.rafal)
            let posted = try await app.api(
                .post,
                "/api/v1/companies/\(company.meta.id)/comments",
                token: rafal,
                body: #"{"body": "@[team:\#(app.world.north.id)] pilne"}"#
            )
            #expect(posted.status == .created)
            #expect(posted.json["text"] as? String == "@North pilne")
            #expect(
                try await app.api(.post, "/api/v1/companies/\(company.meta.id)/comments", token: rafal, body: #"{"body": ""}"#).status
                    == .unprocessableContent
            )
            #expect(
                try await app.api(.post, "/api/v1/companies/\(company.meta.id)/comments", token: rafal, body: #"{"text": "x"}"#).status
                    == .unprocessableContent
            )
            let listed = try await app.api(.get, "/api/v1/notifications", token: maria)
            #expect(listed.json["unread"] as? Int == 1)
            let item = try #require((listed.json["items"] as? [[String: Any]])?.first)
            #expect(
                item["kind"] as? String == "mention" && item["record_title"] as? String == "Kovács Kft."
                    && item["actor_name"] as? String == "Rafał Wiśniewski"
            )
            let read = try await app.api(.post, "/api/v1/notifications/read", token: maria, body: #"{"ids": [\#(item["id"] as? Int ?? 0)]}"#)
            #expect(read.json["marked"] as? Int == 1 && read.json["unread"] as? Int == 0)
            #expect(try await app.api(.post, "/api/v1/notifications/read", token: maria, body: #"{"ids": "all"}"#).status == .unprocessableContent)
            let mentions = try await app.api(.get, "/api/v1/mentions?q=ROZ", token: maria)
            #expect((mentions.json["items"] as? [[String: Any]])?.compactMap { $0["name"] as? String } == ["Róża Nowak"])
            let id = try #require(posted.json["id"] as? Int)
            #expect(try await app.api(.delete, "/api/v1/comments/\(id)", token: maria).status == .forbidden)
            #expect(try await app.api(.delete, "/api/v1/comments/\(id)", token: rafal).status == .noContent)
            #expect((try await app.api(.get, "/api/v1/companies/\(company.meta.id)/comments", token: rafal).json["items"] as? [Any])?.isEmpty == true)
        }
    }
}
