public import CRMCore
import Foundation

/// What can go wrong in the store, in terms the web layer turns into HTTP answers.
public enum StoreError: Error, Sendable, Equatable {
    /// The record does not exist, or the access context may not see it (the two are indistinguishable on purpose).
    case notFound(RecordType?)
    /// The caller's version is stale; `current` is the version now stored.
    case versionMismatch(current: Int64)
    /// The context may see the record but not do this to it.
    case forbidden(String)
    /// The write conflicts with existing data (a unique e-mail, a reused idempotency key …).
    case conflict(code: String, message: String)
    /// A create refused because these visible records are probably the same customer; the caller may insist.
    case possibleDuplicates(RecordType, [Int64])
    case invalid(ValidationErrors)
    /// Too many requests from one address (a flooded web form); it may try again after `retryAfter` seconds.
    case rateLimited(retryAfter: Int)
    case configuration(String)

    public static func == (lhs: StoreError, rhs: StoreError) -> Bool {
        String(describing: lhs) == String(describing: rhs)
    }
}

extension ValidationErrors: Equatable {
    public static func == (lhs: ValidationErrors, rhs: ValidationErrors) -> Bool { lhs.errors == rhs.errors }
}
