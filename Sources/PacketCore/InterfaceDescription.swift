/// What a capture says about one of its interfaces (a pcapng interface description block, or a
/// classic pcap file header), as a writer needs it to describe the same interface again.
public struct InterfaceDescription: Sendable, Equatable {
    public var linkType: LinkType
    public var snaplen: UInt32
    public var name: String?
    /// `if_tsresol` as stored: bit 7 clear means 10^-n seconds, set means 2^-n seconds.
    public var timestampResolution: UInt8
    /// `if_tsoffset` in seconds.
    public var timestampOffset: Int64

    public init(linkType: LinkType, snaplen: UInt32, name: String? = nil, timestampResolution: UInt8 = 6, timestampOffset: Int64 = 0) {
        self.linkType = linkType
        self.snaplen = snaplen
        self.name = name
        self.timestampResolution = timestampResolution
        self.timestampOffset = timestampOffset
    }
}
