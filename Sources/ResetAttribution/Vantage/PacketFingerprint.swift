import TCPAnalysis

/// What identifies one TCP segment on the wire wherever it is captured: its connection, its
/// sender, sequence and acknowledgment numbers, flags, payload length and IP ID. The same packet
/// seen at two vantage points has the same fingerprint (unless a NAT or a proxy rewrites it).
public struct PacketFingerprint: Sendable {
    public var timestamp: Int64
    public var frame: Int
    /// Index of the connection in its input's tracker.
    public var connection: Int32
    public var sequence: UInt32
    public var acknowledgment: UInt32
    public var payloadLength: UInt16
    public var ipID: UInt16
    /// The low eight TCP flag bits (FIN ... CWR).
    public var flags: UInt8
    /// The sending side (0 or 1 of the connection's key).
    public var side: UInt8

    public var isReset: Bool { flags & 0x04 != 0 }
}

/// The fingerprints one input keeps for correlation with other inputs: every RST, and the first
/// packets of each connection (enough to match connections and to measure the clock offset without
/// keeping every packet of a long capture).
public struct FingerprintLog: Sendable {
    public static let packetsPerConnection = 24
    public private(set) var fingerprints: [PacketFingerprint] = []
    private var counts: [UInt8] = []

    public init() {}

    public mutating func record(_ segment: TCPSegment, analysis: FrameAnalysis) {
        let c = analysis.connection
        if c >= counts.count { counts.append(contentsOf: repeatElement(0, count: c + 1 - counts.count)) }
        let isReset = segment.flags.contains(.rst)
        guard isReset || Int(counts[c]) < Self.packetsPerConnection else { return }
        if counts[c] < .max { counts[c] += 1 }
        fingerprints.append(PacketFingerprint(
            timestamp: segment.timestamp, frame: segment.frame, connection: Int32(c), sequence: segment.sequence,
            acknowledgment: segment.acknowledgment, payloadLength: UInt16(clamping: segment.payloadLength),
            ipID: segment.isIPv6 ? 0 : segment.ipID, flags: UInt8(truncatingIfNeeded: segment.flags.rawValue),
            side: UInt8(analysis.direction)))
    }
}
