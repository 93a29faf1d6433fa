public import Foundation

/// Reads BPMN 2.0 XML as bpmn.io and Camunda Modeler write it into a `ProcessDefinition`, or refuses it with
/// every problem found, each naming the element, its id and its line. What the engine cannot run is refused,
/// never skipped; what only describes the drawing (lanes, annotations, data objects, extension elements of
/// other engines) is skipped.
public enum BPMNReader {
    static let model = "http://www.omg.org/spec/BPMN/20100524/MODEL"
    static let di = "http://www.omg.org/spec/BPMN/20100524/DI"
    static let dc = "http://www.omg.org/spec/DD/20100524/DC"
    static let ddi = "http://www.omg.org/spec/DD/20100524/DI"

    /// Elements inside a process that carry no behaviour.
    static let descriptive: Set<String> = [
        "documentation", "extensionElements", "incoming", "outgoing", "laneSet", "lane", "flowNodeRef", "textAnnotation",
        "association", "group", "dataObject", "dataObjectReference", "dataStoreReference", "dataInputAssociation",
        "dataOutputAssociation", "ioSpecification", "property", "text", "category", "categoryValue",
    ]
    static let tasks: Set<String> = ["task", "userTask", "manualTask", "serviceTask", "scriptTask", "sendTask"]
    static let gateways: [String: GatewayKind] = [
        "exclusiveGateway": .exclusive, "parallelGateway": .parallel, "inclusiveGateway": .inclusive, "eventBasedGateway": .eventBased,
    ]
    static let events: Set<String> = ["startEvent", "endEvent", "intermediateCatchEvent", "intermediateThrowEvent", "boundaryEvent"]
    static let refused: [String: String] = [
        "transaction": "transactions and their cancel semantics are not supported; model the rollback with an error boundary",
        "adHocSubProcess": "ad-hoc subprocesses are not supported",
        "complexGateway": "complex gateways are not supported; use an inclusive gateway",
        "businessRuleTask": "business-rule tasks are not supported; use a service task",
        "receiveTask": "receive tasks are not supported; use an intermediate message catch event",
        "standardLoopCharacteristics": "standard loops are not supported; model the loop with an exclusive gateway",
        "conditionalEventDefinition": "conditional events are not supported; use a gateway condition or a timer",
        "cancelEventDefinition": "cancel events are not supported (they need transactions)",
        "compensateEventDefinition": "compensation is not supported",
        "linkEventDefinition": "link events are not supported; draw the sequence flow",
    ]

    public static func read(_ data: Data) throws(ValidationErrors) -> ProcessDefinition {
        let tree: XMLTree
        do throws(ValidationError) { tree = try XMLTree(data: data) } catch { throw ValidationErrors([error]) }
        var reader = Reader()
        let definition = reader.definitions(tree.root)
        guard reader.errors.isEmpty else { throw ValidationErrors(reader.errors) }
        return definition
    }

    struct Reader {
        var errors: [ValidationError] = []

        mutating func fail(_ element: XMLTree.Element, _ code: String, _ message: String) {
            let id = element.attribute("id") ?? ""
            let described = id.isEmpty ? "<\(element.name)>" : "<\(element.name) id=\"\(id)\">"
            errors.append(
                ValidationError(field: id.isEmpty ? element.name : id, code: code, message: "line \(element.line): \(described) \(message)")
            )
        }

        mutating func definitions(_ root: XMLTree.Element) -> ProcessDefinition {
            guard root.namespace == model, root.name == "definitions" else {
                fail(root, "not_bpmn", "is not a BPMN 2.0 document (its root must be <definitions> in \(model))")
                return ProcessDefinition()
            }
            var definition = ProcessDefinition(
                exporter: [root.attribute("exporter"), root.attribute("exporterVersion")].compactMap { $0 }.joined(separator: " ")
            )
            for element in root.children where element.namespace == model {
                let id = element.attribute("id") ?? ""
                let name = element.attribute("name") ?? ""
                switch element.name {
                case "message": definition.messages[id] = name.isEmpty ? id : name
                case "signal": definition.signals[id] = name.isEmpty ? id : name
                case "error": definition.errors[id] = (name, element.attribute("errorCode") ?? "")
                case "escalation": definition.escalations[id] = (name, element.attribute("escalationCode") ?? "")
                default: break
                }
            }
            for element in root.children(model, "process") {
                definition.processes.append(process(element, definition))
            }
            for diagram in root.children(di, "BPMNDiagram") { read(diagram: diagram, into: &definition.diagram) }
            if definition.executable.isEmpty {
                fail(root, "no_executable_process", "has no executable process (every process says isExecutable=\"false\"); there is nothing to run")
            }
            // The graph is checked once every element reads, so one bad element does not also report its flows.
            if errors.isEmpty {
                for process in definition.executable { check(process) }
            }
            return definition
        }

        mutating func process(_ element: XMLTree.Element, _ definition: ProcessDefinition) -> BPMNProcess {
            var process = BPMNProcess(
                id: element.attribute("id") ?? "",
                name: element.attribute("name") ?? "",
                isExecutable: element.attribute("isExecutable") != "false"
            )
            scope(element, nil, definition, into: &process)
            return process
        }

        /// Reads the flow elements of a process or subprocess.
        mutating func scope(_ container: XMLTree.Element, _ scopeID: String?, _ definition: ProcessDefinition, into process: inout BPMNProcess) {
            for element in container.children {
                guard element.namespace == BPMNReader.model else { continue }
                let id = element.attribute("id") ?? ""
                let name = element.attribute("name") ?? ""
                if BPMNReader.descriptive.contains(element.name) || element.name == "multiInstanceLoopCharacteristics" { continue }
                if let reason = BPMNReader.refused[element.name] {
                    fail(element, "unsupported_element", reason)
                    continue
                }
                if id.isEmpty {
                    fail(element, "missing_id", "has no id")
                    continue
                }
                let kind: FlowNode.Kind
                switch element.name {
                case "sequenceFlow":
                    let text = element.child(BPMNReader.model, "conditionExpression")?.trimmedText ?? ""
                    let condition = text.isEmpty ? nil : expression(text, element, "condition")
                    process.flows.append(
                        SequenceFlow(
                            id: id,
                            name: name,
                            source: element.attribute("sourceRef") ?? "",
                            target: element.attribute("targetRef") ?? "",
                            condition: condition,
                            line: element.line
                        )
                    )
                    continue
                case let event where BPMNReader.events.contains(event):
                    guard let eventKind = self.event(element, definition) else { continue }
                    kind = eventKind
                case let task where BPMNReader.tasks.contains(task):
                    kind = .task(self.task(element, definition))
                case let gateway where BPMNReader.gateways[gateway] != nil:
                    kind = .gateway(BPMNReader.gateways[gateway]!, defaultFlow: element.attribute("default"))
                case "subProcess":
                    guard element.attribute("triggeredByEvent") != "true" else {
                        fail(
                            element,
                            "unsupported_element",
                            "is an event subprocess, which the engine does not run; use a boundary event on the activity instead"
                        )
                        continue
                    }
                    kind = .subProcess(triggeredByEvent: false)
                case "callActivity":
                    let called = element.attribute("calledElement") ?? ""
                    if called.isEmpty { fail(element, "missing_called_element", "does not say which process it calls (calledElement)") }
                    kind = .callActivity(calledElement: called)
                default:
                    fail(element, "unsupported_element", "is not a BPMN element Clientele can run")
                    continue
                }
                var node = FlowNode(id: id, name: name, kind: kind, scope: scopeID, line: element.line)
                if node.isActivity {
                    for child in element.children where child.namespace == BPMNReader.model && child.name == "standardLoopCharacteristics" {
                        fail(element, "unsupported_element", "has standardLoopCharacteristics: " + BPMNReader.refused[child.name]!)
                    }
                    node.multiInstance = loop(element)
                }
                process.nodes.append(node)
                if case .subProcess = kind { scope(element, id, definition, into: &process) }
            }
        }

        mutating func event(_ element: XMLTree.Element, _ definition: ProcessDefinition) -> FlowNode.Kind? {
            let definitions = element.children.filter { $0.namespace == BPMNReader.model && $0.name.hasSuffix("EventDefinition") }
            for refused in definitions where BPMNReader.refused[refused.name] != nil {
                fail(element, "unsupported_element", "uses \(refused.name): " + BPMNReader.refused[refused.name]!)
                return nil
            }
            guard definitions.count <= 1 else {
                fail(
                    element,
                    "multiple_event_definitions",
                    "has \(definitions.count) event definitions; events that wait for any of several triggers are not supported, use an event-based gateway"
                )
                return nil
            }
            let eventDefinition = definitions.first
            func reference(_ attribute: String, _ names: [String: String], _ what: String) -> String? {
                guard let ref = eventDefinition?.attribute(attribute), !ref.isEmpty else {
                    fail(element, "missing_\(what)", "does not name its \(what)")
                    return nil
                }
                guard let name = names[ref] else {
                    fail(element, "unknown_\(what)", "refers to \(what) '\(ref)', which the file does not define")
                    return nil
                }
                return name
            }
            func code(_ attribute: String, _ codes: [String: (name: String, code: String)], _ what: String) -> String?? {
                guard let ref = eventDefinition?.attribute(attribute), !ref.isEmpty else { return .some(nil) }
                guard let found = codes[ref] else {
                    fail(element, "unknown_\(what)", "refers to \(what) '\(ref)', which the file does not define")
                    return nil
                }
                return .some(found.code.isEmpty ? found.name : found.code)
            }
            let isCatching = element.name != "endEvent" && element.name != "intermediateThrowEvent"
            var trigger = EventTrigger.none
            var result = EventResult.none
            switch eventDefinition?.name {
            case nil: break
            case "timerEventDefinition":
                guard isCatching, let timer = timer(eventDefinition!) else {
                    if !isCatching {
                        fail(element, "unsupported_event", "cannot throw a timer")
                    } else {
                        fail(element, "invalid_timer", "has a timer without timeDuration, timeDate or timeCycle")
                    }
                    return nil
                }
                trigger = .timer(timer)
            case "messageEventDefinition":
                guard let message = reference("messageRef", definition.messages, "message") else { return nil }
                trigger = .message(message)
                result = .message(message)
            case "signalEventDefinition":
                guard let signal = reference("signalRef", definition.signals, "signal") else { return nil }
                trigger = .signal(signal)
                result = .signal(signal)
            case "errorEventDefinition":
                guard let code = code("errorRef", definition.errors, "error") else { return nil }
                trigger = .error(code)
                result = .error(code)
            case "escalationEventDefinition":
                guard let code = code("escalationRef", definition.escalations, "escalation") else { return nil }
                trigger = .escalation(code)
                result = .escalation(code)
            case "terminateEventDefinition":
                guard element.name == "endEvent" else {
                    fail(element, "unsupported_event", "can only terminate as an end event")
                    return nil
                }
                result = .terminate
            default:
                fail(element, "unsupported_element", "uses \(eventDefinition!.name), which Clientele cannot run")
                return nil
            }
            switch element.name {
            case "startEvent":
                if case .none = trigger, eventDefinition != nil {
                    fail(element, "unsupported_event", "cannot start on \(eventDefinition!.name)")
                    return nil
                }
                return .startEvent(trigger, interrupting: element.attribute("isInterrupting") != "false")
            case "endEvent":
                return .endEvent(result)
            case "intermediateCatchEvent":
                switch trigger {
                case .timer, .message, .signal: return .intermediateCatch(trigger)
                default:
                    fail(element, "unsupported_event", "must wait for a timer, a message or a signal")
                    return nil
                }
            case "intermediateThrowEvent":
                switch result {
                case .none, .message, .signal, .escalation: return .intermediateThrow(result)
                default:
                    fail(element, "unsupported_event", "can throw only a message, a signal or an escalation")
                    return nil
                }
            default:
                let attached = element.attribute("attachedToRef") ?? ""
                if case .none = trigger {
                    fail(element, "unsupported_event", "is a boundary event without a trigger")
                    return nil
                }
                return .boundary(trigger, attachedTo: attached, interrupting: element.attribute("cancelActivity") != "false")
            }
        }

        mutating func expression(_ text: String, _ element: XMLTree.Element, _ what: String) -> ProcessExpression? {
            do throws(ValidationError) {
                return try ProcessExpression.parse(text)
            } catch {
                fail(element, "invalid_expression", "has a \(what) Clientele cannot read: \(error.message)")
                return nil
            }
        }

        func timer(_ definition: XMLTree.Element) -> TimerSpec? {
            if let text = definition.child(BPMNReader.model, "timeDuration")?.trimmedText, !text.isEmpty { return .duration(text) }
            if let text = definition.child(BPMNReader.model, "timeDate")?.trimmedText, !text.isEmpty { return .date(text) }
            if let text = definition.child(BPMNReader.model, "timeCycle")?.trimmedText, !text.isEmpty { return .cycle(text) }
            return nil
        }

        mutating func task(_ element: XMLTree.Element, _ definition: ProcessDefinition) -> TaskKind {
            switch element.name {
            case "userTask":
                func list(_ name: String) -> [String] {
                    (element.attribute(name) ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
                }
                let fields =
                    element.child(BPMNReader.model, "extensionElements")?.children.first { $0.name == "formData" }?.children.filter {
                        $0.name == "formField"
                    } ?? []
                return .user(
                    UserTaskSpec(
                        assignee: element.attribute("assignee"),
                        candidateGroups: list("candidateGroups"),
                        candidateUsers: list("candidateUsers"),
                        dueDate: element.attribute("dueDate"),
                        formFields: fields.map {
                            .init(id: $0.attribute("id") ?? "", label: $0.attribute("label") ?? "", type: $0.attribute("type") ?? "string")
                        }
                    )
                )
            case "manualTask": return .manual
            case "serviceTask":
                let action =
                    element.attribute("type") ?? element.attribute("topic") ?? element.attribute("class") ?? element.attribute("delegateExpression")
                    ?? element.attribute("expression")
                // Camunda's <camunda:inputOutput><camunda:inputParameter name="stage">Proposal</…>, wherever nested.
                var parameters: [String: String] = [:]
                func collect(_ node: XMLTree.Element) {
                    if node.name == "inputParameter", let name = node.attribute("name") { parameters[name] = node.trimmedText }
                    node.children.forEach(collect)
                }
                element.child(BPMNReader.model, "extensionElements").map(collect)
                return .service(action: action, parameters: parameters)
            case "scriptTask":
                let text = element.child(BPMNReader.model, "script")?.trimmedText ?? ""
                do throws(ValidationError) {
                    return .script(format: element.attribute("scriptFormat") ?? "", script: try ProcessScript(parsing: text))
                } catch {
                    fail(
                        element,
                        "invalid_script",
                        "has a script Clientele cannot run safely: \(error.message) (scripts may only set variables: x = 1, x += 1, del(x))"
                    )
                    return .none
                }
            case "sendTask":
                return .send(message: element.attribute("messageRef").flatMap { definition.messages[$0] })
            default: return .none
            }
        }

        mutating func loop(_ element: XMLTree.Element) -> MultiInstance? {
            guard let loop = element.child(BPMNReader.model, "multiInstanceLoopCharacteristics") else { return nil }
            let input = loop.child(BPMNReader.model, "loopDataInputRef")?.trimmedText
            let item = loop.child(BPMNReader.model, "inputDataItem")
            func parsed(_ text: String?, _ what: String) -> ProcessExpression? {
                guard let text, !text.isEmpty else { return nil }
                return expression(text, element, what)
            }
            let instances = MultiInstance(
                isSequential: loop.attribute("isSequential") == "true",
                cardinality: parsed(loop.child(BPMNReader.model, "loopCardinality")?.trimmedText, "loop cardinality"),
                collection: parsed(loop.attribute("collection") ?? input, "collection"),
                elementVariable: loop.attribute("elementVariable") ?? item?.attribute("name") ?? item?.attribute("id"),
                completionCondition: parsed(loop.child(BPMNReader.model, "completionCondition")?.trimmedText, "completion condition")
            )
            if instances.cardinality == nil && instances.collection == nil {
                fail(element, "invalid_multi_instance", "runs many times but says neither how many (loopCardinality) nor over what (a collection)")
            }
            return instances
        }

        /// Checks that the graph holds together: flows join existing nodes in one scope, boundaries sit on
        /// activities, defaults leave their gateway, and every process and subprocess can start.
        mutating func check(_ process: BPMNProcess) {
            var nodes: [String: FlowNode] = [:]
            for node in process.nodes { nodes[node.id] = node }
            func report(_ id: String, _ line: Int, _ kind: String, _ code: String, _ message: String) {
                errors.append(ValidationError(field: id, code: code, message: "line \(line): <\(kind) id=\"\(id)\"> \(message)"))
            }
            for flow in process.flows {
                guard let source = nodes[flow.source], let target = nodes[flow.target] else {
                    let missing = nodes[flow.source] == nil ? flow.source : flow.target
                    report(
                        flow.id,
                        flow.line,
                        "sequenceFlow",
                        "unknown_node",
                        "connects '\(missing)', which is not a node of process '\(process.id)'"
                    )
                    continue
                }
                if source.scope != target.scope {
                    report(
                        flow.id,
                        flow.line,
                        "sequenceFlow",
                        "crosses_scope",
                        "crosses the border of a subprocess ('\(source.id)' → '\(target.id)')"
                    )
                }
            }
            let scopes = [nil] + process.nodes.filter { if case .subProcess = $0.kind { true } else { false } }.map { Optional($0.id) }
            for scope in scopes {
                let starts = process.nodes.filter { node in
                    if case .startEvent = node.kind { node.scope == scope } else { false }
                }
                if starts.isEmpty {
                    if let scope, let subprocess = nodes[scope] {
                        report(scope, subprocess.line, "subProcess", "no_start_event", "has no start event")
                    } else if scope == nil {
                        errors.append(
                            ValidationError(field: process.id, code: "no_start_event", message: "<process id=\"\(process.id)\"> has no start event")
                        )
                    }
                }
            }
            for node in process.nodes {
                switch node.kind {
                case .boundary(_, let attached, _):
                    if nodes[attached]?.isActivity != true {
                        report(
                            node.id,
                            node.line,
                            "boundaryEvent",
                            "invalid_attachment",
                            "is attached to '\(attached)', which is not an activity of this process"
                        )
                    }
                case .gateway(_, let defaultFlow?):
                    if !process.outgoing(node.id).contains(where: { $0.id == defaultFlow }) {
                        report(
                            node.id,
                            node.line,
                            "gateway",
                            "invalid_default",
                            "names '\(defaultFlow)' as its default, which is not one of its outgoing flows"
                        )
                    }
                default: break
                }
            }
        }

        mutating func read(diagram: XMLTree.Element, into result: inout BPMNDiagram) {
            for plane in diagram.children(BPMNReader.di, "BPMNPlane") {
                for element in plane.children {
                    guard let target = element.attribute("bpmnElement") else { continue }
                    if element.name == "BPMNShape", let bounds = element.child(BPMNReader.dc, "Bounds") {
                        let value = { (name: String) in Double(bounds.attribute(name) ?? "") ?? 0 }
                        result.shapes[target] = .init(x: value("x"), y: value("y"), width: value("width"), height: value("height"))
                    } else if element.name == "BPMNEdge" {
                        result.edges[target] = element.children(BPMNReader.ddi, "waypoint").map {
                            (x: Double($0.attribute("x") ?? "") ?? 0, y: Double($0.attribute("y") ?? "") ?? 0)
                        }
                    }
                }
            }
        }
    }
}
