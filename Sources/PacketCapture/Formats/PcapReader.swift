import PacketCore

/// Reads classic libpcap files, in either byte order, with microsecond or nanosecond timestamps.
///
///     file header (24 bytes)                     record header (16 bytes)
///     +---------------------------+              +---------------------------+
///     | magic                     |              | ts seconds                |
///     | version major | minor     |              | ts micro- or nanoseconds  |
///     | reserved (thiszone)       |              | captured length           |
///     | reserved (sigfigs)        |              | original length           |
///     | snaplen                   |              +---------------------------+
///     | FCS bits | link type      |              captured bytes follow
///     +---------------------------+
///
/// Lengths are validated, never trusted: a captured length above Wireshark's limit is corrupt.
public struct PcapReader<Source: ByteSource>: SourceReader {
    public struct FileHeader: Sendable, Equatable {
        public var bigEndian: Bool
        public var nanosecond: Bool
        public var versionMajor: UInt16
        public var versionMinor: UInt16
        public var snaplen: UInt32
        public var linkType: LinkType
    }

    public static var headerLength: Int { 24 }

    /// Recognizes the magic number; nil when the bytes are not a classic pcap file header.
    public static func sniff(_ magic: ByteView) -> (bigEndian: Bool, nanosecond: Bool)? {
        guard magic.has(4) else { return nil }
        switch magic.u32be(0) {
        case 0xA1B2_C3D4: return (true, false)
        case 0xD4C3_B2A1: return (false, false)
        case 0xA1B2_3C4D: return (true, true)
        case 0x4D3C_B2A1: return (false, true)
        default: return nil
        }
    }

    public private(set) var source: Source
    public let header: FileHeader
    private var frame = 0
    private let fractionToNanoseconds: Int64

    public init(source: Source) throws(CaptureError) {
        self.source = source
        guard let bytes = try self.source.peek(Self.headerLength) else {
            throw .truncated(reason: "the pcap file header is incomplete", offset: 0)
        }
        guard let (bigEndian, nanosecond) = Self.sniff(bytes) else {
            throw .corrupt(reason: "unknown pcap magic number", offset: 0)
        }
        let major = bytes.u16(4, bigEndian: bigEndian)
        let minor = bytes.u16(6, bigEndian: bigEndian)
        guard major == 2 else {
            throw .corrupt(reason: "unsupported pcap version \(major).\(minor)", offset: 4)
        }
        header = FileHeader(
            bigEndian: bigEndian, nanosecond: nanosecond, versionMajor: major, versionMinor: minor,
            snaplen: bytes.u32(16, bigEndian: bigEndian),
            // The upper bits hold the FCS length; the link type is the low 16 bits.
            linkType: LinkType(bytes.u32(20, bigEndian: bigEndian) & 0xFFFF))
        fractionToNanoseconds = nanosecond ? 1 : 1000
        self.source.consume(Self.headerLength)
    }

    public var formatName: String { header.nanosecond ? "pcap-ns" : "pcap" }

    public var interfaceDescriptions: [InterfaceDescription] {
        [InterfaceDescription(linkType: header.linkType, snaplen: header.snaplen, timestampResolution: header.nanosecond ? 9 : 6)]
    }

    /// (Inlined into the read loops: returned through memory, the record was written field by
    /// field and read back 16 bytes at a time, a store-forwarding stall on every record.)
    @inline(__always)
    public mutating func next() throws(CaptureError) -> CaptureRecord? {
        let big = header.bigEndian
        guard let recordHeader = try source.peek(16) else {
            if try source.isAtEnd() { return nil }
            throw .truncated(reason: "a record header is cut off after frame \(frame)", offset: source.position)
        }
        let capturedLength = Int(recordHeader.u32(8, bigEndian: big))
        let wireLength = Int(recordHeader.u32(12, bigEndian: big))
        guard capturedLength <= maximumRecordLength else {
            throw .corrupt(reason: "frame \(frame + 1) claims \(capturedLength) captured bytes (limit \(maximumRecordLength))",
                           offset: source.position)
        }
        let seconds = Int64(recordHeader.u32(0, bigEndian: big))
        let fraction = Int64(recordHeader.u32(4, bigEndian: big))
        guard let record = try source.peek(16 + capturedLength) else {
            throw .truncated(reason: "frame \(frame + 1) is cut off (\(capturedLength) bytes announced)", offset: source.position)
        }
        source.consume(16 + capturedLength)
        frame += 1
        // As Wireshark (wiretap/libpcap.c): the fraction becomes nanoseconds in 32 bits and is kept
        // as a signed int, so an invalid fraction (a million microseconds or more) wraps the same way.
        let nanoseconds = Int64(Int32(bitPattern: UInt32(truncatingIfNeeded: fraction &* fractionToNanoseconds)))
        return CaptureRecord(
            frame: frame,
            timestamp: seconds &* 1_000_000_000 &+ nanoseconds,
            wireLength: wireLength,
            linkType: header.linkType,
            bytes: record.slice(16, capturedLength))
    }
}
