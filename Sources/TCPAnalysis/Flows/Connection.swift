/// How the client (the side that opened the connection) was told apart.
public enum RoleBasis: String, Sendable, CaseIterable {
    /// It sent the pure SYN.
    case syn
    /// The other side sent the SYN-ACK.
    case synack
    /// No handshake seen: the side on the higher, ephemeral port is the client.
    case port
    /// No handshake and no port hint: the side that sent first.
    case firstData = "first_data"
}

/// One TCP conversation as Wireshark numbers it (`tcp.stream`), with what the report needs. Plain
/// struct in a flat store: no class per connection.
///
/// Kept compact (one record per connection, for the whole input): frame numbers and counters take
/// 32 bits, sides one byte, optional times eight (see `CompactFields`), flags one bit.
public struct Connection: Sendable {
    public let key: FlowKey
    public internal(set) var firstTime: Int64
    public internal(set) var lastTime: Int64
    @Count32 public internal(set) var stream: Int
    @Count32 public internal(set) var firstFrame: Int
    @Count32 public internal(set) var lastFrame: Int
    /// Loss signals (retransmissions, lost segments, duplicate ACKs), the last one's time, and
    /// whether a zero window was advertised.
    @Count32 public internal(set) var lossEvents = 0
    /// Segments flagged as copies of the one before them (SPAN ports, -i any).
    @Count32 public internal(set) var duplicates = 0
    /// Server response time: from the client's last request byte to the server's first response
    /// byte, per exchange (count, sum and maximum).
    @Count32 public internal(set) var responses = 0
    @Count32 public internal(set) var requestCount = 0
    /// ICMP errors quoting this connection (unreachable, time exceeded...), and the last one's frame.
    @Count32 public internal(set) var icmpErrors = 0
    @Count32 public internal(set) var lastICMPErrorFrame = 0
    /// The frame of the first RST (0: none).
    @Count32 private var firstRSTFrameNumber = 0
    /// The side (0 or 1 of `key`) that sent the first segment.
    public internal(set) var firstSender: Int8
    /// The side that sent the first pure SYN, and the first SYN-ACK.
    @OptionalSide public internal(set) var synSender: Int? = nil
    @OptionalSide public internal(set) var synAckSender: Int? = nil
    /// The side that sent the first RST (counted as Wireshark shows the flag) and the first FIN.
    @OptionalSide public internal(set) var firstRSTSide: Int8? = nil
    @OptionalSide public internal(set) var firstFINSide: Int8? = nil
    /// Which side sent the most recent payload, and the previous segment's side (-1: none).
    var lastPayloadSide: Int8 = -1
    var lastSegmentSide: Int8 = -1
    private var flags = FlagByte(Flag.isLive)
    /// 4.0.17's initial RTT (`ts_first_rtt`): from the last pure SYN to the first ACK-class segment;
    /// 0 while unknown, as Wireshark treats it.
    public internal(set) var initialRTT: Int64 = 0
    /// Time of the most recent pure SYN in either direction (`ts_mru_syn`); nil before any.
    @OptionalTime var mostRecentSYNTime: Int64? = nil
    /// The first pure SYN, the first SYN-ACK after it, and the first ACK-class segment after that.
    @OptionalTime public internal(set) var synTime: Int64? = nil
    @OptionalTime public internal(set) var synAckTime: Int64? = nil
    @OptionalTime public internal(set) var handshakeAckTime: Int64? = nil
    /// When the client acknowledged the SYN-ACK.
    @OptionalTime public internal(set) var establishedTime: Int64? = nil
    /// Time between the last segment before the connection's first RST or FIN and that segment:
    /// how long the connection sat idle before it was torn down.
    @OptionalTime public internal(set) var idleBeforeEnd: Int64? = nil
    /// When the current request's last byte was seen.
    var requestEndTime: Int64 = 0
    public internal(set) var lastLossTime: Int64 = 0
    public internal(set) var responseTimeTotal: Int64 = 0
    public internal(set) var responseTimeMax: Int64 = 0
    /// Zeek-style history letters, in order of first appearance.
    public internal(set) var history = HistoryLog()
    /// When each request began: client payload after server payload, or the first client payload
    /// (the last four; `requestCount` counts them all). Lets a proxy's back legs be matched to the
    /// request that caused them.
    public internal(set) var requestStarts: (Int64, Int64, Int64, Int64) = (0, 0, 0, 0)
    /// When the response to each of those requests began (server payload after the request), 0 if none.
    public internal(set) var responseStarts: (Int64, Int64, Int64, Int64) = (0, 0, 0, 0)

    private enum Flag {
        static let isLive: UInt8 = 1
        static let hasTCPFrames: UInt8 = 2
        static let zeroWindowSeen: UInt8 = 4
        static let lastSegmentPureSYN: UInt8 = 8
        static let lastSYNReused: UInt8 = 16
    }

    init(key: FlowKey, stream: Int, frame: Int, time: Int64, firstSender: Int) {
        self.key = key
        self.stream = stream
        firstFrame = frame
        lastFrame = frame
        firstTime = time
        lastTime = time
        self.firstSender = Int8(firstSender)
    }

    /// The frame of the first RST.
    public internal(set) var firstRSTFrame: Int? {
        get { firstRSTFrameNumber == 0 ? nil : firstRSTFrameNumber }
        set { firstRSTFrameNumber = newValue ?? 0 }
    }
    /// False once the slot was freed by idle eviction (live capture).
    public internal(set) var isLive: Bool {
        get { flags[Flag.isLive] }
        set { flags[Flag.isLive] = newValue }
    }
    /// False for a conversation only ICMP errors quoted (Wireshark numbers it, but it has no frame).
    public internal(set) var hasTCPFrames: Bool {
        get { flags[Flag.hasTCPFrames] }
        set { flags[Flag.hasTCPFrames] = newValue }
    }
    public internal(set) var zeroWindowSeen: Bool {
        get { flags[Flag.zeroWindowSeen] }
        set { flags[Flag.zeroWindowSeen] = newValue }
    }
    /// The previous segment was a pure SYN (and flagged reused_ports).
    var lastSegmentPureSYN: Bool {
        get { flags[Flag.lastSegmentPureSYN] }
        set { flags[Flag.lastSegmentPureSYN] = newValue }
    }
    var lastSYNReused: Bool {
        get { flags[Flag.lastSYNReused] }
        set { flags[Flag.lastSYNReused] = newValue }
    }

    /// How many requests `recentRequest` holds (the last four at most).
    public var recentRequestCount: Int { min(requestCount, 4) }
    /// The `k`-th kept request's start and its response's (0: none), without an array.
    public func recentRequest(_ k: Int) -> (start: Int64, response: Int64) {
        switch k {
        case 0: return (requestStarts.0, responseStarts.0)
        case 1: return (requestStarts.1, responseStarts.1)
        case 2: return (requestStarts.2, responseStarts.2)
        default: return (requestStarts.3, responseStarts.3)
        }
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
}
