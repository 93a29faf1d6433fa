import CRMCore
import CRMStore
import CRMTestSupport
import CRMWeb
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Synchronization
import Testing

@Suite("Webhooks called by service tasks")
struct WebhookTests {
    /// An order is announced to another system; a refusal is caught by the error boundary, anything else retried.
    static func process(port: Int) -> String {
        """
        <bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="d">
          <bpmn:error id="refused" errorCode="http_404"/>
          <bpmn:process id="announce" isExecutable="true">
            <bpmn:startEvent id="s"/><bpmn:sequenceFlow id="f0" sourceRef="s" targetRef="call"/>
            <bpmn:serviceTask id="call" camunda:type="crm.call_webhook">
              <bpmn:extensionElements><camunda:inputOutput>
                <camunda:inputParameter name="url">http://127.0.0.1:\(port)/orders/${path}</camunda:inputParameter>
              </camunda:inputOutput></bpmn:extensionElements>
            </bpmn:serviceTask>
            <bpmn:boundaryEvent id="caught" attachedToRef="call"><bpmn:errorEventDefinition errorRef="refused"/></bpmn:boundaryEvent>
            <bpmn:sequenceFlow id="f1" sourceRef="call" targetRef="accepted"/><bpmn:endEvent id="accepted"/>
            <bpmn:sequenceFlow id="f2" sourceRef="caught" targetRef="fix"/><bpmn:userTask id="fix" name="Fix the order"/>
          </bpmn:process>
        </bpmn:definitions>
        """
    }

    /// What the receiving system saw.
    final class Received: Sendable {
        let requests = Mutex<[(path: String, key: String, body: String)]>([])
    }

    @Test(
        "the webhook is sent with the instance's data and an idempotency key; 2xx goes on, 4xx is a BPMN error, 5xx is retried then an incident",
        arguments: TestEngine.available
    )
    func webhook(engine: TestEngine) async throws {
        let received = Received()
        let router = Router()
        router.post("orders/:path") { request, context -> Response in
            let body = try await request.body.collect(upTo: 1 << 20)
            let path = context.parameters.get("path")?.removingPercentEncoding ?? ""
            received.requests.withLock { $0.append((path, request.headers[HTTPField.Name("Idempotency-Key")!] ?? "", String(buffer: body))) }
            switch path {
            case "missing": return Response(status: .notFound)
            case "broken": return Response(status: .internalServerError)
            default: return Response(status: .ok, body: .init(byteBuffer: ByteBuffer(string: #"{"accepted": true, "number": "ZAM/2026/11/0042"}"#)))
            }
        }
        let receiver = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await receiver.test(.live) { client in
            let port = try #require(client.port)
            try await TestApp.run(engine) { app in
                let admin = try await app.world.context(app.world.admin)
                _ = try await app.store.processes.deploy(admin, bpmn: Data(Self.process(port: port).utf8))
                let sender = HTTPWebhookSender()
                let t0 = Timestamp(rawValue: 1_800_000_000_000)
                let ok = try await app.store.processes.start(
                    admin,
                    key: "announce",
                    variables: ["path": .string("łódź-1"), "total": .number(Decimal(string: "1234.50")!)],
                    at: t0
                )
                let missing = try await app.store.processes.start(admin, key: "announce", variables: ["path": .string("missing")], at: t0)
                let broken = try await app.store.processes.start(admin, key: "announce", variables: ["path": .string("broken")], at: t0)
                #expect(try await app.store.processes.runEffects(at: t0, webhooks: sender) == 3)

                let done = try await app.store.processes.instance(admin, ok.id)
                #expect(done.state.status == .completed)
                #expect(done.state.variables["webhook_response"] == .object(["accepted": .bool(true), "number": .string("ZAM/2026/11/0042")]))
                #expect(done.state.variables["webhook_status"] == ProcessValue(200))
                let first = try #require(received.requests.withLock { $0.first { $0.path == "łódź-1" } })
                #expect(first.key.hasPrefix("\(ok.id)/"), "the effect key travels as Idempotency-Key")
                let sent = try #require(ProcessValue(plainJSON: Data(first.body.utf8)))
                guard case .object(let document) = sent, case .object(let variables)? = document["variables"] else {
                    Issue.record("not a JSON object: \(first.body)")
                    return
                }
                #expect(variables["total"] == .number(Decimal(string: "1234.5")!) && document["process"] == .string("announce"))

                let refused = try await app.store.processes.instance(admin, missing.id)
                #expect(
                    refused.state.status == .running && refused.state.openTasks.map(\.node) == ["fix"],
                    "the 404 was caught by the error boundary"
                )

                // The 500 is tried again after 1, 2, 4 and 8 seconds, then stops at an incident.
                var clock = t0.rawValue
                for wait in [1_000, 2_000, 4_000, 8_000] as [Int64] {
                    clock += wait
                    #expect(try await app.store.processes.runEffects(at: Timestamp(rawValue: clock), webhooks: sender) == 1)
                }
                let failed = try await app.store.processes.instance(admin, broken.id)
                #expect(
                    failed.state.status == .failed && failed.state.incident?.contains("500") == true,
                    "\(String(describing: failed.state.incident))"
                )
                #expect(received.requests.withLock { $0.filter { $0.path == "broken" }.count } == ProcessStore.maxAttempts)
            }
        }
    }

    @Test("without a way to send, or with a bad address, the action fails clearly and sends nothing")
    func refusals() async throws {
        try await TestApp.run(.sqlite) { app in
            let admin = try await app.world.context(app.world.admin)
            let file = Self.process(port: 1).replacingOccurrences(of: "http://127.0.0.1:1/orders/${path}", with: "ftp://example.com/x")
            _ = try await app.store.processes.deploy(admin, bpmn: Data(file.utf8))
            let t0 = Timestamp(rawValue: 1_800_000_000_000)
            let started = try await app.store.processes.start(admin, key: "announce", at: t0)
            var clock = t0.rawValue
            for _ in 1...ProcessStore.maxAttempts {
                #expect(try await app.store.processes.runEffects(at: Timestamp(rawValue: clock), webhooks: HTTPWebhookSender()) == 1)
                clock += 60_000
            }
            let failed = try await app.store.processes.instance(admin, started.id)
            #expect(
                failed.state.status == .failed && failed.state.incident?.contains("is not an http or https address") == true,
                "\(String(describing: failed.state.incident))"
            )

            // A node that cannot send webhooks leaves the call for one that can, and says why.
            _ = try await app.store.processes.deploy(admin, bpmn: Data(Self.process(port: 1).utf8))
            let waiting = try await app.store.processes.start(admin, key: "announce", at: t0)
            #expect(try await app.store.processes.runEffects(at: Timestamp(rawValue: clock), webhooks: nil) == 1)
            #expect(try await app.store.processes.instance(admin, waiting.id).state.pendingServices.count == 1)
        }
    }
}
