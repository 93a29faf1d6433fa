/// How a gateway chooses among its outgoing flows.
public enum GatewayKind: String, Sendable, Equatable {
    case exclusive, parallel, inclusive
    case eventBased = "event_based"
}
