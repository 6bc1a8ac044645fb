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

/// The TCP role of the endpoint whose address a reset carries.
public enum Role: String, Sendable, CaseIterable {
    case client, server
}

/// Which leg of a proxied session a connection is.
public enum Leg: String, Sendable, CaseIterable {
    case front, back, direct
}

/// A connection's leg and the proxy it belongs to (an index into the topology's proxies), in 8
/// bytes (a tuple with an optional index took 24): the attribution keeps one for every connection.
public struct ConnectionLeg: Sendable {
    public let leg: Leg
    private let proxyIndex: Int32  // -1: none

    public init(_ leg: Leg, proxy: Int? = nil) {
        self.leg = leg
        proxyIndex = proxy.map { Int32($0) } ?? -1
    }

    public var proxy: Int? { proxyIndex < 0 ? nil : Int(proxyIndex) }
}
