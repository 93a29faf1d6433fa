import CRMCore
import CRMStore

extension StoreError {
    /// The store's refusal as errors a form shows above its fields (the page translates them by code).
    var formErrors: [ValidationError] {
        switch self {
        case .invalid(let errors): errors.errors
        case .versionMismatch:
            [
                ValidationError(
                    code: "version_mismatch",
                    message: "someone changed this record while you edited it; review their change and save again"
                )
            ]
        case .forbidden(let why): [ValidationError(code: "forbidden", message: why)]
        case .conflict(let code, let message): [ValidationError(code: code, message: message)]
        case .possibleDuplicates: [ValidationError(code: "possible_duplicate", message: "a record like this one exists already")]
        case .notFound: [ValidationError(code: "not_found", message: "the record is gone or you may not see it")]
        case .rateLimited: [ValidationError(code: "rate_limited", message: "too many submissions; try again later")]
        case .configuration(let message): [ValidationError(code: "internal", message: message)]
        }
    }
}
