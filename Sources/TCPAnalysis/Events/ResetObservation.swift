/// What the tracker knew when a RST arrived: the RST's own fields and the state of its connection
/// at that moment. The attribution stage judges resets from these (one per RST frame), never from
/// packets it no longer has. Kept compact (one per RST of the whole input; 136 bytes, 176 with
/// whole times and a byte per flag): counts, frames and indices in 32 bits, times in slots on the
/// connection's scale (see `TimeSlot`), flags and the presence of optional fields in bits.
@frozen
public struct ResetObservation: Sendable {
    // (Stored in falling order of alignment; read through the properties below.)
    @usableFromInline let scaleBase: Int64
    /// Printable text carried in the RST (RFC 9293 allows a diagnostic payload).
    public let payloadText: String?
    /// Payload bytes each side sent so far (by side of the connection's key).
    public let payloadBytes: (Int, Int)
    @usableFromInline let timestampSlot, finSlot0, finSlot1, lastPayloadSlot, lastLossSlot, establishedSlot: TimeSlot
    @usableFromInline let idleBeforeSlot, peerSilenceSlot: TimeSlot
    @Count32 public private(set) var frame: Int
    @Count32 public internal(set) var connection: Int
    @Count32 public internal(set) var stream: Int
    /// The side (0 or 1 of the connection's key) the RST claims to come from.
    @Count32 public private(set) var senderSide: Int
    /// The sender's own earlier segments on this connection.
    @Count32 public private(set) var senderPackets: Int
    /// Loss signals on the connection (retransmissions, lost segments, duplicate ACKs).
    @Count32 public private(set) var lossEvents: Int
    public let sequence: UInt32
    public let acknowledgment: UInt32
    /// The next sequence number expected from the sender (0: nothing seen).
    public let senderNextSeq: UInt32
    /// The next sequence number expected from the receiver: a RST acknowledging it leaves no data unread.
    public let receiverNextSeq: UInt32
    public let receiverWindow: UInt32
    @usableFromInline let receiverAckValue: UInt32
    public let window: UInt16
    public let ipID: UInt16
    /// IP ID of the receiver's last segment (IPv4), 0 when none: an injector answering a packet
    /// sometimes copies its IP ID.
    public let receiverLastIPID: UInt16
    @usableFromInline let senderLastIPIDValue: UInt16
    @usableFromInline let flags: UInt16
    public let ttl: UInt8
    @usableFromInline let senderTTLBaselineValue: UInt8
    public let receiverWindowScale: Int8
    @OptionalSide public private(set) var synSender: Int?
    @OptionalSide public private(set) var lastPayloadSide: Int?

    @usableFromInline enum Flag {
        @usableFromInline static let hasAck: UInt16 = 1 << 0
        @usableFromInline static let isIPv6: UInt16 = 1 << 1
        @usableFromInline static let checksumBad: UInt16 = 1 << 2
        @usableFromInline static let isDuplicate: UInt16 = 1 << 3
        @usableFromInline static let answersSYN: UInt16 = 1 << 4
        @usableFromInline static let answersReusedSYN: UInt16 = 1 << 5
        @usableFromInline static let synAckSeen: UInt16 = 1 << 6
        @usableFromInline static let handshakeAckSeen: UInt16 = 1 << 7
        @usableFromInline static let lastPayloadPushed: UInt16 = 1 << 8
        @usableFromInline static let receiverDataAfterSenderFIN: UInt16 = 1 << 9
        @usableFromInline static let zeroWindowSeen: UInt16 = 1 << 10
        @usableFromInline static let hasReceiverAck: UInt16 = 1 << 11
        @usableFromInline static let hasSenderLastIPID: UInt16 = 1 << 12
        @usableFromInline static let hasSenderTTLBaseline: UInt16 = 1 << 13
        @usableFromInline static let nanosecondClock: UInt16 = 1 << 14
    }

    /// The observation; its times are kept on `scale` (the connection's: they are offsets from
    /// its first time, whatever slots the connection's own times took).
    init(scale: TimeScale, timestamp: Int64, payloadText: String?, payloadBytes: (Int, Int), finTime: (Int64, Int64),
         lastPayloadTime: Int64, idleBefore: Int64, peerSilence: Int64, lastLossTime: Int64, establishedTime: Int64?,
         frame: Int, connection: Int, stream: Int, senderSide: Int, sequence: UInt32, acknowledgment: UInt32,
         senderPackets: Int, senderNextSeq: UInt32, receiverNextSeq: UInt32, receiverWindow: UInt32, lossEvents: Int,
         receiverAck: UInt32?, window: UInt16, ipID: UInt16, receiverLastIPID: UInt16, senderLastIPID: UInt16?,
         hasAck: Bool, ttl: UInt8, isIPv6: Bool, checksumBad: Bool, isDuplicate: Bool, senderTTLBaseline: UInt8?,
         receiverWindowScale: Int8, answersSYN: Bool, answersReusedSYN: Bool, synSender: Int?, synAckSeen: Bool,
         handshakeAckSeen: Bool, lastPayloadSide: Int?, lastPayloadPushed: Bool, receiverDataAfterSenderFIN: Bool,
         zeroWindowSeen: Bool) {
        let durations = scale.durations
        scaleBase = scale.base
        self.payloadText = payloadText
        self.payloadBytes = payloadBytes
        timestampSlot = TimeSlot(timestamp, scale)
        finSlot0 = TimeSlot(finTime.0, scale)
        finSlot1 = TimeSlot(finTime.1, scale)
        lastPayloadSlot = TimeSlot(lastPayloadTime, scale)
        lastLossSlot = TimeSlot(lastLossTime, scale)
        establishedSlot = TimeSlot(establishedTime, scale)
        idleBeforeSlot = TimeSlot(idleBefore, durations)
        peerSilenceSlot = TimeSlot(peerSilence, durations)
        self.frame = frame
        self.connection = connection
        self.stream = stream
        self.senderSide = senderSide
        self.senderPackets = senderPackets
        self.lossEvents = lossEvents
        self.sequence = sequence
        self.acknowledgment = acknowledgment
        self.senderNextSeq = senderNextSeq
        self.receiverNextSeq = receiverNextSeq
        self.receiverWindow = receiverWindow
        receiverAckValue = receiverAck ?? 0
        self.window = window
        self.ipID = ipID
        self.receiverLastIPID = receiverLastIPID
        senderLastIPIDValue = senderLastIPID ?? 0
        self.ttl = ttl
        senderTTLBaselineValue = senderTTLBaseline ?? 0
        self.receiverWindowScale = receiverWindowScale
        self.synSender = synSender
        self.lastPayloadSide = lastPayloadSide
        // (Bit by bit: an array of the pairs would be a heap block per RST.)
        func bit(_ bit: UInt16, _ on: Bool) -> UInt16 { on ? bit : 0 }
        var flags = bit(Flag.hasAck, hasAck) | bit(Flag.isIPv6, isIPv6) | bit(Flag.checksumBad, checksumBad)
        flags |= bit(Flag.isDuplicate, isDuplicate) | bit(Flag.answersSYN, answersSYN) | bit(Flag.answersReusedSYN, answersReusedSYN)
        flags |= bit(Flag.synAckSeen, synAckSeen) | bit(Flag.handshakeAckSeen, handshakeAckSeen)
        flags |= bit(Flag.lastPayloadPushed, lastPayloadPushed) | bit(Flag.zeroWindowSeen, zeroWindowSeen)
        flags |= bit(Flag.receiverDataAfterSenderFIN, receiverDataAfterSenderFIN) | bit(Flag.nanosecondClock, scale.nanoseconds)
        flags |= bit(Flag.hasReceiverAck, receiverAck != nil) | bit(Flag.hasSenderLastIPID, senderLastIPID != nil)
        flags |= bit(Flag.hasSenderTTLBaseline, senderTTLBaseline != nil)
        self.flags = flags
    }

    @inlinable var scale: TimeScale { TimeScale(base: scaleBase, nanoseconds: flags & Flag.nanosecondClock != 0) }
    @inlinable var durations: TimeScale { scale.durations }

    @inlinable public var timestamp: Int64 { timestampSlot.value(scale) }
    /// When each side sent its first FIN (0: not yet).
    @inlinable public var finTime: (Int64, Int64) { (finSlot0.value(scale), finSlot1.value(scale)) }
    /// When the connection's last payload came (from either side).
    @inlinable public var lastPayloadTime: Int64 { lastPayloadSlot.value(scale) }
    /// Time since the connection's previous segment.
    @inlinable public var idleBefore: Int64 { idleBeforeSlot.value(durations) }
    /// Time since the receiver last sent anything (how long the peer had been silent).
    @inlinable public var peerSilence: Int64 { peerSilenceSlot.value(durations) }
    /// The time of the connection's last loss signal (`lossEvents` counts them).
    @inlinable public var lastLossTime: Int64 { lastLossSlot.value(scale) }
    /// Time of the connection's handshake completion (the client's ACK of the SYN-ACK), if any.
    @inlinable public var establishedTime: Int64? { establishedSlot.get(scale) }
    /// The receiver's last acknowledgment (its RCV.NXT for the sender), if it sent an ACK.
    @inlinable public var receiverAck: UInt32? { flags & Flag.hasReceiverAck != 0 ? receiverAckValue : nil }
    /// IP ID of the sender's last non-RST segment (IPv4), if any.
    @inlinable public var senderLastIPID: UInt16? { flags & Flag.hasSenderLastIPID != 0 ? senderLastIPIDValue : nil }
    /// TTL of the sender's first non-RST segment (the baseline the RST is held against), if any.
    @inlinable public var senderTTLBaseline: UInt8? { flags & Flag.hasSenderTTLBaseline != 0 ? senderTTLBaselineValue : nil }

    @inlinable public var hasAck: Bool { flags & Flag.hasAck != 0 }
    @inlinable public var isIPv6: Bool { flags & Flag.isIPv6 != 0 }
    /// Its checksum was checked and is wrong: the receiver drops it (`--check-checksums`).
    @inlinable public var checksumBad: Bool { flags & Flag.checksumBad != 0 }
    /// A copy of the previous segment (SPAN port): never evidence.
    @inlinable public var isDuplicate: Bool { flags & Flag.isDuplicate != 0 }
    /// The receiver's last segment was a pure SYN (the RST refuses it), and whether that SYN
    /// reused a port pair (`reused_ports`).
    @inlinable public var answersSYN: Bool { flags & Flag.answersSYN != 0 }
    @inlinable public var answersReusedSYN: Bool { flags & Flag.answersReusedSYN != 0 }
    @inlinable public var synAckSeen: Bool { flags & Flag.synAckSeen != 0 }
    @inlinable public var handshakeAckSeen: Bool { flags & Flag.handshakeAckSeen != 0 }
    /// The last payload segment of the client-to-be side carried PSH (a complete request).
    @inlinable public var lastPayloadPushed: Bool { flags & Flag.lastPayloadPushed != 0 }
    /// Payload from the receiver after the sender's FIN (a request on a closing connection).
    @inlinable public var receiverDataAfterSenderFIN: Bool { flags & Flag.receiverDataAfterSenderFIN != 0 }
    @inlinable public var zeroWindowSeen: Bool { flags & Flag.zeroWindowSeen != 0 }
}
