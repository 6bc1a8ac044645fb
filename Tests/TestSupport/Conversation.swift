import PacketCore
import TCPAnalysis

/// A conversation built in code between a client 10.0.0.1:40000 and a server 10.0.0.2:80.
public struct Conversation {
    public var tracker = TCPTracker()
    public var frame = 0
    /// Everything sent, for writing the scenario as a capture.
    public var sent: [ScenarioCapture.Segment] = []
    public var clientPort: UInt16 = 40000
    public var client = IPAddress(ipv4: 0x0A00_0001), server = IPAddress(ipv4: 0x0A00_0002)
    public var serverPort: UInt16 = 80

    public init() {}

    /// Sends one segment; `at` is in milliseconds.
    @discardableResult
    public mutating func send(_ fromClient: Bool, _ flags: TCPFlags, seq: UInt32, ack: UInt32 = 0, length: Int = 0,
                       window: UInt16 = 8192, windowScale: UInt8? = nil, at ms: Double, ipID: UInt16 = 0, ttl: UInt8 = 64) -> FrameAnalysis {
        frame += 1
        var options = TCPOptions()
        options.windowScale = windowScale
        let segment = TCPSegment(
            frame: frame, timestamp: Int64(ms * 1_000_000),
            source: fromClient ? client : server, destination: fromClient ? server : client,
            sourcePort: fromClient ? clientPort : serverPort, destinationPort: fromClient ? serverPort : clientPort,
            sequence: seq, acknowledgment: ack, flags: flags, window: window, payloadLength: length,
            options: options, ttl: ttl, ipID: ipID, headerLength: windowScale == nil ? 20 : 24)
        sent.append(ScenarioCapture.Segment(
            time: segment.timestamp, source: UInt32(segment.source.low), destination: UInt32(segment.destination.low),
            sourcePort: segment.sourcePort, destinationPort: segment.destinationPort, sequence: seq, acknowledgment: ack,
            flags: flags.rawValue, window: window, windowScale: windowScale, payloadLength: length, ipID: ipID, ttl: ttl))
        return tracker.process(segment)
    }

    /// SYN, SYN-ACK, ACK with ISNs 1000 (client) and 5000 (server), no window scaling.
    public mutating func handshake(at start: Double = 0) {
        send(true, .syn, seq: 1000, at: start)
        send(false, [.syn, .ack], seq: 5000, ack: 1001, at: start + 10)
        send(true, .ack, seq: 1001, ack: 5001, at: start + 11)
    }

    public func outcome(_ index: Int = 0) -> ConnectionOutcome {
        ConnectionOutcome(tracker.connections[index], tracker.direction(index, 0), tracker.direction(index, 1))
    }
}

