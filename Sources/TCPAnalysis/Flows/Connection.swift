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
/// 32 bits, sides one byte, flags one bit (see `CompactFields`), times but the first 32 bits (see
/// `TimeSlot`): 192 bytes, three cache lines.
public struct Connection: Sendable {
    public let key: FlowKey
    /// The time of the first packet, whole: the other times are 32-bit offsets from it (`TimeSlot`).
    public private(set) var firstTime: Int64
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
    // The times (see the accessors below).
    @usableFromInline var lastTimeSlot: TimeSlot
    @usableFromInline var initialRTTSlot: TimeSlot
    @usableFromInline var mostRecentSYNSlot = TimeSlot.empty
    @usableFromInline var synSlot = TimeSlot.empty
    @usableFromInline var synAckSlot = TimeSlot.empty
    @usableFromInline var handshakeAckSlot = TimeSlot.empty
    @usableFromInline var establishedSlot = TimeSlot.empty
    @usableFromInline var idleBeforeEndSlot = TimeSlot.empty
    @usableFromInline var requestEndSlot: TimeSlot
    @usableFromInline var lastLossSlot: TimeSlot
    @usableFromInline var responseTotalSlot: TimeSlot
    @usableFromInline var responseMaxSlot: TimeSlot
    /// When each request began: client payload after server payload, or the first client payload
    /// (the last four; `requestCount` counts them all), and when the response to each began
    /// (server payload after the request; 0: none). Lets a proxy's back legs be matched to the
    /// request that caused them.
    @usableFromInline var requestSlots: (TimeSlot, TimeSlot, TimeSlot, TimeSlot)
    @usableFromInline var responseSlots: (TimeSlot, TimeSlot, TimeSlot, TimeSlot)
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
    @usableFromInline var flags = FlagByte(Flag.isLive)
    /// Zeek-style history letters, in order of first appearance.
    public internal(set) var history = HistoryLog()

    @usableFromInline enum Flag {
        @usableFromInline static let isLive: UInt8 = 1
        @usableFromInline static let hasTCPFrames: UInt8 = 2
        @usableFromInline static let zeroWindowSeen: UInt8 = 4
        @usableFromInline static let lastSegmentPureSYN: UInt8 = 8
        @usableFromInline static let lastSYNReused: UInt8 = 16
        /// The time slots count nanoseconds (the first time was no whole microsecond).
        @usableFromInline static let nanosecondClock: UInt8 = 32
    }

    init(key: FlowKey, stream: Int, frame: Int, time: Int64, firstSender: Int) {
        self.key = key
        self.stream = stream
        firstFrame = frame
        lastFrame = frame
        firstTime = time
        self.firstSender = Int8(firstSender)
        if TimeScale.nanoseconds(for: time) { flags[Flag.nanosecondClock] = true }
        let scale = TimeScale(base: time, nanoseconds: flags[Flag.nanosecondClock])
        let zero = TimeSlot(0, scale)
        lastTimeSlot = TimeSlot(time, scale)
        initialRTTSlot = zero
        requestEndSlot = zero
        lastLossSlot = zero
        responseTotalSlot = zero
        responseMaxSlot = zero
        requestSlots = (zero, zero, zero, zero)
        responseSlots = (zero, zero, zero, zero)
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
        let slots: (TimeSlot, TimeSlot)
        switch k {
        case 0: slots = (requestSlots.0, responseSlots.0)
        case 1: slots = (requestSlots.1, responseSlots.1)
        case 2: slots = (requestSlots.2, responseSlots.2)
        default: slots = (requestSlots.3, responseSlots.3)
        }
        return (slots.0.value(timeScale), slots.1.value(timeScale))
    }

    mutating func recordResponseStart(_ time: Int64) {
        guard requestCount > 0 else { return }
        let scale = timeScale
        func record(_ slot: inout TimeSlot) { if slot.isZero { slot.set(time, scale) } }
        switch (requestCount - 1) % 4 {
        case 0: record(&responseSlots.0)
        case 1: record(&responseSlots.1)
        case 2: record(&responseSlots.2)
        default: record(&responseSlots.3)
        }
    }
    mutating func recordRequestStart(_ time: Int64) {
        let scale = timeScale
        func record(_ request: inout TimeSlot, _ response: inout TimeSlot) {
            request.set(time, scale)
            response.set(0, scale)
        }
        switch requestCount % 4 {
        case 0: record(&requestSlots.0, &responseSlots.0)
        case 1: record(&requestSlots.1, &responseSlots.1)
        case 2: record(&requestSlots.2, &responseSlots.2)
        default: record(&requestSlots.3, &responseSlots.3)
        }
        requestCount += 1
    }

    // MARK: Times

    /// The scale of the absolute times' slots (the directions' too), and of the durations'.
    @inlinable @inline(__always)
    public var timeScale: TimeScale { TimeScale(base: firstTime, nanoseconds: flags[Flag.nanosecondClock]) }
    @inlinable @inline(__always) var durationScale: TimeScale { timeScale.durations }

    /// The slots of absolute times (offsets from `firstTime`), for `restart`.
    private static var absoluteSlots: [WritableKeyPath<Connection, TimeSlot>] { [
        \.lastTimeSlot, \.mostRecentSYNSlot, \.synSlot, \.synAckSlot, \.handshakeAckSlot, \.establishedSlot,
        \.requestEndSlot, \.lastLossSlot, \.requestSlots.0, \.requestSlots.1, \.requestSlots.2, \.requestSlots.3,
        \.responseSlots.0, \.responseSlots.1, \.responseSlots.2, \.responseSlots.3,
    ] }

    /// Moves the first time (a conversation ICMP errors opened gets its first TCP frame): the
    /// absolute times are kept, as offsets from the new one (the directions' are the tracker's to
    /// move). Rare: the key paths are slow.
    mutating func restart(at time: Int64) {
        let old = timeScale
        firstTime = time
        for path in Self.absoluteSlots { self[keyPath: path] = self[keyPath: path].rescaled(from: old, to: timeScale) }
    }

    /// `lastTime` from a stamp on `timeScale`.
    @inline(__always) mutating func setLastTime(_ stamp: SlotStamp) { lastTimeSlot.set(stamp) }
    /// `requestEndTime` from a stamp on `timeScale`.
    @inline(__always) mutating func setRequestEndTime(_ stamp: SlotStamp) { requestEndSlot.set(stamp) }

    /// When the last packet was seen.
    public internal(set) var lastTime: Int64 {
        @inlinable @inline(__always) get { lastTimeSlot.value(timeScale) }
        @inline(__always) set { lastTimeSlot.set(newValue, timeScale) }
    }
    /// 4.0.17's initial RTT (`ts_first_rtt`): from the last pure SYN to the first ACK-class segment;
    /// 0 while unknown, as Wireshark treats it.
    public internal(set) var initialRTT: Int64 {
        @inlinable @inline(__always) get { initialRTTSlot.value(durationScale) }
        @inline(__always) set { initialRTTSlot.set(newValue, durationScale) }
    }
    /// Time of the most recent pure SYN in either direction (`ts_mru_syn`); nil before any.
    var mostRecentSYNTime: Int64? {
        @inlinable @inline(__always) get { mostRecentSYNSlot.get(timeScale) }
        @inline(__always) set { mostRecentSYNSlot.set(newValue, timeScale) }
    }
    /// The first pure SYN, the first SYN-ACK after it, and the first ACK-class segment after that.
    public internal(set) var synTime: Int64? {
        @inlinable @inline(__always) get { synSlot.get(timeScale) }
        @inline(__always) set { synSlot.set(newValue, timeScale) }
    }
    public internal(set) var synAckTime: Int64? {
        @inlinable @inline(__always) get { synAckSlot.get(timeScale) }
        @inline(__always) set { synAckSlot.set(newValue, timeScale) }
    }
    public internal(set) var handshakeAckTime: Int64? {
        @inlinable @inline(__always) get { handshakeAckSlot.get(timeScale) }
        @inline(__always) set { handshakeAckSlot.set(newValue, timeScale) }
    }
    /// When the client acknowledged the SYN-ACK.
    public internal(set) var establishedTime: Int64? {
        @inlinable @inline(__always) get { establishedSlot.get(timeScale) }
        @inline(__always) set { establishedSlot.set(newValue, timeScale) }
    }
    /// Time between the last segment before the connection's first RST or FIN and that segment:
    /// how long the connection sat idle before it was torn down.
    public internal(set) var idleBeforeEnd: Int64? {
        @inlinable @inline(__always) get { idleBeforeEndSlot.get(durationScale) }
        @inline(__always) set { idleBeforeEndSlot.set(newValue, durationScale) }
    }
    /// When the current request's last byte was seen.
    var requestEndTime: Int64 {
        @inlinable @inline(__always) get { requestEndSlot.value(timeScale) }
        @inline(__always) set { requestEndSlot.set(newValue, timeScale) }
    }
    public internal(set) var lastLossTime: Int64 {
        @inlinable @inline(__always) get { lastLossSlot.value(timeScale) }
        @inline(__always) set { lastLossSlot.set(newValue, timeScale) }
    }
    public internal(set) var responseTimeTotal: Int64 {
        @inlinable @inline(__always) get { responseTotalSlot.value(durationScale) }
        @inline(__always) set { responseTotalSlot.set(newValue, durationScale) }
    }
    public internal(set) var responseTimeMax: Int64 {
        @inlinable @inline(__always) get { responseMaxSlot.value(durationScale) }
        @inline(__always) set { responseMaxSlot.set(newValue, durationScale) }
    }
}
