import CRMCore
import Foundation
import Testing

@Suite("What a webhook sends and what its reply means")
struct WebhookCallTests {
    @Test("a body template and the address take variables; GET sends no body; bad addresses and methods are refused")
    func calls() throws {
        let variables: [String: ProcessValue] = ["order": .object(["number": .string("ZAM/1")]), "city": .string("Łódź & Co")]
        let posted = try WebhookCall(
            parameters: ["url": "https://erp.example.com/orders?city=${city}", "body": #"{"order": "${order.number}", "missing": "${nope}"}"#],
            process: "p",
            instance: 7,
            record: (.deal, 3),
            variables: variables,
            key: "7/2/t1"
        )
        #expect(posted.method == "POST" && posted.url.absoluteString == "https://erp.example.com/orders?city=%C5%81%C3%B3d%C5%BA%20%26%20Co")
        #expect(posted.body.map { String(decoding: $0, as: UTF8.self) } == #"{"order": "ZAM/1", "missing": ""}"#)
        #expect(posted.headers["Idempotency-Key"] == "7/2/t1" && posted.headers["Content-Type"] == "application/json")

        let plain = try WebhookCall(
            parameters: ["url": "http://10.0.0.5/hook"],
            process: "p",
            instance: 7,
            record: (.deal, 3),
            variables: ["n": ProcessValue(2)],
            key: "k"
        )
        #expect(
            plain.body.flatMap { ProcessValue(plainJSON: $0) }
                == .object([
                    "process": .string("p"), "instance_id": ProcessValue(7), "idempotency_key": .string("k"),
                    "record": .object(["type": .string("deal"), "id": ProcessValue(3)]), "variables": .object(["n": ProcessValue(2)]),
                ])
        )
        #expect(
            try WebhookCall(
                parameters: ["url": "http://x.example/", "method": "get"],
                process: "p",
                instance: 1,
                record: nil,
                variables: [:],
                key: "k"
            ).body == nil
        )

        for bad in [["url": ""], ["url": "file:///etc/passwd"], ["url": "javascript:alert(1)"], ["url": "http://x.example", "method": "TRACE"]] {
            #expect(throws: ProcessEngine.ServiceFailure.self) {
                try WebhookCall(parameters: bad, process: "p", instance: 1, record: nil, variables: [:], key: "k")
            }
        }
    }

    @Test("2xx gives the reply as variables; a refusal is a BPMN error; timeouts, rate limits and server errors are retried")
    func replies() throws {
        #expect(
            try WebhookReply(status: 201, body: Data(#"{"id": 5, "ok": true}"#.utf8)).outcome().get() == [
                "webhook_status": ProcessValue(201), "webhook_response": .object(["id": ProcessValue(5), "ok": .bool(true)]),
            ]
        )
        #expect(try WebhookReply(status: 204, body: Data()).outcome().get()["webhook_response"] == .null)
        #expect(try WebhookReply(status: 200, body: Data("przyjęto".utf8)).outcome().get()["webhook_response"] == .string("przyjęto"))
        #expect(WebhookReply(status: 422, body: Data()).outcome() == .failure(.bpmnError(code: "http_422")))
        for status in [408, 429, 500, 503] {
            guard case .failure(.failure) = WebhookReply(status: status, body: Data()).outcome() else {
                Issue.record("\(status) should be retried")
                continue
            }
        }
    }
}
