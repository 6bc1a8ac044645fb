/// One direction of a connection: Wireshark's per-flow analysis state (`tcp_flow_t`), then our
/// bookkeeping for the report and the attribution. 104 bytes: flags are bits, counters 32-bit (see
/// `CompactFields`), times 32-bit slots on the connection's scale (`Connection.timeScale`, see
/// `TimeSlot`), in falling order of alignment (no padding).
public struct DirectionState: Sendable {
    public internal(set) var payloadBytes = 0

    // Wireshark's analysis.
    /// When `nextSeq` last advanced, and when `lastAck` was taken (the out-of-order and fast
    /// retransmission rules' clocks).
    var nextSeqTime = TimeSlot.zeroTime
    var lastAckTime = TimeSlot.zeroTime
    // Base sequence (relative numbering, port-reuse test).
    var baseSeq: UInt32 = 0
    public internal(set) var nextSeq: UInt32 = 0
    var maxSeqToBeAcked: UInt32 = 0
    /// The raw ACK field of this side's last analysed segment (ACK bit or not).
    public internal(set) var lastAck: UInt32 = 0
    /// The last raw window this side advertised (0xFFFFFFFF before any).
    var window: UInt32 = 0xFFFF_FFFF
    /// Unsigned, and 0xFFFFFFFF stands for Wireshark's "-1" (set by the peer's ACK of unseen data).
    var dupAckNum: UInt32 = 0
    /// The frame of this side's last segment that changed its ACK (`lastnondupack`).
    @Count32 var lastNonDupAck = 0
    /// Head of this side's list of unacknowledged segments in the shared pool (newest first), -1 if none.
    var unackedHead: Int32 = -1
    var unackedCount: Int32 = 0

    // The last segment's identity, to recognize a duplicated packet.
    var lastSeq: UInt32 = 0
    var lastAckField: UInt32 = 0
    var lastLength: Int32 = -1

    // Connection bookkeeping (not Wireshark's analysis).
    @Count32 public internal(set) var packets = 0
    @Count32 public internal(set) var retransmissions = 0
    /// Time of this side's last segment carrying payload, and of its last segment.
    var lastPayloadTime = TimeSlot.zeroTime
    var lastTime = TimeSlot.zeroTime
    /// When this side sent its first FIN (0: not yet).
    var finTime = TimeSlot.zeroTime
    /// When this side sent its first payload byte (0: never).
    var firstPayloadTime = TimeSlot.zeroTime

    /// Analysis flags of this side's last analysed segment.
    var lastSegmentFlags = AnalysisFlags()
    /// Zeek history letters already recorded for this side (bit per letter).
    var historySeen: UInt16 = 0
    var lastIPID: UInt16 = 0
    var lastFlags: UInt16 = 0
    /// IP ID of this side's last non-RST segment (IPv4), 0 when none.
    var lastNonRSTIPID: UInt16 = 0
    /// Window scale shift: 0...14, -1 unknown, -2 no scaling in use.
    var windowScale: Int8 = -1
    /// (Read by `DirectionSummary` too, which keeps the byte as it is.)
    private(set) var flags = FlagByte()
    /// TTL (hop limit) of this side's first non-RST segment: the baseline a RST is held against.
    public internal(set) var ttlBaseline: UInt8 = 0

    init() {}

    /// Keeps every time, as an offset on `new` (the connection's first time moved).
    mutating func rescale(from old: TimeScale, to new: TimeScale) {
        for path in [\DirectionState.nextSeqTime, \.lastAckTime, \.lastPayloadTime, \.lastTime, \.finTime, \.firstPayloadTime] {
            self[keyPath: path] = self[keyPath: path].rescaled(from: old, to: new)
        }
    }

    @usableFromInline enum Flag {
        @usableFromInline static let baseSet: UInt8 = 1
        @usableFromInline static let isFirstAck: UInt8 = 2
        @usableFromInline static let sawSYN: UInt8 = 4
        @usableFromInline static let sawSYNACK: UInt8 = 8
        @usableFromInline static let sawFIN: UInt8 = 16
        @usableFromInline static let sawRST: UInt8 = 32
        @usableFromInline static let lastPayloadPushed: UInt8 = 64
        @usableFromInline static let payloadAfterPeerFIN: UInt8 = 128
    }

    var baseSet: Bool {
        get { flags[Flag.baseSet] }
        set { flags[Flag.baseSet] = newValue }
    }
    /// Set by this side's SYN, cleared by its first ACK-class segment.
    var isFirstAck: Bool {
        get { flags[Flag.isFirstAck] }
        set { flags[Flag.isFirstAck] = newValue }
    }
    public internal(set) var sawSYN: Bool {
        get { flags[Flag.sawSYN] }
        set { flags[Flag.sawSYN] = newValue }
    }
    public internal(set) var sawSYNACK: Bool {
        get { flags[Flag.sawSYNACK] }
        set { flags[Flag.sawSYNACK] = newValue }
    }
    public internal(set) var sawFIN: Bool {
        get { flags[Flag.sawFIN] }
        set { flags[Flag.sawFIN] = newValue }
    }
    public internal(set) var sawRST: Bool {
        get { flags[Flag.sawRST] }
        set { flags[Flag.sawRST] = newValue }
    }
    /// This side's last payload segment carried PSH.
    var lastPayloadPushed: Bool {
        get { flags[Flag.lastPayloadPushed] }
        set { flags[Flag.lastPayloadPushed] = newValue }
    }
    /// This side sent payload after the peer's FIN.
    var payloadAfterPeerFIN: Bool {
        get { flags[Flag.payloadAfterPeerFIN] }
        set { flags[Flag.payloadAfterPeerFIN] = newValue }
    }

    public var baseSequence: UInt32? { baseSet ? baseSeq : nil }
}
