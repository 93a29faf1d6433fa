public import CRMCore
import Foundation
import SQLKit

/// A client's promise that retries of one create carry the same key, so a retried request creates nothing twice.
public struct IdempotencyKey: Sendable {
    public let user: UserID
    public let key: String
    /// A digest of the request body: the same key with a different body is a client bug, not a retry.
    public let requestHash: String

    public init(user: UserID, key: String, requestHash: String) {
        self.user = user
        self.key = key
        self.requestHash = requestHash
    }
}

enum IdempotencyKeys {
    /// The record created earlier under this key, if any.
    static func find(_ db: any SQLDatabase, _ key: IdempotencyKey, scope: String) async throws -> Int64? {
        guard
            let row = try await db.raw(
                """
                SELECT scope, request_hash, record_id FROM idempotency_keys WHERE user_id = \(bind: key.user.rawValue) AND key = \(bind: key.key)
                """
            ).first()
        else { return nil }
        guard try row.value("scope", as: String.self) == scope, try row.value("request_hash", as: String.self) == key.requestHash else {
            throw StoreError.conflict(code: "idempotency_key_reused", message: "this Idempotency-Key was used for a different request")
        }
        return try row.value("record_id", as: Int64.self)
    }

    static func record(_ db: any SQLDatabase, _ key: IdempotencyKey, scope: String, recordID: Int64) async throws {
        try await db.raw(
            """
            INSERT INTO idempotency_keys (user_id, key, scope, request_hash, record_id, created_at)
            VALUES (\(bind: key.user.rawValue), \(bind: key.key), \(bind: scope), \(bind: key.requestHash), \(bind: recordID), \(bind: Timestamp.now.rawValue))
            """
        ).run()
    }
}
