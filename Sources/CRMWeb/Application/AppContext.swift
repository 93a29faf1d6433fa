public import CRMCore
import CRMStore
import Foundation
import HTTPTypes
public import Hummingbird
import Logging

/// Who made a request and how they proved it.
public struct Identity: Sendable {
    public enum Credential: Sendable {
        /// A browser session; unsafe requests must echo its CSRF token.
        case session(token: String, csrf: String)
        case apiToken
    }

    public let user: User
    public let access: AccessContext
    public let credential: Credential
    /// The role requires two-factor sign-in and the user has not set it up: pages lead them to do so first.
    public var mustEnrollSecondFactor = false
    /// Unread notifications, counted for pages (the bell); nil on API requests, which do not show one.
    public var unreadNotifications: Int?

    public var csrfToken: String? {
        if case .session(_, let csrf) = credential { csrf } else { nil }
    }
}

/// The request context of every route: Hummingbird's core storage plus the caller's identity.
public struct AppContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    public var identity: Identity?
    /// The peer's IP address, for login throttling and logs.
    public let remoteAddress: String?
    /// Set by the body-limit configuration; Hummingbird refuses larger bodies with 413.
    public var maxUploadSize: Int { 1 << 20 }

    public init(source: Source) {
        self.coreContext = .init(source: source)
        self.identity = nil
        self.remoteAddress = source.channel.remoteAddress?.ipAddress
    }

    /// The identity of a route that requires one; `AuthenticationMiddleware` guarantees it on protected groups.
    public func requireIdentity() throws -> Identity {
        guard let identity else { throw APIError(.unauthorized, code: "unauthenticated", detail: "sign in or send an API token") }
        return identity
    }

    /// The identity of someone whose role may do what a page is for (the store enforces the same on writes).
    public func require(_ capability: Capability) throws -> Identity {
        let identity = try requireIdentity()
        guard identity.access.may(capability) else {
            var problem = APIError(.forbidden, code: "forbidden", detail: capability.refusal)
            problem.extensions["capability"] = .string(capability.rawValue)
            throw problem
        }
        return identity
    }

    /// The `:id` of the route, a positive integer; anything else is a record that does not exist.
    public func pathID() throws -> Int64 {
        guard let text = parameters.get("id"), let id = Int64(text), id > 0 else {
            throw APIError(.notFound, code: "not_found", detail: "no such record")
        }
        return id
    }
}
