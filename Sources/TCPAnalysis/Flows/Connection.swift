/// How the client (the side that opened the connection) was told apart.
public enum RoleBasis: String, Sendable {
    /// It sent the pure SYN.
    case syn
    /// The other side sent the SYN-ACK.
    case synack
    /// No handshake seen: the side on the higher, ephemeral port is the client.
    case port
    /// No handshake and no port hint: the side that sent first.
    case firstData = "first_data"
}

/// One TCP conversation as Wireshark numbers it (`tcp.stream`), with the per-side state of the
/// analysis and what the report needs. Plain struct in a flat array: no class per connection.
public struct Connection: Sendable {
    public let key: FlowKey
    public internal(set) var stream: Int
    public internal(set) var firstFrame: Int
    public internal(set) var lastFrame: Int
    public internal(set) var firstTime: Int64
    public internal(set) var lastTime: Int64
    /// The side (0 or 1 of `key`) that sent the first segment.
    public internal(set) var firstSender: Int8
    /// Time of the most recent pure SYN in either direction (`ts_mru_syn`); nil before any.
    var mostRecentSYNTime: Int64?
    /// 4.0.17's initial RTT (`ts_first_rtt`): from the last pure SYN to the first ACK-class segment;
    /// 0 while unknown, as Wireshark treats it.
    public internal(set) var initialRTT: Int64 = 0
    /// The first pure SYN, the first SYN-ACK after it, and the first ACK-class segment after that.
    public internal(set) var synTime: Int64?
    public internal(set) var synAckTime: Int64?
    public internal(set) var handshakeAckTime: Int64?
    /// Zeek-style history letters, in order of first appearance.
    public internal(set) var history = HistoryLog()
    /// The side that sent the first pure SYN, and the first SYN-ACK.
    public internal(set) var synSender: Int?
    public internal(set) var synAckSender: Int?
    /// The side that sent the first RST (counted as Wireshark shows the flag) and the first FIN.
    public internal(set) var firstRSTSide: Int8?
    public internal(set) var firstFINSide: Int8?
    /// The frame and time of the first RST.
    public internal(set) var firstRSTFrame: Int?
    /// Time between the last segment before the connection's first RST or FIN and that segment:
    /// how long the connection sat idle before it was torn down.
    public internal(set) var idleBeforeEnd: Int64?
    /// Server response time: from the client's last request byte to the server's first response
    /// byte, per exchange (count, sum and maximum).
    public internal(set) var responses = 0
    public internal(set) var responseTimeTotal: Int64 = 0
    public internal(set) var responseTimeMax: Int64 = 0
    /// Which side sent the most recent payload, and when the current request's last byte was seen.
    var lastPayloadSide: Int8 = -1
    var requestEndTime: Int64 = 0
    /// False once the slot was freed by idle eviction (live capture).
    public internal(set) var isLive = true
    /// False for a conversation only ICMP errors quoted (Wireshark numbers it, but it has no frame).
    public internal(set) var hasTCPFrames = false
    /// Loss signals (retransmissions, lost segments, duplicate ACKs), the last one's time, and
    /// whether a zero window was advertised.
    public internal(set) var lossEvents = 0
    public internal(set) var lastLossTime: Int64 = 0
    public internal(set) var zeroWindowSeen = false
    /// When the client acknowledged the SYN-ACK.
    public internal(set) var establishedTime: Int64?
    /// The previous segment: its side, and whether it was a pure SYN (and flagged reused_ports).
    var lastSegmentSide: Int8 = -1
    var lastSegmentPureSYN = false
    var lastSYNReused = false
    /// When each request began: client payload after server payload, or the first client payload
    /// (the last four; `requestCount` counts them all). Lets a proxy's back legs be matched to the
    /// request that caused them.
    public internal(set) var requestStarts: (Int64, Int64, Int64, Int64) = (0, 0, 0, 0)
    public internal(set) var requestCount = 0
    public var recentRequestStarts: [Int64] {
        let all = [requestStarts.0, requestStarts.1, requestStarts.2, requestStarts.3]
        return Array(all.prefix(min(requestCount, 4)))
    }
    /// When the response to each of those requests began (server payload after the request), 0 if none.
    public internal(set) var responseStarts: (Int64, Int64, Int64, Int64) = (0, 0, 0, 0)
    public var recentResponseStarts: [Int64] {
        let all = [responseStarts.0, responseStarts.1, responseStarts.2, responseStarts.3]
        return Array(all.prefix(min(requestCount, 4)))
    }
    mutating func recordResponseStart(_ time: Int64) {
        guard requestCount > 0 else { return }
        switch (requestCount - 1) % 4 {
        case 0: if responseStarts.0 == 0 { responseStarts.0 = time }
        case 1: if responseStarts.1 == 0 { responseStarts.1 = time }
        case 2: if responseStarts.2 == 0 { responseStarts.2 = time }
        default: if responseStarts.3 == 0 { responseStarts.3 = time }
        }
    }
    mutating func recordRequestStart(_ time: Int64) {
        switch requestCount % 4 {
        case 0: requestStarts.0 = time; responseStarts.0 = 0
        case 1: requestStarts.1 = time; responseStarts.1 = 0
        case 2: requestStarts.2 = time; responseStarts.2 = 0
        default: requestStarts.3 = time; responseStarts.3 = 0
        }
        requestCount += 1
    }
    /// ICMP errors quoting this connection (unreachable, time exceeded...), and the last one's frame.
    public internal(set) var icmpErrors = 0
    public internal(set) var lastICMPErrorFrame = 0
    /// Segments flagged as copies of the one before them (SPAN ports, -i any).
    public internal(set) var duplicates = 0

    init(key: FlowKey, stream: Int, frame: Int, time: Int64, firstSender: Int) {
        self.key = key
        self.stream = stream
        firstFrame = frame
        lastFrame = frame
        firstTime = time
        lastTime = time
        self.firstSender = Int8(firstSender)
    }
}
