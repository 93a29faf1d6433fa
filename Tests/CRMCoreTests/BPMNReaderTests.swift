import CRMCore
import CRMTestSupport
import Foundation
import Testing

@Suite("Reading BPMN files written by Camunda Modeler and bpmn.io")
struct BPMNReaderTests {
    /// The manifest's `elements` column, written by whoever collected the files: element counts per file.
    static func manifest() throws -> [String: (accept: Bool, elements: [String: Int])] {
        guard let folder = SharedData.folder("bpmn") else { return [:] }
        let text = try String(contentsOf: folder.appendingPathComponent("manifest.tsv"), encoding: .utf8)
        var result: [String: (accept: Bool, elements: [String: Int])] = [:]
        for line in text.split(separator: "\n").dropFirst() {
            let columns = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard columns.count > 9 else { continue }
            var elements: [String: Int] = [:]
            for pair in columns[9].split(separator: " ") {
                let parts = pair.split(separator: "=")
                if parts.count == 2, let count = Int(parts[1]) { elements[String(parts[0]), default: 0] += count }
            }
            result[columns[0]] = (columns[1] == "accept", elements)
        }
        return result
    }

    /// The same counts taken from what the reader built.
    static func counts(_ definition: ProcessDefinition) -> [String: Int] {
        var counts: [String: Int] = [:]
        func add(_ key: String) { counts[key, default: 0] += 1 }
        func trigger(_ trigger: EventTrigger) {
            switch trigger {
            case .none: break
            case .timer: add("ev:timer")
            case .message: add("ev:message")
            case .signal: add("ev:signal")
            case .error: add("ev:error")
            case .escalation: add("ev:escalation")
            }
        }
        func result(_ result: EventResult) {
            switch result {
            case .none: break
            case .terminate: add("ev:terminate")
            case .message: add("ev:message")
            case .signal: add("ev:signal")
            case .error: add("ev:error")
            case .escalation: add("ev:escalation")
            }
        }
        for node in definition.processes.flatMap(\.nodes) {
            switch node.kind {
            case .startEvent(let t, _):
                add("startEvent")
                trigger(t)
            case .endEvent(let r):
                add("endEvent")
                result(r)
            case .intermediateCatch(let t):
                add("intermediateCatchEvent")
                trigger(t)
            case .intermediateThrow(let r):
                add("intermediateThrowEvent")
                result(r)
            case .boundary(let t, _, _):
                add("boundaryEvent")
                trigger(t)
            case .task(let kind):
                switch kind {
                case .none: add("task")
                case .user: add("userTask")
                case .manual: add("manualTask")
                case .service: add("serviceTask")
                case .script: add("scriptTask")
                case .send: add("sendTask")
                }
            case .gateway(let kind, _):
                add(
                    [
                        "exclusive": "exclusiveGateway", "parallel": "parallelGateway", "inclusive": "inclusiveGateway",
                        "event_based": "eventBasedGateway",
                    ][kind.rawValue]!
                )
            case .subProcess: add("subProcess")
            case .callActivity: add("callActivity")
            }
            if node.multiInstance != nil { add("multiInstanceLoopCharacteristics") }
        }
        return counts
    }

    static let compared: Set<String> = [
        "startEvent", "endEvent", "intermediateCatchEvent", "intermediateThrowEvent", "boundaryEvent", "task", "userTask",
        "manualTask", "serviceTask", "scriptTask", "sendTask", "exclusiveGateway", "parallelGateway", "inclusiveGateway",
        "eventBasedGateway", "subProcess", "callActivity", "multiInstanceLoopCharacteristics", "ev:timer", "ev:message",
        "ev:signal", "ev:error", "ev:escalation", "ev:terminate",
    ]

    @Test("every file to accept is read, with the elements its manifest lists")
    func accepts() throws {
        let manifest = try Self.manifest()
        let files = SharedData.files("bpmn/accept", extension: "bpmn")
        guard !files.isEmpty else {
            print("skipped: \(SharedData.root.path)/bpmn is not on this machine")
            return
        }
        #expect(files.count == 34)
        for file in files {
            let data = try Data(contentsOf: file)
            let definition: ProcessDefinition
            do throws(ValidationErrors) {
                definition = try BPMNReader.read(data)
            } catch {
                Issue.record("\(file.lastPathComponent): \(error.errors.map(\.message))")
                continue
            }
            guard let expected = manifest["accept/" + file.lastPathComponent] else {
                Issue.record("\(file.lastPathComponent) is not in the manifest")
                continue
            }
            var want = expected.elements
            want["boundaryEvent", default: 0] += want["boundaryEvent(non-int)"] ?? 0
            want = want.filter { Self.compared.contains($0.key) && $0.value > 0 }
            #expect(Self.counts(definition) == want, "\(file.lastPathComponent)")
            #expect(!definition.executable.isEmpty)
        }
    }

    @Test("every file to reject is refused, naming the element, its id and its line")
    func rejects() throws {
        let files = SharedData.files("bpmn/reject", extension: "bpmn")
        guard !files.isEmpty else {
            print("skipped: \(SharedData.root.path)/bpmn is not on this machine")
            return
        }
        #expect(files.count == 7)
        let expected: [String: String] = [
            "c7ex_order-handling.bpmn": "conditionalEventDefinition",
            "spiff_conditional_event.bpmn": "conditionalEventDefinition",
            "spiff_invalid_cancel.bpmn": "cancelEventDefinition",
            "spiff_multiple-start.bpmn": "2 event definitions",
            "spiff_non-executable-process.bpmn": "no executable process",
            "spiff_standard_loop.bpmn": "standardLoopCharacteristics",
            "spiff_transaction.bpmn": "<transaction id=",
        ]
        for file in files {
            let data = try Data(contentsOf: file)
            do throws(ValidationErrors) {
                _ = try BPMNReader.read(data)
                Issue.record("\(file.lastPathComponent) was accepted")
            } catch {
                let messages = error.errors.map(\.message)
                #expect(messages.allSatisfy { $0.hasPrefix("line ") || $0.hasPrefix("<process") }, "\(messages)")
                #expect(messages.contains { $0.contains(expected[file.lastPathComponent] ?? "?") }, "\(file.lastPathComponent): \(messages)")
            }
        }
    }

    @Test("a boundary timer keeps its duration, target and interrupting flag as written")
    func details() throws {
        guard let folder = SharedData.folder("bpmn/accept") else { return }
        let definition = try BPMNReader.read(try Data(contentsOf: folder.appendingPathComponent("spiff_boundary_timer_on_task.bpmn")))
        let boundary = try #require(definition.processes.flatMap(\.nodes).first { $0.id == "Event_0y4hbl0" })
        #expect(boundary.kind == .boundary(.timer(.duration("\"PT0.002S\"")), attachedTo: "user_task", interrupting: false))
        #expect(boundary.line == 8)
        #expect(definition.diagram.shapes["user_task"] != nil)
    }

    static func wrap(_ body: String) -> Data {
        Data(
            """
            <?xml version="1.0" encoding="UTF-8"?>
            <definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d">
              <message id="m" name="Order paid"/>
              <process id="p" isExecutable="true">
            \(body)
              </process>
            </definitions>
            """.utf8
        )
    }

    @Test("broken graphs and documents are refused with every problem, each with its id and line")
    func brokenGraphs() {
        let cases: [(String, Data, [String])] = [
            ("truncated", Data("<definitions xmlns=\"http://www.omg.org/spec/BPMN/20100524/MODEL\"><process id=\"p\">".utf8), ["invalid_xml"]),
            ("not BPMN", Data("<html><body/></html>".utf8), ["not_bpmn"]),
            (
                "dangling flow and bad default",
                Self.wrap(
                    """
                    <startEvent id="s"/><exclusiveGateway id="g" default="nope"/>
                    <sequenceFlow id="f1" sourceRef="s" targetRef="g"/><sequenceFlow id="f2" sourceRef="g" targetRef="ghost"/>
                    """
                ), ["invalid_default", "unknown_node"]
            ),
            (
                "boundary on a gateway",
                Self.wrap(
                    """
                    <startEvent id="s"/><parallelGateway id="g"/>
                    <boundaryEvent id="b" attachedToRef="g"><timerEventDefinition><timeDuration>PT1H</timeDuration></timerEventDefinition></boundaryEvent>
                    """
                ), ["invalid_attachment"]
            ),
            (
                "unknown message",
                Self.wrap(
                    """
                    <startEvent id="s"/><intermediateCatchEvent id="c"><messageEventDefinition messageRef="missing"/></intermediateCatchEvent>
                    """
                ), ["unknown_message"]
            ),
            ("no start, receive task", Self.wrap("<receiveTask id=\"r\"/><endEvent id=\"e\"/>"), ["unsupported_element"]),
            ("no start", Self.wrap("<endEvent id=\"e\"/>"), ["no_start_event"]),
            (
                "event subprocess",
                Self.wrap("<startEvent id=\"s\"/><subProcess id=\"esp\" triggeredByEvent=\"true\"><startEvent id=\"es\"/></subProcess>"),
                ["unsupported_element"]
            ),
            ("timer without time", Self.wrap("<startEvent id=\"s\"><timerEventDefinition/></startEvent>"), ["invalid_timer"]),
        ]
        for (name, data, codes) in cases {
            do throws(ValidationErrors) {
                _ = try BPMNReader.read(data)
                Issue.record("\(name) was accepted")
            } catch {
                #expect(Set(error.errors.map(\.code)) == Set(codes), "\(name): \(error.errors.map(\.message))")
                #expect(error.errors.allSatisfy { $0.message.hasPrefix("line ") || $0.message.hasPrefix("<process") }, "\(name)")
            }
        }
        let fine = Self.wrap(
            """
            <startEvent id="s"><messageEventDefinition messageRef="m"/></startEvent><endEvent id="e"/>
            <sequenceFlow id="f" sourceRef="s" targetRef="e"/>
            """
        )
        #expect((try? BPMNReader.read(fine))?.executable.first?.startEvents.first?.kind == .startEvent(.message("Order paid"), interrupting: true))
    }
}
