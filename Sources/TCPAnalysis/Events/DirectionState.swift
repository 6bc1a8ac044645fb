/// What one side of a connection has sent, as 4.0.17's analysis keeps it (`tcp_flow_t` and its
/// `tcp_analyze_seq_flow_info_t`). Raw sequence numbers; 0 means "unset" where Wireshark's does.
public struct DirectionState: Sendable {
    // Base sequence (relative numbering, port-reuse test).
    var baseSeq: UInt32 = 0
    var baseSet = false
    /// Window scale shift: 0...14, -1 unknown, -2 no scaling in use.
    var windowScale: Int8 = -1
    /// The last raw window this side advertised (0xFFFFFFFF before any).
    var window: UInt32 = 0xFFFF_FFFF
    /// Set by this side's SYN, cleared by its first ACK-class segment.
    var isFirstAck = false
    /// Analysis flags of this side's last analysed segment.
    var lastSegmentFlags = AnalysisFlags()
    public internal(set) var nextSeq: UInt32 = 0
    var nextSeqFrame = 0
    var nextSeqTime: Int64 = 0
    var maxSeqToBeAcked: UInt32 = 0
    /// The raw ACK field of this side's last analysed segment (ACK bit or not).
    public internal(set) var lastAck: UInt32 = 0
    var lastAckTime: Int64 = 0
    var lastNonDupAck = 0
    /// Unsigned, and 0xFFFFFFFF stands for Wireshark's "-1" (set by the peer's ACK of unseen data).
    var dupAckNum: UInt32 = 0
    /// Head of this side's list of unacknowledged segments in the shared pool (newest first), -1 if none.
    var unackedHead: Int32 = -1
    var unackedCount: Int32 = 0

    // Connection bookkeeping (not Wireshark's analysis).
    public var baseSequence: UInt32? { baseSet ? baseSeq : nil }
    public internal(set) var packets = 0
    public internal(set) var payloadBytes = 0
    public internal(set) var retransmissions = 0
    public internal(set) var sawSYN = false
    public internal(set) var sawSYNACK = false
    public internal(set) var sawFIN = false
    public internal(set) var sawRST = false
    var firstSYNTime: Int64 = 0
    /// Zeek history letters already recorded for this side (bit per letter).
    var historySeen: UInt32 = 0
    /// Time of this side's last segment carrying payload, and of its last segment.
    public internal(set) var lastPayloadTime: Int64 = 0
    public internal(set) var lastTime: Int64 = 0
    /// TTL (hop limit) of this side's first non-RST segment: the baseline a RST is held against.
    public internal(set) var ttlBaseline: UInt8 = 0
    /// IP ID of this side's last non-RST segment (IPv4), 0 when none.
    var lastNonRSTIPID: UInt16 = 0
    /// When this side sent its first FIN (0: not yet).
    public internal(set) var finTime: Int64 = 0
    /// When this side sent its first payload byte (0: never).
    public internal(set) var firstPayloadTime: Int64 = 0
    /// This side's last payload segment carried PSH.
    var lastPayloadPushed = false
    /// This side sent payload after the peer's FIN.
    var payloadAfterPeerFIN = false
    /// The last segment's identity, to recognize a duplicated packet.
    var lastIPID: UInt16 = 0
    var lastSeq: UInt32 = 0
    var lastAckField: UInt32 = 0
    var lastLength: Int32 = -1
    var lastFlags: UInt16 = 0

    init() {}
}
