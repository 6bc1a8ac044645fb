import Foundation
import PacketCapture
import PacketCore
import TestSupport
import Testing

/// A record's essentials, kept after the reader moves on.
struct RecordDigest: Equatable, CustomStringConvertible {
    var frame: Int
    var timestamp: Int64
    var wireLength: Int
    var interface: Int
    var linkType: UInt32
    var bytes: [UInt8]

    init(_ record: CaptureRecord) {
        frame = record.frame
        timestamp = record.timestamp
        wireLength = record.wireLength
        interface = record.interface
        linkType = record.linkType.rawValue
        bytes = record.bytes.toArray()
    }

    var description: String { "frame \(frame) ts \(timestamp) len \(bytes.count)/\(wireLength) if \(interface) lt \(linkType)" }
}

/// Reads every record (and the error that ended the read, if any).
func readAll(_ reader: inout any PacketReader) -> ([RecordDigest], CaptureError?) {
    var records: [RecordDigest] = []
    do {
        while let record = try reader.next() { records.append(RecordDigest(record)) }
        return (records, nil)
    } catch {
        return (records, error)
    }
}

func readAll(path: String, reader kind: ReaderKind = .native) throws -> ([RecordDigest], CaptureError?) {
    var reader = try CaptureFile.open(path, reader: kind)
    return readAll(&reader)
}

/// Reads a file through the stream path (as standard input would be read).
func readAllStreamed(path: String) throws -> ([RecordDigest], CaptureError?) {
    let fd = open(path, O_RDONLY)
    defer { close(fd) }
    var reader = try CaptureFile.open(fileDescriptor: fd, name: path)
    return readAll(&reader)
}

@Suite struct ReaderTests {
    @Test(.enabled(if: Corpus.isAvailable, "needs ../shared/captures"))
    func streamedReadsEqualMappedReads() throws {
        for entry in Corpus.catalog where entry.format == "pcapng" || entry.features.contains("gzip") {
            let (mapped, mappedError) = try readAll(path: entry.path)
            let (streamed, streamedError) = try readAllStreamed(path: entry.path)
            #expect(mappedError == nil, "\(entry.id): \(String(describing: mappedError))")
            #expect(streamedError == nil, "\(entry.id): \(String(describing: streamedError))")
            #expect(mapped.count == entry.packets, "\(entry.id): \(mapped.count) records, catalog says \(entry.packets)")
            if mapped != streamed {
                let firstDiff = zip(mapped, streamed).first { $0 != $1 }
                Issue.record("\(entry.id): mapped \(mapped.count) streamed \(streamed.count); first difference \(String(describing: firstDiff))")
            }
        }
    }
}


/// Writes bytes to a temporary file and returns its path.
func temporaryFile(_ bytes: [UInt8], suffix: String = ".pcap") throws -> String {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("rstscope-\(UUID().uuidString)\(suffix)").path
    try Data(bytes).write(to: URL(fileURLWithPath: path))
    return path
}

@Suite struct HandBuiltReaderTests {
    @Test(arguments: [(false, false), (true, false), (false, true), (true, true)])
    func classicPcapInEveryByteOrderAndPrecision(bigEndian: Bool, nanosecond: Bool) throws {
        let bytes = CaptureFileBuilder.pcap(bigEndian: bigEndian, nanosecond: nanosecond, linkType: 101, records: [
            (1_700_000_000, 123_456, nil, [0x45, 0, 0, 20]),
            (1_700_000_001, 999_999, 1500, Array(repeating: 7, count: 60)),
        ])
        let path = try temporaryFile(bytes)
        defer { unlink(path) }
        let (records, error) = try readAll(path: path)
        #expect(error == nil)
        #expect(records.count == 2)
        let scale: Int64 = nanosecond ? 1 : 1000
        #expect(records[0].timestamp == 1_700_000_000 * 1_000_000_000 + 123_456 * scale)
        #expect(records[1].timestamp == 1_700_000_001 * 1_000_000_000 + 999_999 * scale)
        #expect(records[0].bytes == [0x45, 0, 0, 20])
        #expect(records[1].wireLength == 1500 && records[1].bytes.count == 60)
        #expect(records.allSatisfy { $0.linkType == 101 })
        #expect(records.map(\.frame) == [1, 2])
    }

    @Test func recordLargerThanWiresharkAllowsIsCorrupt() throws {
        var bytes = CaptureFileBuilder.pcap(records: [(1, 0, nil, [1, 2, 3])])
        // A second record header claiming 300000 captured bytes.
        var b = CaptureFileBuilder()
        b.u32(2); b.u32(0); b.u32(300_000); b.u32(300_000)
        bytes += b.bytes
        let path = try temporaryFile(bytes)
        defer { unlink(path) }
        let (records, error) = try readAll(path: path)
        #expect(records.count == 1)
        guard case .corrupt = error else { Issue.record("expected corrupt, got \(String(describing: error))"); return }
    }

    @Test func pcapngSectionsInBothByteOrdersWithTimestampResolutions() throws {
        var little = CaptureFileBuilder(bigEndian: false)
        little.sectionHeader()
        little.interfaceDescription(linkType: 1, snaplen: 65535, options: [(2, Array("eth0".utf8)), (9, [9])])  // ns
        little.interfaceDescription(linkType: 113, options: [(9, [0x80 | 10]), (14, [10, 0, 0, 0, 0, 0, 0, 0])])  // 2^-10 s, +10 s
        little.enhancedPacket(interface: 0, timestamp: 1_700_000_000_123_456_789, data: [1, 2, 3, 4, 5], wireLength: 60)
        little.customBlock(type: 0x0000_0BAD, body: [9, 9, 9, 9])  // unknown to us: skipped by length
        little.enhancedPacket(interface: 1, timestamp: 1024 * 5 + 512, data: [6])
        little.simplePacket(data: [7, 7, 7])
        little.obsoletePacket(interface: 1, timestamp: 2048, data: [8, 8])
        var big = CaptureFileBuilder(bigEndian: true)
        big.sectionHeader()
        big.interfaceDescription(linkType: 101)  // default resolution: microseconds
        big.enhancedPacket(interface: 0, timestamp: 3_000_001, data: [0x45])
        little.append(big)
        let path = try temporaryFile(little.bytes, suffix: ".pcapng")
        defer { unlink(path) }
        let (records, error) = try readAll(path: path)
        #expect(error == nil)
        #expect(records.map(\.frame) == [1, 2, 3, 4, 5])
        #expect(records.map(\.linkType) == [1, 113, 1, 113, 101])
        #expect(records.map(\.interface) == [0, 1, 0, 1, 2])
        #expect(records[0].timestamp == 1_700_000_000_123_456_789)
        #expect(records[0].wireLength == 60 && records[0].bytes == [1, 2, 3, 4, 5])
        #expect(records[1].timestamp == 15_500_000_000)  // 5.5 s at 2^-10 plus the 10 s offset
        #expect(records[2].bytes == [7, 7, 7])            // simple packet: interface 0, no time
        #expect(records[3].timestamp == 12_000_000_000)   // 2 s + 10 s
        #expect(records[4].timestamp == 3_000_001_000)
        // Streamed (as stdin) gives the same records.
        let (streamed, streamedError) = try readAllStreamed(path: path)
        #expect(streamedError == nil && streamed == records)
    }

    @Test func pcapngPacketNamingAnUndescribedInterfaceIsCorrupt() throws {
        var b = CaptureFileBuilder()
        b.sectionHeader()
        b.interfaceDescription(linkType: 1)
        b.enhancedPacket(interface: 0, timestamp: 0, data: [1])
        b.enhancedPacket(interface: 3, timestamp: 0, data: [2])
        let path = try temporaryFile(b.bytes, suffix: ".pcapng")
        defer { unlink(path) }
        let (records, error) = try readAll(path: path)
        #expect(records.count == 1)
        guard case .corrupt = error else { Issue.record("expected corrupt, got \(String(describing: error))"); return }
    }

    @Test func notACaptureFileAndEmptyFile() throws {
        for bytes: [UInt8] in [[], [1, 2], Array("hello world, not a capture".utf8)] {
            let path = try temporaryFile(bytes)
            defer { unlink(path) }
            #expect(throws: CaptureError.self) { _ = try CaptureFile.open(path) }
            do { _ = try CaptureFile.open(path) } catch {
                guard case .notACaptureFile = error else { Issue.record("\(bytes.count) bytes: \(error)"); continue }
            }
        }
        #expect(throws: CaptureError.fileNotFound(path: "/nonexistent/x.pcap")) { _ = try CaptureFile.open("/nonexistent/x.pcap") }
    }
}

/// The offsets where the records of a file end (pcap: header then records; pcapng: blocks that are
/// packets), computed independently of the readers.
func recordEndOffsets(_ bytes: [UInt8], format: String) -> [Int] {
    func u32(_ at: Int, _ big: Bool) -> Int {
        let v = bytes[at..<at + 4].reduce(0) { $0 << 8 | Int($1) }
        return big ? v : Int(UInt32(v).byteSwapped)
    }
    var ends: [Int] = []
    if format == "pcapng" {
        var offset = 0, big = false
        while offset + 12 <= bytes.count {
            if u32(offset, true) == 0x0A0D_0D0A { big = u32(offset + 8, true) == 0x1A2B_3C4D }
            let length = u32(offset + 4, big), type = u32(offset, big)
            guard length >= 12, offset + length <= bytes.count else { break }
            offset += length
            if type == 2 || type == 3 || type == 6 { ends.append(offset) }
        }
    } else {
        let big = bytes[0] == 0xA1
        var offset = 24
        while offset + 16 <= bytes.count {
            let end = offset + 16 + u32(offset + 8, big)
            guard end <= bytes.count else { break }
            ends.append(end)
            offset = end
        }
    }
    return ends
}

@Suite struct TruncatedFileTests {
    /// Cuts real captures at seeded offsets: every complete record comes out, then `.truncated`
    /// (or nothing more when the cut falls exactly on a record boundary).
    @Test(.enabled(if: Corpus.isAvailable, "needs ../shared/captures"))
    func cutCopiesYieldEveryCompleteRecordThenAClearError() throws {
        var generator = SplitMix64(seed: 0x5EED)
        let entries = Corpus.catalog.filter { !$0.features.contains("gzip") && $0.packets >= 20 && $0.packets <= 400 }
        var checked = 0
        for entry in entries where generator.next() % 8 == 0 {
            let full = try [UInt8](Data(contentsOf: URL(fileURLWithPath: entry.path)))
            let format = entry.format == "pcapng" ? "pcapng" : "pcap"
            let ends = recordEndOffsets(full, format: format)
            #expect(ends.count == entry.packets, "\(entry.id)")
            let (all, _) = try readAll(path: entry.path)
            for _ in 0..<3 {
                let cut = Int(generator.next() % UInt64(full.count - 40)) + 40
                let path = try temporaryFile(Array(full[..<cut]))
                defer { unlink(path) }
                let (records, error) = try readAll(path: path)
                let complete = ends.filter { $0 <= cut }.count
                #expect(records.count == complete, "\(entry.id) cut at \(cut)")
                #expect(records == Array(all.prefix(records.count)), "\(entry.id) cut at \(cut)")
                if ends.contains(cut) {
                    #expect(error == nil, "\(entry.id) cut at boundary \(cut)")
                } else if case .truncated = error {
                } else {
                    Issue.record("\(entry.id) cut at \(cut): expected truncated, got \(String(describing: error))")
                }
            }
            checked += 1
        }
        print("TruncatedFileTests: \(checked) captures cut at 3 seeded offsets each")
        #expect(checked > 50)
    }
}

@Suite struct LibpcapAgreementTests {
    /// Our pcap reader and libpcap's agree frame by frame on every classic pcap of the corpus, but
    /// for two documented libpcap behaviours that Wireshark (whose truth we match) does not share:
    /// libpcap cuts a record longer than the file's snaplen to the snaplen, and it converts an
    /// invalid microsecond field (a million or more) to nanoseconds in 32 bits, which wraps.
    @Test(.enabled(if: Corpus.isAvailable, "needs ../shared/captures"))
    func nativeAndLibpcapReadersAgree() throws {
        var compared = 0, cutToSnaplen = 0, wrappedFractions = 0
        for entry in Corpus.catalog where entry.format != "pcapng" && !entry.features.contains("gzip") {
            let (native, nativeError) = try readAll(path: entry.path)
            let (viaLibpcap, libpcapError) = try readAll(path: entry.path, reader: .libpcap)
            #expect(nativeError == nil && libpcapError == nil, "\(entry.id): \(String(describing: nativeError)) \(String(describing: libpcapError))")
            let header = try [UInt8](Data(contentsOf: URL(fileURLWithPath: entry.path)).prefix(24))
            let big = header[0] == 0xA1
            let snaplen = header[16..<20].reduce(0) { $0 << 8 | Int($1) }
            let fileSnaplen = big ? snaplen : Int(UInt32(snaplen).byteSwapped)
            let normalized = zip(native, viaLibpcap).map { (ours, theirs) -> RecordDigest in
                var r = ours
                r.linkType = LinkType(fromDLT: LinkType(r.linkType).dlt).rawValue
                if r.bytes.count > fileSnaplen && fileSnaplen > 0 {
                    r.bytes = Array(r.bytes.prefix(fileSnaplen))
                    cutToSnaplen += 1
                }
                let difference = r.timestamp - theirs.timestamp
                if difference != 0 && difference % (1 << 32) == 0 {
                    r.timestamp = theirs.timestamp
                    wrappedFractions += 1
                }
                return r
            }
            #expect(native.count == viaLibpcap.count, "\(entry.id)")
            if normalized != Array(viaLibpcap.prefix(normalized.count)) {
                let first = zip(normalized, viaLibpcap).first { $0 != $1 }
                Issue.record("\(entry.id): first difference \(String(describing: first))")
            }
            compared += 1
        }
        print("LibpcapAgreementTests: \(compared) classic pcap files compared frame by frame; "
              + "\(cutToSnaplen) records cut by libpcap to the snaplen, \(wrappedFractions) invalid microsecond fields wrapped")
        #expect(compared > 1000)
        #expect(cutToSnaplen < 20 && wrappedFractions < 5)
    }

    @Test(.enabled(if: Corpus.isAvailable, "needs ../shared/captures"))
    func gzipFilesHaveTheCatalogRecordCount() throws {
        let gzipped = Corpus.catalog.filter { $0.features.contains("gzip") }
        #expect(gzipped.count >= 15)
        for entry in gzipped {
            let (records, error) = try readAll(path: entry.path)
            #expect(error == nil, "\(entry.id)")
            #expect(records.count == entry.packets, "\(entry.id)")
        }
    }
}
