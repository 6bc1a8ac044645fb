import PacketCore

/// Hands out the records of a capture in order. A record's bytes are valid until the next call
/// (a reader of a mapped file: as long as the reader's mapping).
public protocol PacketReader {
    /// The next record; nil at a clean end of input. Throws when the input is cut off or corrupt,
    /// after every complete record before that point was returned.
    mutating func next() throws(CaptureError) -> CaptureRecord?
    /// A short name of the format ("pcap", "pcap-ns", "pcapng").
    var formatName: String { get }
    /// The interfaces described so far, indexed as records' `interface`.
    var interfaceDescriptions: [InterfaceDescription] { get }
    /// Reads a memory-mapped file (not a stream, not gzip): its records' bytes stay valid after the
    /// next call, so other threads may analyze them (`--threads`).
    var readsMappedFile: Bool { get }
    /// What reading and routing a record costs, as a share of analyzing it: how much less of the
    /// connections a multi-threaded read leaves the thread that reads (`ShardMap.balanced`).
    var readCost: Double { get }
    /// Every record is analyzed: the pages of a mapped file still held are dropped (the report's
    /// work needs the memory more; a record touched again faults back in from the page cache).
    func releaseReadPages()
}

extension PacketReader {
    public var readsMappedFile: Bool { false }
    /// A classic pcap record's: about a quarter (2M capture, two threads: 24 buckets of 64 for
    /// the reading thread measured best, 0.347 s against 0.356 at 21).
    public var readCost: Double { 0.25 }
    public func releaseReadPages() {}
}

/// Our own readers: a format over a byte source.
public protocol SourceReader: PacketReader {
    associatedtype Source: ByteSource
    var source: Source { get }
    init(source: Source) throws(CaptureError)
}

extension SourceReader {
    public var readsMappedFile: Bool { Source.self == MappedSource.self }
    public func releaseReadPages() { (source as? MappedSource)?.releaseAll() }
}

/// Wireshark's limit for one packet of the usual link types (WTAP_MAX_PACKET_SIZE_STANDARD): a record
/// claiming more is corrupt.
let maximumRecordLength = 262_144
/// The largest pcapng block we accept (Wireshark uses 16 MiB too).
let maximumBlockLength = 16 << 20
