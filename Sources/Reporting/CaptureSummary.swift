import PacketCore
import TCPAnalysis

/// The counters of a whole run, as the summary line reports them.
public struct CaptureSummary: Sendable {
    /// Every record of the input.
    public var packets = 0
    /// Records that passed the BPF filter (all of them without one).
    public var packetsMatched = 0
    public var tcpSegments = 0
    public var rstSegments = 0
    /// Matched frames captured shorter than they were on the wire.
    public var caplenShort = 0
    /// TCP segments whose header is cut by the snaplen.
    public var headerTruncated = 0
    public var malformed = WeirdCounts()
    /// Link types seen, in order of first appearance.
    public var linkTypes: [LinkType] = []
    public var firstTimestamp: Int64?
    public var lastTimestamp: Int64?
    /// TCP conversations (Wireshark's streams that hold at least one TCP frame).
    public var connections = 0
    /// Analysis flags by name, in the truth's order, only those seen.
    public var eventCounts: [(String, Int)] = []
    /// Resets that broke connections, by attribution and by cause; benign resets; proxied sessions.
    public var resetsByAttribution: [(String, Int)] = []
    public var resetsByCause: [(String, Int)] = []
    public var benignResets = 0
    public var sessions = 0
    /// Live capture: connections reported and forgotten after being idle.
    public var evictedConnections = 0
    /// Segments that were copies of the one before them (counted as the weird `duplicate_packet`).
    public var duplicatePackets = 0
    /// Live capture: kernel statistics at the end.
    public var kernelStatistics: KernelStatistics?

    private var lastLinkType: LinkType?

    public init() {}

    /// Counts a record of the input (before filtering).
    @inline(__always)
    public mutating func countRecord(_ record: CaptureRecord) {
        packets += 1
        if record.hasTimestamp {
            let ts = record.timestamp
            if firstTimestamp.map({ ts < $0 }) ?? true { firstTimestamp = ts }
            if lastTimestamp.map({ ts > $0 }) ?? true { lastTimestamp = ts }
        }
        if record.linkType != lastLinkType {
            lastLinkType = record.linkType
            if !linkTypes.contains(record.linkType) { linkTypes.append(record.linkType) }
        }
    }

    /// Counts a record that passed the filter.
    @inline(__always)
    public mutating func countMatched(_ record: CaptureRecord) {
        packetsMatched += 1
        if record.isCaplenShort { caplenShort += 1 }
    }

    /// Counts the segment decoded from a matched record (in a multi-threaded run, only the shard
    /// that owns it does).
    @inline(__always)
    public mutating func countSegment(_ segment: borrowing TCPSegment) {
        guard segment.isTCPFrame else { return }
        tcpSegments += 1
        if segment.isReset { rstSegments += 1 }
        if segment.headerTruncated { headerTruncated += 1 }
    }

    /// Adds a shard's segment counts (its records were counted by every shard alike).
    public mutating func addSegmentCounts(of shard: CaptureSummary) {
        tcpSegments += shard.tcpSegments
        rstSegments += shard.rstSegments
        headerTruncated += shard.headerTruncated
    }
}

/// What the kernel says about a live capture (`pcap_stats`).
public struct KernelStatistics: Sendable, Equatable {
    public var received: Int
    public var droppedByKernel: Int
    public var droppedByInterface: Int

    public init(received: Int, droppedByKernel: Int, droppedByInterface: Int) {
        self.received = received
        self.droppedByKernel = droppedByKernel
        self.droppedByInterface = droppedByInterface
    }
}
