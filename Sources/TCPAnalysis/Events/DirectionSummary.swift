/// What the reports and the attribution read of one direction once its input has ended: 48 of
/// `DirectionState`'s 104 bytes, its times whole. The rest (sequence tracking, the duplicate test's last segment,
/// the unacked list) only serves the next segment, so a finished tracker keeps this alone
/// (`TCPTracker.finishTracking`).
public struct DirectionSummary: Sendable {
    // (Fields in falling order of alignment.)
    public let payloadBytes: Int
    /// Time of this side's last segment carrying payload, of its first FIN and of its first payload
    /// byte (0: none).
    public let lastPayloadTime: Int64
    public let finTime: Int64
    public let firstPayloadTime: Int64
    @Count32 public private(set) var packets: Int
    @Count32 public private(set) var retransmissions: Int
    /// The base sequence (see `baseSequence`): tshark's second pass replays SYN-ACKs against it.
    let baseSeq: UInt32
    /// TTL (hop limit) of this side's first non-RST segment.
    public let ttlBaseline: UInt8
    /// `DirectionState`'s flag byte as it was (read with its bits).
    private let flags: FlagByte

    /// `state`, whose times are on `scale` (its connection's).
    init(_ state: DirectionState, _ scale: TimeScale) {
        payloadBytes = state.payloadBytes
        lastPayloadTime = state.lastPayloadTime.value(scale)
        finTime = state.finTime.value(scale)
        firstPayloadTime = state.firstPayloadTime.value(scale)
        packets = state.packets
        retransmissions = state.retransmissions
        baseSeq = state.baseSeq
        ttlBaseline = state.ttlBaseline
        flags = state.flags
    }

    public var sawSYN: Bool { flags[DirectionState.Flag.sawSYN] }
    public var sawSYNACK: Bool { flags[DirectionState.Flag.sawSYNACK] }
    public var sawFIN: Bool { flags[DirectionState.Flag.sawFIN] }
    public var sawRST: Bool { flags[DirectionState.Flag.sawRST] }
    public var baseSequence: UInt32? { flags[DirectionState.Flag.baseSet] ? baseSeq : nil }
}
