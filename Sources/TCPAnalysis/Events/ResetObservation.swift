/// What the tracker knew when a RST arrived: the RST's own fields and the state of its connection
/// at that moment. The attribution stage judges resets from these (one per RST frame), never from
/// packets it no longer has. Kept compact (one per RST of the whole input): counts, frames and
/// indices in 32 bits, optional sides and times without a tag byte (see `CompactFields`), and the
/// fields in falling order of alignment (176 bytes; in the order of the story they took 216).
public struct ResetObservation: Sendable {
    // 8 bytes and more.
    public var timestamp: Int64
    /// Printable text carried in the RST (RFC 9293 allows a diagnostic payload).
    public var payloadText: String?
    /// Payload bytes each side sent so far (by side of the connection's key).
    public var payloadBytes: (Int, Int)
    /// When each side sent its first FIN (0: not yet).
    public var finTime: (Int64, Int64)
    /// When the connection's last payload came (from either side).
    public var lastPayloadTime: Int64
    /// Time since the connection's previous segment.
    public var idleBefore: Int64
    /// Time since the receiver last sent anything (how long the peer had been silent).
    public var peerSilence: Int64
    /// The time of the connection's last loss signal (`lossEvents` counts them).
    public var lastLossTime: Int64
    /// Time of the connection's handshake completion (the client's ACK of the SYN-ACK), if any.
    @OptionalTime public var establishedTime: Int64?

    // 4 bytes.
    @Count32 public var frame: Int
    @Count32 public var connection: Int
    @Count32 public var stream: Int
    /// The side (0 or 1 of the connection's key) the RST claims to come from.
    @Count32 public var senderSide: Int
    public var sequence: UInt32
    public var acknowledgment: UInt32
    /// The sender's own earlier segments on this connection.
    @Count32 public var senderPackets: Int
    /// The next sequence number expected from the sender (0: nothing seen).
    public var senderNextSeq: UInt32
    /// The next sequence number expected from the receiver: a RST acknowledging it leaves no data unread.
    public var receiverNextSeq: UInt32
    public var receiverWindow: UInt32
    /// Loss signals on the connection (retransmissions, lost segments, duplicate ACKs).
    @Count32 public var lossEvents: Int
    /// The receiver's last acknowledgment (its RCV.NXT for the sender), if it sent an ACK.
    public var receiverAck: UInt32?

    // 2 bytes.
    public var window: UInt16
    public var ipID: UInt16
    /// IP ID of the receiver's last segment (IPv4), 0 when none: an injector answering a packet
    /// sometimes copies its IP ID.
    public var receiverLastIPID: UInt16 = 0
    /// IP ID of the sender's last non-RST segment (IPv4), if any.
    public var senderLastIPID: UInt16?

    // 1 byte.
    public var hasAck: Bool
    public var ttl: UInt8
    public var isIPv6: Bool
    /// Its checksum was checked and is wrong: the receiver drops it (`--check-checksums`).
    public var checksumBad = false
    /// A copy of the previous segment (SPAN port): never evidence.
    public var isDuplicate: Bool
    /// TTL of the sender's first non-RST segment (the baseline the RST is held against), if any.
    public var senderTTLBaseline: UInt8?
    public var receiverWindowScale: Int8
    /// The receiver's last segment was a pure SYN (the RST refuses it), and whether that SYN
    /// reused a port pair (`reused_ports`).
    public var answersSYN: Bool
    public var answersReusedSYN: Bool
    @OptionalSide public var synSender: Int?
    public var synAckSeen: Bool
    public var handshakeAckSeen: Bool
    @OptionalSide public var lastPayloadSide: Int?
    /// The last payload segment of the client-to-be side carried PSH (a complete request).
    public var lastPayloadPushed: Bool
    /// Payload from the receiver after the sender's FIN (a request on a closing connection).
    public var receiverDataAfterSenderFIN: Bool
    public var zeroWindowSeen: Bool
}
