import PacketCore
import TCPAnalysis

/// Which analysis events become output lines.
public enum EventLevel: String, CaseIterable, Sendable {
    /// Every flag tshark sets on every frame, and every unambiguous ACK RTT sample.
    case all
    /// The flags that bear on resets and latency (the default).
    case problems
    case none

    public var flags: AnalysisFlags {
        switch self {
        case .all: return AnalysisFlags(rawValue: UInt16.max)
        case .problems: return .problems
        case .none: return []
        }
    }
}

/// JSON Lines for analysis events and connections.
public enum AnalysisReport {
    /// `{"type":"event","frame":N,"stream":S,"ts":"...","kind":"..."}` with the kind's details.
    public static func eventLine(frame: Int, stream: Int, timestamp: Int64, kind: String,
                                 details: (inout JSONLine) -> Void = { _ in }) -> [UInt8] {
        var json = JSONLine(type: "event")
        json.field("frame", frame)
        json.field("stream", stream)
        json.field("ts", timestamp: timestamp)
        json.field("kind", kind)
        details(&json)
        return json.finish()
    }

    /// Milliseconds with microsecond precision, for latency fields.
    public static func milliseconds(_ nanoseconds: Int64) -> String {
        var bytes: [UInt8] = []
        JSONLine.appendMilliseconds(nanoseconds, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The connection record (one per connection, after the events).
    public static func connectionLine(_ c: ConnectionView) -> [UInt8] {
        var json = JSONLine(type: "connection", capacity: 1024)
        json.field("stream", c.stream)
        let client = c.connection.key.endpoint(c.outcome.clientSide), server = c.connection.key.endpoint(1 - c.outcome.clientSide)
        json.field("client", address: client.address, port: client.port)
        json.field("server", address: server.address, port: server.port)
        json.field("role_inferred", c.outcome.roleBasis.rawValue)
        json.field("conn_state", c.outcome.state)
        json.field("history", c.outcome.history)
        json.field("community_id", c.communityID)
        json.field("first_frame", c.connection.firstFrame)
        json.field("last_frame", c.connection.lastFrame)
        json.field("first_ts", timestamp: c.connection.firstTime)
        json.field("last_ts", timestamp: c.connection.lastTime)
        json.field("packets", numbers: [c.clientState.packets, c.serverState.packets])
        json.field("bytes", numbers: [c.clientState.payloadBytes, c.serverState.payloadBytes])
        if c.connection.initialRTT != 0 { json.field("initial_rtt_ms", milliseconds: (c.connection.initialRTT)) }
        if let syn = c.connection.synTime, let synAck = c.connection.synAckTime {
            json.field("syn_synack_ms", milliseconds: (synAck - syn))
            if let ack = c.connection.handshakeAckTime { json.field("synack_ack_ms", milliseconds: (ack - synAck)) }
        }
        json.field("retransmissions", numbers: [c.clientState.retransmissions, c.serverState.retransmissions])
        if c.connection.responses > 0 {
            json.field("responses", c.connection.responses)
            json.field("response_max_ms", milliseconds: (c.connection.responseTimeMax))
            json.field("response_mean_ms", milliseconds: (c.connection.responseTimeTotal / Int64(c.connection.responses)))
        }
        json.field("end", c.outcome.end)
        if let closedBy = c.outcome.closedBy { json.field("closed_by", closedBy) }
        if let idle = c.connection.idleBeforeEnd { json.field("idle_before_end_ms", milliseconds: (idle)) }
        if c.connection.duplicates > 0 { json.field("duplicates", c.connection.duplicates) }
        json.field("wireshark_filter", plain: c.appendWiresharkFilter)
        json.field("wireshark_stream_filter") { bytes in
            JSONLine.appendASCII("tcp.stream eq ", to: &bytes)
            JSONLine.appendInteger(c.stream, to: &bytes)
        }
        return json.finish()
    }
}

/// A connection with its outcome resolved, ready for the reports.
public struct ConnectionView {
    public var connection: Connection
    public var outcome: ConnectionOutcome
    public var clientState: DirectionState
    public var serverState: DirectionState
    /// Community ID v1 (computed when asked: a SHA-1 per connection is not free).
    public var communityID: String { connection.communityID() }
    /// A reset that was not benign ended it (set from the attribution; true when not judged).
    public var brokenByReset = true

    public init(_ connection: Connection, side0: DirectionState, side1: DirectionState) {
        self.connection = connection
        outcome = ConnectionOutcome(connection, side0, side1)
        clientState = outcome.clientSide == 0 ? side0 : side1
        serverState = outcome.clientSide == 0 ? side1 : side0
    }

    public var stream: Int { connection.stream }
    public var client: String {
        let e = connection.key.endpoint(outcome.clientSide)
        return e.address.endpoint(e.port)
    }
    public var server: String {
        let e = connection.key.endpoint(1 - outcome.clientSide)
        return e.address.endpoint(e.port)
    }

    /// A display filter that selects exactly this connection's packets in any Wireshark version:
    /// both endpoints, the frame range (a reused port pair is another connection), and no ICMP
    /// errors quoting it.
    public var wiresharkFilter: String {
        var bytes: [UInt8] = []
        appendWiresharkFilter(to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    public func appendWiresharkFilter(to bytes: inout [UInt8]) {
        let a = connection.key.endpoint(0), b = connection.key.endpoint(1)
        let ip: StaticString = a.address.isIPv6 ? "ipv6.addr==" : "ip.addr=="
        JSONLine.appendASCII(ip, to: &bytes)
        JSONLine.appendAddress(a.address, to: &bytes)
        JSONLine.appendASCII(" && ", to: &bytes)
        JSONLine.appendASCII(ip, to: &bytes)
        JSONLine.appendAddress(b.address, to: &bytes)
        JSONLine.appendASCII(" && tcp.port==", to: &bytes)
        JSONLine.appendInteger(Int(a.port), to: &bytes)
        JSONLine.appendASCII(" && tcp.port==", to: &bytes)
        JSONLine.appendInteger(Int(b.port), to: &bytes)
        JSONLine.appendASCII(" && frame.number>=", to: &bytes)
        JSONLine.appendInteger(connection.firstFrame, to: &bytes)
        JSONLine.appendASCII(" && frame.number<=", to: &bytes)
        JSONLine.appendInteger(connection.lastFrame, to: &bytes)
        JSONLine.appendASCII(" && !icmp && !icmpv6", to: &bytes)
    }
}
