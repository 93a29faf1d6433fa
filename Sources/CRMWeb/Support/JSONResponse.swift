import CRMCore
import Foundation
import HTTPTypes
import Hummingbird
import Logging

enum JSONResponse {
    static func ok(_ value: JSONValue, status: HTTPResponse.Status = .ok, etag: String? = nil) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "application/json; charset=utf-8"
        if let etag { headers[.eTag] = etag }
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: value.encoded())))
    }
}

/// RFC 4180 CSV: fields with separators, quotes or line breaks are quoted; lines end in CRLF.
enum CSV {
    static func line(_ fields: [String], separator: Character = ",") -> String {
        fields.map { field in
            let safe = isFormula(field) ? "'" + field : field
            return safe.contains(where: { $0 == separator || $0 == "\"" || $0 == "\n" || $0 == "\r" })
                ? "\"" + safe.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : safe
        }.joined(separator: String(separator)) + "\r\n"
    }

    /// A leading = @ (or + - not starting a number) makes spreadsheets run the cell as a formula (CSV injection);
    /// a quote mark neutralises it. Phone numbers and negative amounts stay as they are.
    private static func isFormula(_ field: String) -> Bool {
        guard let first = field.first else { return false }
        if first == "=" || first == "@" { return true }
        guard first == "+" || first == "-" else { return false }
        return !field.dropFirst().allSatisfy { $0.isNumber || $0 == " " || $0 == ";" || $0 == "+" || $0 == "." }
    }
}
