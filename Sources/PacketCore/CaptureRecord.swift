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
}
