/// What the tracker concluded about one TCP header: its stream, its Wireshark analysis flags and the
/// measurements taken on it.
public struct FrameAnalysis: Sendable {
    public var stream: Int
    /// Index of the connection in the tracker.
    public var connection: Int
    /// The sending side (0 or 1 of the connection's key).
    public var direction: Int
    public var flags: AnalysisFlags
    /// Wireshark prints the flags: the header is at least 20 bytes and captured whole.
    public var printable: Bool
    /// For a duplicate ACK: its number and the frame it duplicates.
    public var duplicateAckNumber: UInt32 = 0
    public var duplicateAckFrame: Int = 0
    /// The frame this segment acknowledges and the time since it (`tcp.analysis.acks_frame`,
    /// `ack_rtt`); `ackRTTAmbiguous` when a retransmission makes the sample unusable (Karn).
    public var ackedFrame: Int = 0
    public var ackRTT: Int64 = 0
    public var ackRTTAmbiguous = false
    /// A copy of the previous segment of its direction (see `TCPTracker.isDuplicate`): Wireshark's
    /// flags are kept, but it is no evidence for the attribution.
    public var isDuplicate = false
    /// This frame completed the handshake measurement: the connection's initial RTT (ns).
    public var newInitialRTT: Int64 = 0

    /// The flags as Wireshark would print them (none when it would not print).
    @inlinable public var visibleFlags: AnalysisFlags { printable ? flags : [] }
}
