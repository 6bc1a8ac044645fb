/// What the reports and the attribution read of one direction once its input has ended, its times
/// whole. The rest of `DirectionState` (sequence tracking, the duplicate test's last segment, the
/// unacked list) only serves the next segment, so a finished tracker keeps `Kept` alone
/// (`TCPTracker.finishTracking`), and a summary is read from it and its connection's time scale.
public struct DirectionSummary: Sendable {
    public let payloadBytes: Int
    /// Time of this side's last segment carrying payload, of its first FIN and of its first payload
    /// byte (0: none).
    public let lastPayloadTime: Int64
    public let finTime: Int64
    public let firstPayloadTime: Int64
    public let packets: Int
    public let retransmissions: Int
    /// The base sequence (see `baseSequence`): tshark's second pass replays SYN-ACKs against it.
    let baseSeq: UInt32
    /// TTL (hop limit) of this side's first non-RST segment.
    public let ttlBaseline: UInt8
    /// `DirectionState`'s flag byte as it was (read with its bits).
    private let flags: FlagByte

    /// What a finished tracker keeps of a direction: 40 of `DirectionState`'s 104 bytes, its times
    /// in slots on the connection's scale (see `TimeSlot`).
    struct Kept: Sendable {
        // (Fields in falling order of alignment.)
        let payloadBytes: Int
        let lastPayloadTime: TimeSlot
        let finTime: TimeSlot
        let firstPayloadTime: TimeSlot
        @Count32 private(set) var packets: Int
        @Count32 private(set) var retransmissions: Int
        let baseSeq: UInt32
        let ttlBaseline: UInt8
        let flags: FlagByte

        init(_ state: DirectionState) {
            payloadBytes = state.payloadBytes
            lastPayloadTime = state.lastPayloadTime
            finTime = state.finTime
            firstPayloadTime = state.firstPayloadTime
            packets = state.packets
            retransmissions = state.retransmissions
            baseSeq = state.baseSeq
            ttlBaseline = state.ttlBaseline
            flags = state.flags
        }
    }

    /// What was kept of a direction whose connection's times are on `scale`.
    init(_ kept: Kept, _ scale: TimeScale) {
        payloadBytes = kept.payloadBytes
        lastPayloadTime = kept.lastPayloadTime.value(scale)
        finTime = kept.finTime.value(scale)
        firstPayloadTime = kept.firstPayloadTime.value(scale)
        packets = kept.packets
        retransmissions = kept.retransmissions
        baseSeq = kept.baseSeq
        ttlBaseline = kept.ttlBaseline
        flags = kept.flags
    }

    /// A direction still tracked, whose connection's times are on `scale`.
    init(_ state: DirectionState, _ scale: TimeScale) { self.init(Kept(state), scale) }

    public var sawSYN: Bool { flags[DirectionState.Flag.sawSYN] }
    public var sawSYNACK: Bool { flags[DirectionState.Flag.sawSYNACK] }
    public var sawFIN: Bool { flags[DirectionState.Flag.sawFIN] }
    public var sawRST: Bool { flags[DirectionState.Flag.sawRST] }
    public var baseSequence: UInt32? { flags[DirectionState.Flag.baseSet] ? baseSeq : nil }
}
