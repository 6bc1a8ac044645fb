/// One record of a capture, as a reader hands it out. `bytes` points into the reader's storage and is
/// valid only until the reader's next call; decode it, never keep it.
@frozen
public struct CaptureRecord {
    /// 1-based, counting every packet record of the input, exactly like Wireshark's `frame.number`.
    public var frame: Int
    /// Nanoseconds since the Unix epoch.
    public var timestamp: Int64
    /// False for pcapng simple packet blocks, which carry no time.
    public var hasTimestamp: Bool
    /// The length of the packet on the wire (`orig_len`); `bytes.count` is the captured length.
    public var wireLength: Int
    /// Interface index over the whole input (pcapng: counted across sections); 0 for classic pcap.
    public var interface: Int
    public var linkType: LinkType
    public var bytes: ByteView

    @inlinable
    public init(frame: Int, timestamp: Int64, hasTimestamp: Bool = true, wireLength: Int, interface: Int = 0,
                linkType: LinkType, bytes: ByteView) {
        self.frame = frame
        self.timestamp = timestamp
        self.hasTimestamp = hasTimestamp
        self.wireLength = wireLength
        self.interface = interface
        self.linkType = linkType
        self.bytes = bytes
    }

    /// Captured shorter than it was on the wire (snaplen).
    @inlinable public var isCaplenShort: Bool { bytes.count < wireLength }

    /// The latest timestamp a record holds (and minus it the earliest): about 146 years either side
    /// of 1970, which covers every classic pcap time. Readers clamp to it, so the difference of any
    /// two timestamps (an RTT, an idle time) fits in an Int64 with room to round it.
    public static let timestampLimit: Int64 = 4_611_686_018_000_000_000

    /// Nanoseconds since the epoch from `seconds` and `nanoseconds`, clamped to ±`timestampLimit`
    /// (pcapng and libpcap may hold times an Int64 of nanoseconds cannot).
    @inlinable
    public static func timestamp(seconds: Int64, nanoseconds: Int64) -> Int64 {
        let (scaled, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        let (sum, overflow2) = scaled.addingReportingOverflow(nanoseconds)
        if overflow || overflow2 { return seconds < 0 ? -timestampLimit : timestampLimit }
        return min(max(sum, -timestampLimit), timestampLimit)
    }
}
