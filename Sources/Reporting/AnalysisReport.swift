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
    /// `{"type":"event","frame":N,"stream":S,"ts":"...","kind":"..."}` with the kind's details,
    /// written straight into the output.
    public static func writeEvent(to output: OutputBuffer, frame: Int, stream: Int, timestamp: Int64, kind: String,
                                  details: (inout JSONLine) -> Void = { _ in }) {
        output.line(type: "event") { json in
            eventFields(&json, frame: frame, stream: stream, timestamp: timestamp, kind: kind, details: details)
        }
    }

    /// An event line before its stream number is known (a shard of a multi-threaded run): written
    /// without the `stream` field, into a writer after `leading` fields. Returns where the field
    /// goes (its offset in the writer), for `writeEvent(_:cut:stream:to:)`.
    public static func writeEvent(to writer: inout ByteWriter, leading: [UInt8], frame: Int, timestamp: Int64, kind: String,
                                  details: (inout JSONLine) -> Void) -> Int {
        var json = JSONLine(type: "event", continuing: writer, leading: leading)
        let cut = eventFields(&json, frame: frame, stream: nil, timestamp: timestamp, kind: kind, details: details)
        writer = json.end()
        return cut
    }

    /// A line of the writer above (`line`, with the stream's place `cut` bytes in) written into
    /// `output` with its stream: the bytes the other `writeEvent`s write.
    public static func writeEvent(_ line: UnsafeRawBufferPointer, cut: Int, stream: Int, to output: OutputBuffer) {
        output.appendInPlace { writer in
            writer.append(UnsafeRawBufferPointer(rebasing: line[..<cut]))
            writer.appendKey("stream")  // (as JSONLine.field writes it)
            writer.appendDecimal(stream)
            writer.append(UnsafeRawBufferPointer(rebasing: line[cut...]))
        }
    }

    /// An event's fields; without a stream (nil), returns where its field goes (the writer's
    /// count there).
    @inline(__always) @discardableResult
    private static func eventFields(_ json: inout JSONLine, frame: Int, stream: Int?, timestamp: Int64, kind: String,
                                    details: (inout JSONLine) -> Void) -> Int {
        json.field("frame", frame)
        let cut = json.count
        if let stream { json.field("stream", stream) }
        json.field("ts", timestamp: timestamp)
        json.field("kind", kind)
        details(&json)
        return cut
    }

    /// Milliseconds with microsecond precision, for latency fields.
    public static func milliseconds(_ nanoseconds: Int64) -> String {
        var writer = ByteWriter(capacity: 32)
        JSONLine.appendMilliseconds(nanoseconds, to: &writer)
        return String(decoding: writer.bytes, as: UTF8.self)
    }

    /// The connection record (one per connection, after the events), written into a batch of lines
    /// after `leading` fields.
    public static func writeConnection(_ c: ConnectionView, to writer: inout ByteWriter, leading: [UInt8]) {
        var json = JSONLine(type: "connection", continuing: writer, leading: leading)
        connectionFields(&json, c)
        writer = json.end()
    }

    /// `writeConnection` straight into the output (a live capture's evicted connections).
    public static func writeConnection(_ c: ConnectionView, to output: OutputBuffer) {
        output.line(type: "connection") { connectionFields(&$0, c) }
    }

    private static func connectionFields(_ json: inout JSONLine, _ c: ConnectionView) {
        let connection = c.connection
        json.field("stream", connection.stream)
        // (Each address formatted once: the filter below writes both again.)
        let texts = EndpointTexts(connection.key), clientSide = c.outcome.clientSide
        json.field("client", side: clientSide, of: texts)
        json.field("server", side: 1 - clientSide, of: texts)
        json.field("role_inferred", c.outcome.roleBasis)
        json.field("conn_state", word: c.outcome.stateWord)
        json.field("history") { connection.history.appendText(clientSide: c.outcome.clientSide, to: &$0) }
        json.field("community_id") { connection.key.appendCommunityID(to: &$0) }
        json.field("first_frame", connection.firstFrame)
        json.field("last_frame", connection.lastFrame)
        json.field("first_ts", timestamp: connection.firstTime)
        json.field("last_ts", timestamp: connection.lastTime)
        json.field("packets", pair: c.clientState.packets, c.serverState.packets)
        json.field("bytes", pair: c.clientState.payloadBytes, c.serverState.payloadBytes)
        if connection.initialRTT != 0 { json.field("initial_rtt_ms", milliseconds: connection.initialRTT) }
        if let syn = connection.synTime, let synAck = connection.synAckTime {
            json.field("syn_synack_ms", milliseconds: synAck - syn)
            if let ack = connection.handshakeAckTime { json.field("synack_ack_ms", milliseconds: ack - synAck) }
        }
        json.field("retransmissions", pair: c.clientState.retransmissions, c.serverState.retransmissions)
        if connection.responses > 0 {
            json.field("responses", connection.responses)
            json.field("response_max_ms", milliseconds: connection.responseTimeMax)
            json.field("response_mean_ms", milliseconds: connection.responseTimeTotal / Int64(connection.responses))
        }
        json.field("end", word: c.outcome.endWord)
        if let closedBy = c.outcome.closedByWord { json.field("closed_by", word: closedBy) }
        if let idle = connection.idleBeforeEnd { json.field("idle_before_end_ms", milliseconds: idle) }
        if connection.duplicates > 0 { json.field("duplicates", connection.duplicates) }
        json.field("wireshark_filter") { WiresharkFilter.appendConnection(connection, texts: texts, to: &$0) }
        json.field("wireshark_stream_filter") { bytes in
            bytes.append("tcp.stream eq ")
            bytes.appendDecimal(connection.stream)
        }
    }
}

/// A connection with its outcome resolved, ready for the reports.
public struct ConnectionView {
    public var connection: Connection
    public var outcome: ConnectionOutcome
    public var clientState: DirectionSummary
    public var serverState: DirectionSummary
    /// Community ID v1 (computed when asked: a SHA-1 per connection is not free).
    public var communityID: String { connection.communityID() }
    /// A reset that was not benign ended it (set from the attribution; true when not judged).
    public var brokenByReset = true

    public init(_ connection: Connection, side0: DirectionSummary, side1: DirectionSummary) {
        self.connection = connection
        outcome = ConnectionOutcome(connection, side0, side1)
        clientState = outcome.clientSide == 0 ? side0 : side1
        serverState = outcome.clientSide == 0 ? side1 : side0
    }

    public init(_ record: ConnectionSummary) {
        self.init(record.connection, side0: record.side0, side1: record.side1)
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
}

/// Wireshark display filters, written as bytes.
public enum WiresharkFilter {
    /// Exactly one connection's packets in any Wireshark version: both endpoints, the frame range
    /// (a reused port pair is another connection), and no ICMP errors quoting it.
    public static func appendConnection<Sink: ByteSink & ~Copyable>(_ connection: Connection, to bytes: inout Sink) {
        appendConnection(connection, texts: EndpointTexts(connection.key), to: &bytes)
    }

    /// The same, from the addresses' text made for the line's other fields.
    public static func appendConnection<Sink: ByteSink & ~Copyable>(_ connection: Connection, texts: EndpointTexts,
                                                                    to bytes: inout Sink) {
        let ip: StaticString = texts.side0.isIPv6 ? "ipv6.addr==" : "ip.addr=="
        bytes.append(ip)
        texts.side0.write(to: &bytes)
        bytes.append(" && ")
        bytes.append(ip)
        texts.side1.write(to: &bytes)
        bytes.append(" && tcp.port==")
        bytes.appendDecimal(Int(texts.ports.0))
        bytes.append(" && tcp.port==")
        bytes.appendDecimal(Int(texts.ports.1))
        bytes.append(" && frame.number>=")
        bytes.appendDecimal(connection.firstFrame)
        bytes.append(" && frame.number<=")
        bytes.appendDecimal(connection.lastFrame)
        bytes.append(" && !icmp && !icmpv6")
    }
}
