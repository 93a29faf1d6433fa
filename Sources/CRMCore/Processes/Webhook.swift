public import Foundation

/// A webhook a service task calls (`camunda:type="crm.call_webhook"`): where, how, and what it sends. The
/// host's `WebhookSending` does the I/O; deciding what to send and what a reply means is pure and lives here.
public struct WebhookCall: Sendable, Equatable {
    public static let methods = ["POST", "PUT", "PATCH", "GET", "DELETE"]

    public var url: URL
    public var method: String
    public var headers: [String: String]
    public var body: Data?

    /// Reads the task's parameters: `url` (http or https), `method` (POST unless given), and `body` — a text in
    /// which `${name}` is replaced by a variable's value — or, without one, a JSON document with the process,
    /// the instance, the bound record and every variable. The effect key travels as `Idempotency-Key`, so a
    /// receiver can ignore the repeat of a call that was sent before a crash.
    public init(
        parameters: [String: String],
        process: String,
        instance: Int64,
        record: (type: RecordType, id: Int64)?,
        variables: [String: ProcessValue],
        key: String
    ) throws(ProcessEngine.ServiceFailure) {
        guard let text = parameters["url"]?.trimmingCharacters(in: .whitespaces), !text.isEmpty else {
            throw .failure("crm.call_webhook needs a url parameter")
        }
        guard let url = URL(string: Self.substitute(text, variables, encode: true)), let scheme = url.scheme?.lowercased(),
            ["http", "https"].contains(scheme), url.host?.isEmpty == false
        else {
            throw .failure("crm.call_webhook: '\(text)' is not an http or https address")
        }
        let method = (parameters["method"] ?? "POST").uppercased()
        guard Self.methods.contains(method) else {
            throw .failure("crm.call_webhook: the method must be one of \(Self.methods.joined(separator: ", ")), not '\(method)'")
        }
        self.url = url
        self.method = method
        headers = ["Idempotency-Key": key, "User-Agent": "Clientele"]
        if method == "GET" || method == "DELETE" {
            body = nil
        } else if let template = parameters["body"] {
            body = Data(Self.substitute(template, variables, encode: false).utf8)
            headers["Content-Type"] = parameters["content_type"] ?? "application/json"
        } else {
            let bound: ProcessValue = record.map { .object(["type": .string($0.type.rawValue), "id": ProcessValue(Int($0.id))]) } ?? .null
            let document: ProcessValue = .object([
                "process": .string(process), "instance_id": ProcessValue(Int(instance)), "idempotency_key": .string(key),
                "record": bound, "variables": .object(variables),
            ])
            body = document.plainJSON
            headers["Content-Type"] = "application/json"
        }
    }

    /// `${name}` and `${name.field}` replaced by the variable's text (percent-encoded in a URL); a name that is
    /// not set becomes empty.
    static func substitute(_ template: String, _ variables: [String: ProcessValue], encode: Bool) -> String {
        var result = ""
        var rest = Substring(template)
        while let open = rest.range(of: "${"), let close = rest[open.upperBound...].firstIndex(of: "}") {
            result += rest[..<open.lowerBound]
            let path = rest[open.upperBound..<close].split(separator: ".").map { $0.trimmingCharacters(in: .whitespaces) }
            var value = path.first.flatMap { variables[$0] } ?? .null
            for field in path.dropFirst() { if case .object(let fields) = value { value = fields[field] ?? .null } else { value = .null } }
            let text = value == .null ? "" : value.description
            result +=
                encode
                ? (text.addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed.subtracting(CharacterSet(charactersIn: "&=?#/+"))) ?? "") : text
            rest = rest[rest.index(after: close)...]
        }
        return result + rest
    }
}

/// What came back from a webhook.
public struct WebhookReply: Sendable, Equatable {
    public var status: Int
    public var body: Data

    public init(status: Int, body: Data) {
        self.status = status
        self.body = body
    }

    /// A success gives the process `webhook_status` and `webhook_response` (the reply's JSON, or its text).
    /// A refusal the receiver will repeat (4xx, except timeouts and rate limits) is the BPMN error
    /// `http_<status>`, which an error boundary on the task may catch; anything else (5xx, 408, 429) is a
    /// failure retried with back-off.
    public func outcome() -> Result<[String: ProcessValue], ProcessEngine.ServiceFailure> {
        switch status {
        case 200..<300:
            let response: ProcessValue =
                if body.isEmpty {
                    .null
                } else if let document = ProcessValue(plainJSON: body) {
                    document
                } else {
                    .string(String(decoding: body.prefix(65_536), as: UTF8.self))
                }
            return .success(["webhook_status": ProcessValue(status), "webhook_response": response])
        case 408, 425, 429:
            return .failure(.failure("the webhook answered \(status); trying again later"))
        case 400..<500:
            return .failure(.bpmnError(code: "http_\(status)"))
        default:
            return .failure(.failure("the webhook answered \(status)"))
        }
    }
}

/// The host's way of sending a webhook; it answers the reply, or throws when no reply came.
public protocol WebhookSending: Sendable {
    func send(_ call: WebhookCall) async throws -> WebhookReply
}
