import Foundation

/// What went wrong talking to the object store, with the store's own words when it sent any.
public struct S3Error: Error, CustomStringConvertible, Sendable {
    public let status: Int
    /// The `<Code>` of the store's XML error (`NoSuchKey`, `SignatureDoesNotMatch` …), when it sent one.
    public let code: String?
    public let message: String

    public var description: String {
        "object store answered \(status)\(code.map { " \($0)" } ?? ""): \(message)"
    }

    /// Reads the `<Code>` and `<Message>` out of an S3 error document.
    static func parse(status: Int, body: String) -> S3Error {
        func element(_ name: String) -> String? {
            guard let start = body.range(of: "<\(name)>"), let end = body.range(of: "</\(name)>", range: start.upperBound..<body.endIndex)
            else { return nil }
            return String(body[start.upperBound..<end.lowerBound])
        }
        return S3Error(status: status, code: element("Code"), message: element("Message") ?? String(body.prefix(200)))
    }
}
