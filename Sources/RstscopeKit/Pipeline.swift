import PacketCapture
import PacketCore
import Reporting
import TCPAnalysis

/// The per-packet path: count the record, filter it, decode it, hand the segment on. One instance
/// per input; it allocates nothing per packet.
public struct Pipeline {
    public private(set) var summary = CaptureSummary()
    private var decoder = PacketDecoder()
    private var filter: FileFilter?

    /// `filter` is a BPF expression applied in user space after every record is counted and
    /// numbered, so frame numbers match Wireshark's on the unfiltered file.
    public init(filter: String? = nil) {
        self.filter = filter.map(FileFilter.init(expression:))
    }

    /// Compiles the filter for a link type now, so a bad expression fails before any output.
    public mutating func prepareFilter(for linkType: LinkType) throws(CaptureError) {
        try filter?.prepare(for: linkType)
    }

    @inline(__always)
    public mutating func process(_ record: CaptureRecord) throws(CaptureError) {
        summary.countRecord(record)
        if filter != nil, try !filter!.matches(record) { return }
        let segment = decoder.decode(record)
        summary.countMatched(record, segment: segment)
    }

    /// The summary with the decoder's anomaly counts folded in.
    public var finalSummary: CaptureSummary {
        var result = summary
        result.malformed = decoder.weirds
        return result
    }
}

/// Reads a whole capture through the pipeline. A read that fails part-way keeps what was read:
/// the summary covers every complete record, and the error says where the input broke.
public func analyzeCapture(_ reader: inout any PacketReader, pipeline: inout Pipeline,
                           progress: ((Int) -> Void)? = nil) -> CaptureError? {
    do {
        while let record = try reader.next() {
            try pipeline.process(record)
            if let progress, record.frame & 0xFFFF == 0 { progress(record.frame) }
        }
        return nil
    } catch {
        return error
    }
}
