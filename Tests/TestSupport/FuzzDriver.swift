#if canImport(Glibc)
import Glibc
#endif
import PacketCapture
import PacketCore
import Reporting
import RstscopeKit
import TCPAnalysis

/// What the libFuzzer harness (Fuzz/) does with one input, shared with the regression test that
/// replays the inputs it found (Tests/TCPAnalysisTests/Fixtures/fuzz-regressions). Nothing here may
/// trap on any input: a trap is the finding.
///
/// An input that starts like a capture file (pcap, pcapng, gzip) is read as one, twice: memory-mapped
/// through a file path (as `rstscope analyze FILE` reads it) and streamed through a file descriptor
/// (as standard input is read). Any other input is a packet sequence for the decoder directly:
///
///     link type selector (1) | records: captured length (2, little-endian) | bytes missing from the
///     capture (1) | time step in milliseconds (1, signed) | captured bytes ...
///
/// The selector names a link type by its LINKTYPE_ value when that is one of `linkTypes`, otherwise by
/// its index (modulo the count). Either way the records go through the whole pipeline (decode, TCPTracker's flow table and
/// analysis, events, connection records, both reports), as the analyze command runs it.
public enum FuzzDriver {
    /// The link types a packet sequence may name (by its first byte, modulo the count).
    public static let linkTypes: [LinkType] = [
        .ethernet, .linuxSLL, .linuxSLL2, .null, .loop, .raw, .ipv4, .ipv6, .ppp, .pppHDLC, .pppoe, .ciscoHDLC,
        .fddi, .arcnetLinux, .arcnetBSD, .ieee80211, .radiotap, .ppi, .juniperEther, .ipOverInfiniBand, .nflog,
        .rawDLT12, LinkType(147), .pflog, .enc, .ipnet, .pktap, .prism, .avs, .juniperPPP, .juniperCiscoHDLC, .juniperPPPoE,
        .pppWithDirection, .linuxATMClip, .ciscoHDLCNetBSD,
    ]

    public static func run(_ data: UnsafeRawBufferPointer) {
        let bytes = ByteView(unsafeStart: data.baseAddress, count: data.count)
        if looksLikeCaptureFile(bytes) {
            runFile(data)
        } else {
            runPackets(bytes)
        }
    }

    public static func run(_ data: [UInt8]) {
        data.withUnsafeBytes { run($0) }
    }

    static func looksLikeCaptureFile(_ bytes: ByteView) -> Bool {
        guard bytes.has(4) else { return false }
        switch bytes.u32be(0) {
        case 0xA1B2_C3D4, 0xD4C3_B2A1, 0xA1B2_3C4D, 0x4D3C_B2A1, 0x0A0D_0D0A: return true
        default: return bytes.u8(0) == 0x1F && bytes.u8(1) == 0x8B
        }
    }

    static func runPackets(_ bytes: ByteView) {
        guard bytes.has(1) else { return }
        let linkType = linkType(selector: bytes.u8(0))
        var pipeline = Pipeline(options: PipelineOptions(events: .all, format: .jsonl), output: OutputBuffer(fd: nil))
        var offset = 1, frame = 1
        var timestamp: Int64 = 1_700_000_000_000_000_000
        while bytes.has(4, at: offset) {
            let captured = min(Int(bytes.u16le(offset)), bytes.count - offset - 4)
            let missing = Int(bytes.u8(offset + 2))
            timestamp += Int64(Int8(bitPattern: bytes.u8(offset + 3))) * 1_000_000
            let record = CaptureRecord(frame: frame, timestamp: timestamp, wireLength: captured + missing,
                                       linkType: linkType, bytes: bytes.slice(offset + 4, captured))
            try? pipeline.process(record)
            offset += 4 + captured
            frame += 1
        }
        finish(&pipeline)
    }

    public static func linkType(selector: UInt8) -> LinkType {
        linkTypes.first { $0.rawValue == UInt32(selector) } ?? linkTypes[Int(selector) % linkTypes.count]
    }

    /// A packet sequence holding a capture's first records (those of its first link type), for
    /// seeding the fuzzer's packet mode from real captures; nil when the link type has no selector.
    public static func packetSequence(_ reader: inout any PacketReader, maximumBytes: Int = 16_384) -> [UInt8]? {
        var sequence: [UInt8] = []
        var linkType: LinkType?
        var previous: Int64?
        while sequence.count < maximumBytes, let record = try? reader.next() {
            if linkType == nil {
                linkType = record.linkType
                guard let selector = (0...255).first(where: { Self.linkType(selector: UInt8($0)) == record.linkType }) else { return nil }
                sequence.append(UInt8(selector))
            }
            guard record.linkType == linkType else { continue }
            let captured = min(record.bytes.count, 0xFFFF)
            let step = previous.map { (record.timestamp - $0) / 1_000_000 } ?? 0
            previous = record.timestamp
            sequence += [UInt8(captured & 0xFF), UInt8(captured >> 8), UInt8(min(max(record.wireLength - captured, 0), 255)),
                         UInt8(bitPattern: Int8(clamping: step))]
            sequence += record.bytes.prefix(captured).toArray()
        }
        return linkType == nil ? nil : sequence
    }

    static func runFile(_ data: UnsafeRawBufferPointer) {
        // An unlinked temporary file (in memory under /dev/shm when there is one).
        var template = Array((access("/dev/shm", W_OK) == 0 ? "/dev/shm/rstscope-fuzz-XXXXXX" : "/tmp/rstscope-fuzz-XXXXXX").utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else { return }
        template.withUnsafeBufferPointer { _ = unlink($0.baseAddress!) }
        defer { close(fd) }
        var written = 0
        while written < data.count {
            let n = write(fd, data.baseAddress! + written, data.count - written)
            guard n > 0 else { return }
            written += n
        }
        if let reader = try? CaptureFile.open("/proc/self/fd/\(fd)") { analyze(reader) }
        guard lseek(fd, 0, SEEK_SET) == 0, let streamed = try? CaptureFile.open(fileDescriptor: fd, name: "fuzz input") else { return }
        analyze(streamed)
    }

    static func analyze(_ reader: any PacketReader) {
        var reader = reader
        var pipeline = Pipeline(options: PipelineOptions(events: .all, format: .jsonl), output: OutputBuffer(fd: nil))
        _ = analyzeCapture(&reader, pipeline: &pipeline)
        finish(&pipeline)
    }

    static func finish(_ pipeline: inout Pipeline) {
        let problems = pipeline.finish()
        let summary = pipeline.finalSummary
        _ = SummaryReport.jsonLine(summary, linkTypeName: { "\($0.rawValue)" })
        _ = TextReport.connections(problems, total: summary.connections)
        _ = TextReport.events(summary.eventCounts)
    }
}
