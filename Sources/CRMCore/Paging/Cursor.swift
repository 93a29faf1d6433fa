import Foundation

/// Where a page ends: the sort key and id of its last row, tied to the sort it was made for.
///
/// Keyset pagination instead of offsets keeps deep pages as fast as the first and never skips or repeats a row
/// when rows are inserted meanwhile. The token is opaque to clients (base64url of a small JSON object).
public struct Cursor: Codable, Sendable, Equatable {
    public let sort: String
    public let key: String
    public let id: Int64

    public init(sort: Sort, key: String, id: Int64) {
        self.sort = sort.text
        self.key = key
        self.id = id
    }

    public var token: String {
        let data = (try? JSONEncoder().encode(self)) ?? Data()
        return data.base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// Reads a token back, refusing one made for another sort order or tampered with.
    public init(token: String, for sort: Sort) throws(ValidationError) {
        let invalid = ValidationError(
            field: "cursor",
            code: "invalid_cursor",
            message: "the cursor is not valid for this list; start again without it"
        )
        var base64 = token.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        guard token.count <= 1024, let data = Data(base64Encoded: base64),
            let cursor = try? JSONDecoder().decode(Cursor.self, from: data), cursor.sort == sort.text
        else { throw invalid }
        if let custom = sort.custom {
            if custom.numeric, Double(cursor.key) == nil { throw invalid }
        } else if sort.field != .name, Int64(cursor.key) == nil {
            throw invalid
        }
        self = cursor
    }
}
