/// What the reports and the attribution read of one direction once its input has ended. The rest
/// of `DirectionState` (sequence tracking, the duplicate test's last segment, the unacked list)
/// only serves the next segment, so a finished tracker keeps `Kept` alone
/// (`TCPTracker.finishTracking`); a summary reads it on its connection's time scale, each time
/// when it is asked for (a reader of the byte count decodes no time).
@frozen
public struct DirectionSummary: Sendable {
    @usableFromInline let kept: Kept
    @usableFromInline let scale: TimeScale

    /// What a finished tracker keeps of a direction: 40 of `DirectionState`'s 104 bytes, its times
    /// in slots on the connection's scale (see `TimeSlot`).
    @frozen @usableFromInline
    struct Kept: Sendable {
        // (Fields in falling order of alignment.)
        @usableFromInline let payloadBytes: Int
        @usableFromInline let lastPayloadTime: TimeSlot
        @usableFromInline let finTime: TimeSlot
        @usableFromInline let firstPayloadTime: TimeSlot
        @usableFromInline let packets: UInt32
        @usableFromInline let retransmissions: UInt32
        @usableFromInline let baseSeq: UInt32
        @usableFromInline let ttlBaseline: UInt8
        @usableFromInline let flags: FlagByte

        init(_ state: DirectionState) {
            payloadBytes = state.payloadBytes
            lastPayloadTime = state.lastPayloadTime
            finTime = state.finTime
            firstPayloadTime = state.firstPayloadTime
            packets = UInt32(clamping: state.packets)
            retransmissions = UInt32(clamping: state.retransmissions)
            baseSeq = state.baseSeq
            ttlBaseline = state.ttlBaseline
            flags = state.flags
        }
    }

    /// What was kept of a direction whose connection's times are on `scale`.
    @inlinable
    init(_ kept: Kept, _ scale: TimeScale) {
        self.kept = kept
        self.scale = scale
    }

    /// A direction still tracked, whose connection's times are on `scale`.
    init(_ state: DirectionState, _ scale: TimeScale) { self.init(Kept(state), scale) }

    @inlinable public var payloadBytes: Int { kept.payloadBytes }
    /// Time of this side's last segment carrying payload, of its first FIN and of its first payload
    /// byte (0: none).
    @inlinable public var lastPayloadTime: Int64 { kept.lastPayloadTime.value(scale) }
    @inlinable public var finTime: Int64 { kept.finTime.value(scale) }
    @inlinable public var firstPayloadTime: Int64 { kept.firstPayloadTime.value(scale) }
    @inlinable public var packets: Int { Int(kept.packets) }
    @inlinable public var retransmissions: Int { Int(kept.retransmissions) }
    /// TTL (hop limit) of this side's first non-RST segment.
    @inlinable public var ttlBaseline: UInt8 { kept.ttlBaseline }
    @inlinable public var sawSYN: Bool { kept.flags[DirectionState.Flag.sawSYN] }
    @inlinable public var sawSYNACK: Bool { kept.flags[DirectionState.Flag.sawSYNACK] }
    @inlinable public var sawFIN: Bool { kept.flags[DirectionState.Flag.sawFIN] }
    @inlinable public var sawRST: Bool { kept.flags[DirectionState.Flag.sawRST] }
    /// The base sequence: tshark's second pass replays SYN-ACKs against it.
    @inlinable public var baseSequence: UInt32? { kept.flags[DirectionState.Flag.baseSet] ? kept.baseSeq : nil }
}
