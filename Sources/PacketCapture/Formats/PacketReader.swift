import PacketCore

/// Hands out the records of a capture in order. A record's bytes are valid until the next call.
public protocol PacketReader {
    /// The next record; nil at a clean end of input. Throws when the input is cut off or corrupt,
    /// after every complete record before that point was returned.
    mutating func next() throws(CaptureError) -> CaptureRecord?
    /// A short name of the format ("pcap", "pcap-ns", "pcapng").
    var formatName: String { get }
    /// The interfaces described so far, indexed as records' `interface`.
    var interfaceDescriptions: [InterfaceDescription] { get }
    /// Reads a memory-mapped file: cheap to open again and read in parallel (not a stream, not gzip).
    var readsMappedFile: Bool { get }
    /// A second reader of the same input from its start, sharing its mapping (nil for a stream).
    func reopened() throws(CaptureError) -> (any PacketReader)?
    /// Reading is over, at the end or given up: a reader sharing a mapping stops holding the others.
    func finish()
}

extension PacketReader {
    public var readsMappedFile: Bool { false }
    public func reopened() throws(CaptureError) -> (any PacketReader)? { nil }
    public func finish() {}
}

/// Our own readers: a format over a byte source, which is what reopening and sharing depend on.
public protocol SourceReader: PacketReader {
    associatedtype Source: ByteSource
    var source: Source { get }
    init(source: Source) throws(CaptureError)
}

extension SourceReader {
    public var readsMappedFile: Bool { Source.self == MappedSource.self }

    public func reopened() throws(CaptureError) -> (any PacketReader)? {
        guard let fresh = source.rewound() else { return nil }
        return try Self(source: fresh)
    }

    public func finish() { source.finish() }
}

/// Wireshark's limit for one packet of the usual link types (WTAP_MAX_PACKET_SIZE_STANDARD): a record
/// claiming more is corrupt.
let maximumRecordLength = 262_144
/// The largest pcapng block we accept (Wireshark uses 16 MiB too).
let maximumBlockLength = 16 << 20
