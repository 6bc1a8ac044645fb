/// What the tracker knew when a RST arrived: the RST's own fields and the state of its connection
/// at that moment. The attribution stage judges resets from these (one per RST frame), never from
/// packets it no longer has. Kept compact (one per RST of the whole input): counts, frames and
/// indices in 32 bits, optional sides and times without a tag byte (see `CompactFields`).
public struct ResetObservation: Sendable {
    @Count32 public var frame: Int
    public var timestamp: Int64
    @Count32 public var connection: Int
    @Count32 public var stream: Int
    /// The side (0 or 1 of the connection's key) the RST claims to come from.
    @Count32 public var senderSide: Int
    public var sequence: UInt32
    public var acknowledgment: UInt32
    public var hasAck: Bool
    public var window: UInt16
    public var ttl: UInt8
    public var ipID: UInt16
    public var isIPv6: Bool
    /// Printable text carried in the RST (RFC 9293 allows a diagnostic payload).
    public var payloadText: String?
    /// Its checksum was checked and is wrong: the receiver drops it (`--check-checksums`).
    public var checksumBad = false
    /// A copy of the previous segment (SPAN port): never evidence.
    public var isDuplicate: Bool

    // The sender's own earlier segments on this connection.
    public var senderTTLBaseline: UInt8?
    public var senderLastIPID: UInt16?
    @Count32 public var senderPackets: Int
    /// IP ID of the receiver's last segment (IPv4), 0 when none: an injector answering a packet
    /// sometimes copies its IP ID.
    public var receiverLastIPID: UInt16 = 0
    /// The next sequence number expected from the sender (0: nothing seen).
    public var senderNextSeq: UInt32
    // The receiver's view.
    /// The next sequence number expected from the receiver: a RST acknowledging it leaves no data unread.
    public var receiverNextSeq: UInt32
    /// The receiver's last acknowledgment (its RCV.NXT for the sender), if it sent an ACK.
    public var receiverAck: UInt32?
    public var receiverWindow: UInt32
    public var receiverWindowScale: Int8
    /// The receiver's last segment was a pure SYN (the RST refuses it), and whether that SYN
    /// reused a port pair (`reused_ports`).
    public var answersSYN: Bool
    public var answersReusedSYN: Bool

    // The connection so far.
    @OptionalSide public var synSender: Int?
    public var synAckSeen: Bool
    public var handshakeAckSeen: Bool
    public var payloadBytes: (Int, Int)
    /// When each side sent its first FIN (0: not yet).
    public var finTime: (Int64, Int64)
    @OptionalSide public var lastPayloadSide: Int?
    public var lastPayloadTime: Int64
    /// The last payload segment of the client-to-be side carried PSH (a complete request).
    public var lastPayloadPushed: Bool
    /// Payload from the receiver after the sender's FIN (a request on a closing connection).
    public var receiverDataAfterSenderFIN: Bool
    /// Time since the connection's previous segment.
    public var idleBefore: Int64
    /// Time since the receiver last sent anything (how long the peer had been silent).
    public var peerSilence: Int64
    /// Loss signals on the connection (retransmissions, lost segments, duplicate ACKs) and the
    /// time of the last one.
    @Count32 public var lossEvents: Int
    public var lastLossTime: Int64
    public var zeroWindowSeen: Bool
    /// Time of the connection's handshake completion (the client's ACK of the SYN-ACK), if any.
    @OptionalTime public var establishedTime: Int64?
}
