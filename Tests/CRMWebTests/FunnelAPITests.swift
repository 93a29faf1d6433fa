import CRMCore
import CRMStore
import CRMTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("The funnel through the API")
struct FunnelAPITests {
    @Test("admins build a pipeline; a deal moves, is lost, reopened and won; the log and the board agree", arguments: TestEngine.available)
    func dealJourney(engine: TestEngine) async throws {
        try await TestApp.run(engine) { app in
            let admin = try await app.token(app.world.admin)
            let rep = try await app.token(app.world.rafal)
            let pipelineBody = #"""
                {"name": "Wholesale", "currency": "pln", "stages": [
                  {"name": "First contact", "translations": {"ru": "Первый контакт"}, "probability": 10, "rotting_days": 5},
                  {"name": "Proposal", "probability": 50, "forecast_category": "best_case", "required_fields": ["amount"]},
                  {"name": "Contract", "probability": 90, "forecast_category": "commit"}]}
                """#
            #expect(try await app.api(.post, "/api/v1/pipelines", token: rep, body: pipelineBody).status == .forbidden)
            let pipeline = try await app.api(.post, "/api/v1/pipelines", token: admin, body: pipelineBody)
            #expect(pipeline.status == .created)
            let pipelineID = try #require(pipeline.json["id"] as? Int)
            let stages = (pipeline.json["stages"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? Int }
            #expect(stages.count == 3)
            let reason = try #require(try await app.api(.post, "/api/v1/loss-reasons", token: admin, body: #"{"name": "Price"}"#).json["id"] as? Int)

            let created = try await app.api(
                .post,
                "/api/v1/deals",
                token: rep,
                body:
                    #"{"title": "Hurtownia Łódź", "pipeline_id": \#(pipelineID), "stage_id": \#(stages[0]), "amount": "12500.5", "expected_close_date": "2027-03-31"}"#
            )
            #expect(created.status == .created, "\(created.text)")
            #expect(created.json["currency"] as? String == "PLN" && created.json["amount"] as? String == "12500.50")
            let id = try #require(created.json["id"] as? Int)

            #expect(try await app.api(.post, "/api/v1/deals/\(id)/move", token: rep, body: #"{"stage_id": \#(stages[2])}"#).status == .ok)
            #expect(try await app.api(.post, "/api/v1/deals/\(id)/move", token: rep, body: #"{"stage_id": \#(stages[1])}"#).status == .ok)
            let noReason = try await app.api(.post, "/api/v1/deals/\(id)/lose", token: rep, body: "{}")
            #expect(
                noReason.status == .unprocessableContent
                    && (noReason.json["errors"] as? [[String: Any]])?.first?["field"] as? String == "loss_reason_id"
            )
            let lost = try await app.api(
                .post,
                "/api/v1/deals/\(id)/lose",
                token: rep,
                body: #"{"loss_reason_id": \#(reason), "comment": "Za drogo"}"#
            )
            #expect(lost.json["status"] as? String == "lost")
            #expect(try await app.api(.post, "/api/v1/deals/\(id)/reopen", token: rep, body: "{}").json["status"] as? String == "open")
            let stale = try await app.api(.post, "/api/v1/deals/\(id)/win", token: rep, headers: [.ifMatch: "\"1\""])
            #expect(stale.status == .preconditionFailed)
            let won = try await app.api(.post, "/api/v1/deals/\(id)/win", token: rep)
            #expect(won.status == .ok && won.json["status"] as? String == "won")

            let log = try await app.api(.get, "/api/v1/deals/\(id)/transitions", token: rep)
            let kinds = (log.json["items"] as? [[String: Any]] ?? []).compactMap { $0["kind"] as? String }
            #expect(kinds == ["created", "moved", "moved", "lost", "reopened", "won"])
            #expect((log.json["items"] as? [[String: Any]])?.allSatisfy { $0["amount"] as? String == "12500.50" } == true)

            try await app.api(
                .post,
                "/api/v1/deals",
                token: rep,
                body: #"{"title": "Second", "pipeline_id": \#(pipelineID), "stage_id": \#(stages[0]), "amount": "100"}"#
            )
            #expect(try await app.api(.delete, "/api/v1/stages/\(stages[0])", token: admin).status == .conflict)
            #expect(try await app.api(.delete, "/api/v1/stages/\(stages[1])", token: rep).status == .forbidden)
            let archived = try await app.api(.delete, "/api/v1/stages/\(stages[1])", token: admin)
            #expect((archived.json["stages"] as? [[String: Any]])?.compactMap { $0["id"] as? Int } == [stages[0], stages[2]])
            #expect(try await app.api(.get, "/api/v1/deals/\(id)/transitions", token: rep).json["items"] != nil)
            let renamed = try await app.api(.patch, "/api/v1/pipelines/\(pipelineID)", token: admin, body: #"{"name": "Hurt"}"#)
            #expect(renamed.json["name"] as? String == "Hurt")
            let board = try await app.api(.get, "/api/v1/pipelines/\(pipelineID)/board", token: rep)
            let columns = board.json["columns"] as? [[String: Any]] ?? []
            #expect(columns.compactMap { $0["count"] as? Int } == [1, 0])
            #expect((columns.first?["sums"] as? [String: Any])?["PLN"] as? String == "100.00")
        }
    }

    @Test("bad deal input is refused and changes nothing", arguments: TestEngine.available)
    func badDeals(engine: TestEngine) async throws {
        try await TestApp.run(engine) { app in
            let (pipeline, _) = try await app.world.salesPipeline()
            let other = try await app.store.pipelines.create(
                World.system,
                name: "Other",
                currency: try Currency(code: "EUR"),
                stages: [.init(name: "Only", probability: 50)]
            )
            let token = try await app.token(app.world.rafal)
            let deal = try await app.world.deal("Existing", by: app.world.rafal, in: pipeline)
            let base = #""title": "X", "pipeline_id": \#(pipeline.id)"#
            let bodies = [
                #"{\#(base), "stage_id": 99999, "amount": "1"}"#,
                #"{\#(base), "stage_id": \#(other.stages[0].id), "amount": "1"}"#,
                #"{\#(base), "stage_id": \#(pipeline.stages[0].id), "amount": "-5"}"#,
                #"{\#(base), "stage_id": \#(pipeline.stages[0].id), "amount": "12,50"}"#,
                #"{\#(base), "stage_id": \#(pipeline.stages[0].id), "amount": 12.5}"#,
                #"{\#(base), "stage_id": \#(pipeline.stages[0].id), "amount": "1.005"}"#,
                #"{\#(base), "stage_id": \#(pipeline.stages[0].id), "expected_close_date": "2027-02-30"}"#,
                #"{"title": "X", "amount": "1"}"#,
                #"{"title": "X", "pipeline_id": 4242, "stage_id": 1}"#,
            ]
            for body in bodies {
                let response = try await app.api(.post, "/api/v1/deals", token: token, body: body)
                #expect(response.status == .unprocessableContent, "\(body) → \(response.status) \(response.text.prefix(200))")
            }
            let patch = try await app.api(
                .patch,
                "/api/v1/deals/\(deal.meta.id)",
                token: token,
                body: #"{"stage_id": \#(pipeline.stages[2].id)}"#,
                headers: [.ifMatch: "\"1\""]
            )
            #expect(patch.status == .unprocessableContent)
            let proposal = try await app.api(.post, "/api/v1/deals/\(deal.meta.id)/move", token: token, body: #"{"stage_id": "three"}"#)
            #expect(proposal.status == .unprocessableContent)
            #expect(
                try await app.api(.post, "/api/v1/deals/\(deal.meta.id)/move", token: token, body: #"{"stage_id": \#(other.stages[0].id)}"#).status
                    == .unprocessableContent
            )
            #expect(try await app.api(.get, "/api/v1/pipelines/\(pipeline.id)/board?close_from=yesterday", token: token).status == .badRequest)
            #expect(try await app.api(.get, "/api/v1/pipelines/4242/board", token: token).status == .notFound)
            #expect(try await app.store.deals.count(World.system, ListQuery(deleted: .include)) == 1)
            let after = try await app.store.deals.get(World.system, deal.meta.id)
            #expect(after.meta.version == 1 && after.fields.stageID == pipeline.stages[0].id)
        }
    }
}
