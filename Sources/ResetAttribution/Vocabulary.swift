/// Who is held responsible for a reset.
public enum Attribution: String, Sendable, CaseIterable {
    case client, proxy, backend, network, unknown
}

/// Where in the connection's life the reset came.
public enum ResetPhase: String, Sendable, CaseIterable {
    case refused, handshake, idle, request
    case awaitingResponse = "awaiting_response"
    case response
    case afterFIN = "after_fin"
    case portReuse = "port_reuse"
    case keepaliveRace = "keepalive_race"
}

/// The likely cause, across connections.
public enum ResetCause: String, Sendable, CaseIterable {
    case networkLoss = "network_loss"
    case overload, timeout
    case appAbort = "app_abort"
    case policy, injected, unknown
}

/// Which leg of a proxied session a connection is.
public enum Leg: String, Sendable, CaseIterable {
    case front, back, direct
}
