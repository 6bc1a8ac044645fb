import Foundation
import PacketCapture
import PacketCore
import TestSupport
import Testing

/// The reader of a mapped pcapng file parses one packet block ahead (it checks a block's trailing
/// length once the next header is in memory). The stream reader checks each block at once. Both
/// must return the same records and fail at the same place, with the same error. After each
/// record, they must show the same interfaces. After a failure, they must fail the same way again.
@Suite struct PcapngLookAheadTests {
    /// What a reader showed: after each record, the record and how many interfaces it listed;
    /// then the error (nil: a clean end), and what a further `next()` gave.
    struct Trace: Equatable {
        var steps: [(record: RecordDigest, interfaces: Int)] = []
        var error: CaptureError?
        var again: CaptureError?

        static func == (a: Trace, b: Trace) -> Bool {
            a.steps.count == b.steps.count && zip(a.steps, b.steps).allSatisfy { $0.record == $1.record && $0.interfaces == $1.interfaces }
                && a.error == b.error && a.again == b.again
        }
    }

    static func trace(_ reader: inout any PacketReader) -> Trace {
        var trace = Trace()
        do {
            while let record = try reader.next() { trace.steps.append((RecordDigest(record), reader.interfaceDescriptions.count)) }
            return trace
        } catch {
            trace.error = error
        }
        do { _ = try reader.next() } catch { trace.again = error }
        return trace
    }

    /// A capture with a second interface described between packets, every kind of packet block
    /// and a block that is no packet; and where each of its blocks starts.
    static func capture() -> (bytes: [UInt8], blocks: [Int]) {
        var b = CaptureFileBuilder()
        var starts: [Int] = []
        func mark() { starts.append(b.bytes.count) }
        mark(); b.sectionHeader()
        mark(); b.interfaceDescription(linkType: 1, options: [(9, [9])])
        mark(); b.enhancedPacket(interface: 0, timestamp: 1_700_000_000_000_000_001, data: Array(repeating: 0x11, count: 61))
        mark(); b.enhancedPacket(interface: 0, timestamp: 1_700_000_000_000_000_002, data: [0x22])
        mark(); b.interfaceDescription(linkType: 101)
        mark(); b.enhancedPacket(interface: 1, timestamp: 3_000_001, data: [0x45, 0, 0, 20])
        mark(); b.customBlock(type: 0x0000_0BAD, body: [9, 9, 9, 9])
        mark(); b.simplePacket(data: [7, 7, 7])
        mark(); b.obsoletePacket(interface: 1, timestamp: 2048, data: [8, 8])
        mark(); b.enhancedPacket(interface: 0, timestamp: 5, data: Array(repeating: 0x33, count: 130))
        return (b.bytes, starts)
    }

    static func compare(_ bytes: [UInt8], _ label: String) throws {
        let path = try temporaryFile(bytes, suffix: ".pcapng")
        defer { unlink(path) }
        var mapped = try CaptureFile.open(path)
        #expect(mapped.readsMappedFile, "\(label): not read through the mapping")
        let fd = open(path, O_RDONLY)
        defer { close(fd) }
        var streamed = try CaptureFile.open(fileDescriptor: fd, name: path)
        let a = trace(&mapped), b = trace(&streamed)
        #expect(a == b, "\(label): mapped \(a.steps.count) records, \(String(describing: a.error)); streamed \(b.steps.count), \(String(describing: b.error))")
    }

    @Test func aWholeFileReadsTheSameAndShowsEachInterfaceFromItsPlace() throws {
        let (bytes, _) = Self.capture()
        try Self.compare(bytes, "whole")
        let path = try temporaryFile(bytes, suffix: ".pcapng")
        defer { unlink(path) }
        var reader = try CaptureFile.open(path)
        let trace = Self.trace(&reader)
        #expect(trace.error == nil && trace.steps.count == 6)
        // The second interface is described after the second packet.
        #expect(trace.steps.map(\.interfaces) == [1, 1, 2, 2, 2, 2])
    }

    @Test func aBadTrailerFailsWhereTheStreamReaderFails() throws {
        let (bytes, starts) = Self.capture()
        let ends = Array(starts.dropFirst()) + [bytes.count]
        for (k, end) in ends.enumerated() where k > 0 {  // (the section header's trailer: the same check)
            var broken = bytes
            broken[end - 4] ^= 0x40
            try Self.compare(broken, "trailer of block \(k)")
        }
    }

    @Test func aBadBodyWithABadTrailerReportsTheTrailer() throws {
        let (bytes, starts) = Self.capture()
        // The third packet (block 5) names interface 7: corrupt body; and its trailer is wrong too.
        var broken = bytes
        broken[starts[5] + 8] = 7
        try Self.compare(broken, "bad interface")
        broken[starts[6] - 4] ^= 0x40
        try Self.compare(broken, "bad interface and trailer")
    }

    @Test func aCutFileEndsWhereTheStreamReaderEnds() throws {
        let (bytes, starts) = Self.capture()
        for cut in Set(starts.flatMap { [$0, $0 + 6, $0 + 20] } + [bytes.count - 2]).sorted() where cut > 12 && cut < bytes.count {
            try Self.compare(Array(bytes.prefix(cut)), "cut at \(cut)")
        }
    }
}
