public import CRMCore
public import CRMStore
import Foundation
import HTTPTypes
public import Logging
import Mustache
public import Prometheus

/// Everything the router needs, injected so tests build the same router over their own store.
public struct Dependencies: Sendable {
    public let store: Store
    public let pages: PageRenderer
    public let metrics: PrometheusCollectorRegistry
    public let settings: Settings
    public let logger: Logger

    public struct Settings: Sendable {
        /// Set when Clientele is served over HTTPS (directly or behind a proxy), so cookies get `Secure`.
        public var secureCookies: Bool
        /// The calling code assumed for phone numbers typed without one.
        public var defaultCountryCode: String
        /// Set when a reverse proxy stands in front and appends the client's address to `X-Forwarded-For`; without
        /// one, anyone could write that header and slip past the limits kept per address.
        public var behindProxy: Bool

        public init(secureCookies: Bool = false, defaultCountryCode: String = PhoneNumber.fallbackCountryCode, behindProxy: Bool = false) {
            self.secureCookies = secureCookies
            self.defaultCountryCode = defaultCountryCode
            self.behindProxy = behindProxy
        }
    }

    public init(store: Store, settings: Settings = .init(), logger: Logger) async throws {
        self.store = store
        self.pages = try await PageRenderer.load()
        self.metrics = PrometheusCollectorRegistry()
        self.settings = settings
        self.logger = logger
    }
}
