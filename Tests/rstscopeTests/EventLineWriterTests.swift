import Foundation
import PacketCapture
import PacketCore
import Reporting
@testable import RstscopeKit
import TestSupport
import Testing

/// The event lines of a multi-threaded run leave while the shards read: `EventLineWriter` merges
/// what each shard's `EventSpool` hands over, by frame, up to the lowest watermark.
struct EventLineWriterTests {
    /// An ACK RTT event line of `connection` (a shard's own index) at `frame` (`rtt` tells a
    /// frame's lines apart).
    static func event(_ frame: Int, connection: Int, rtt: Int64 = 250_000) -> EventRecord {
        EventRecord(frame: frame, time: 1_700_000_000_000_000_000 + Int64(frame) * 1_000, connection: connection, kind: -1,
                    isDuplicate: false, number: frame - 1, detail: rtt)
    }

    /// The lines one pass writes for `events` (frame, stream number).
    static func singlePass(_ events: [(EventRecord, Int)]) -> String {
        let output = OutputBuffer(fd: nil)
        for (event, stream) in events { event.write(to: output, stream: stream) }
        return output.text
    }

    /// What one pass writes for ACK RTT lines (`Self.event`) of these frames, connections and streams.
    static func singlePass(_ lines: [(frame: Int, connection: Int, stream: Int)]) -> String {
        singlePass(lines.map { (Self.event($0.frame, connection: $0.connection), $0.stream) })
    }

    /// `shards` spools and the writer that merges them into a pipe.
    static func writer(shards: Int) -> (pipe: PipeOutput, spools: [EventSpool], writer: EventLineWriter) {
        let pipe = PipeOutput()
        let spools = (0..<shards).map { _ in EventSpool(leading: []) }
        return (pipe, spools, EventLineWriter(spools: spools, output: pipe.output))
    }

    /// A writer into a pipe that flushes every line, and what the pipe has received so far.
    final class PipeOutput {
        let output: OutputBuffer
        private let readEnd: Int32
        private(set) var received: [UInt8] = []

        init() {
            var ends: [Int32] = [0, 0]
            precondition(pipe(&ends) == 0)
            _ = fcntl(ends[0], F_SETFL, O_NONBLOCK)
            readEnd = ends[0]
            output = OutputBuffer(fd: ends[1], flushThreshold: 1)
        }

        /// Waits (`milliseconds` at most) until `lines` lines have come; returns how many did.
        func waitFor(lines: Int, milliseconds: Int = 5000) -> Int {
            var chunk = [UInt8](repeating: 0, count: 65536)
            for _ in 0..<milliseconds {
                let n = read(readEnd, &chunk, chunk.count)
                if n > 0 { received += chunk[..<n] }
                let count = received.filter { $0 == UInt8(ascii: "\n") }.count
                if count >= lines { return count }
                usleep(1000)
            }
            return received.filter { $0 == UInt8(ascii: "\n") }.count
        }
        var text: String { String(decoding: received, as: UTF8.self) }
    }

    /// Ends every shard's spool and returns what the pipe received once `lines` lines have come (read
    /// before the writer is joined: the pipe holds 64 KiB).
    static func finish(_ spools: [EventSpool], _ writer: EventLineWriter, _ pipe: PipeOutput, lines: Int) -> String {
        for spool in spools { spool.finish() }
        #expect(pipe.waitFor(lines: lines) == lines)
        writer.wait()
        return pipe.text
    }

    @Test func linesLeaveBeforeTheShardsEnd() {
        let (pipe, spools, writer) = Self.writer(shards: 2)
        let a = spools[0], b = spools[1]
        a.appendCreation(frame: 1)
        a.append(Self.event(2, connection: 0))
        b.appendCreation(frame: 3)
        b.append(Self.event(4, connection: 0))
        a.append(Self.event(5, connection: 0))
        a.publish(through: 5)
        b.publish(through: 5)
        // Both shards are still reading: the three lines are written all the same.
        #expect(pipe.waitFor(lines: 3) == 3)
        b.append(Self.event(7, connection: 0))
        // Streams in the order the connections were created across the shards: a's 0, b's 1.
        #expect(Self.finish([a, b], writer, pipe, lines: 4) == Self.singlePass([(2, 0, 0), (4, 0, 1), (5, 0, 0), (7, 0, 1)]))
    }

    @Test func aShardBehindHoldsBackTheLinesAfterItsWatermark() {
        let (pipe, spools, writer) = Self.writer(shards: 2)
        let a = spools[0], b = spools[1]
        a.appendCreation(frame: 1)
        a.append(Self.event(1, connection: 0))
        a.append(Self.event(6, connection: 0))
        a.publish(through: 6)
        b.publish(through: 2)  // b has read up to frame 2 only: frame 6 must wait for it
        #expect(pipe.waitFor(lines: 1) == 1)
        #expect(pipe.waitFor(lines: 2, milliseconds: 50) == 1)
        b.appendCreation(frame: 3)
        b.append(Self.event(3, connection: 0))
        b.appendCreation(frame: 4)
        b.append(Self.event(4, connection: 1))
        #expect(Self.finish([b, a], writer, pipe, lines: 4) == Self.singlePass([(1, 0, 0), (3, 0, 1), (4, 1, 2), (6, 0, 0)]))
    }

    /// Three shards, 6,000 frames of one to three lines each: lines across many chunks (512
    /// entries each, so a frame's lines and its connection's creation often straddle two), handed
    /// over every 100 frames, come out as one pass writes them.
    @Test func manyChunksFromThreeShardsMergeAsOnePass() {
        let (pipe, spools, writer) = Self.writer(shards: 3)
        var expected: [(EventRecord, Int)] = []
        var created = [[Int]](repeating: [], count: 3)  // a shard's connections -> their streams
        var streams = 0, state: UInt32 = 12345
        for frame in 1...6000 {
            state = state &* 1_103_515_245 &+ 12345
            let shard = Int(state >> 16) % 3
            if created[shard].isEmpty || (state >> 8) % 10 == 0 {
                spools[shard].appendCreation(frame: frame)
                created[shard].append(streams)
                streams += 1
            }
            for line in 0...Int(state >> 24) % 3 {
                let connection = Int(state >> (20 - line)) % created[shard].count
                let event = Self.event(frame, connection: connection, rtt: 250_000 + Int64(line))
                spools[shard].append(event)
                expected.append((event, created[shard][connection]))
            }
            if frame % 100 == 0 { spools[shard].publish(through: frame) }
        }
        #expect(expected.count > 10_000)
        #expect(Self.finish(spools, writer, pipe, lines: expected.count) == Self.singlePass(expected))
    }

    /// A mapped capture's reader that, before it returns frame `pauseAt`, waits (5 s at most)
    /// until `file` has some bytes, and notes how many: what the run wrote while still reading.
    struct PausingReader: PacketReader {
        final class Seen: @unchecked Sendable { var bytesBeforePause = -1 }
        var inner: any PacketReader
        let pauseAt: Int
        let file: String
        let seen = Seen()

        mutating func next() throws(CaptureError) -> CaptureRecord? {
            let record = try inner.next()
            if record?.frame == pauseAt {
                for _ in 0..<5000 {
                    seen.bytesBeforePause = (try? FileManager.default.attributesOfItem(atPath: file)[.size] as? Int) ?? 0
                    if seen.bytesBeforePause > 0 { break }
                    usleep(1000)
                }
            }
            return record
        }
        var formatName: String { inner.formatName }
        var interfaceDescriptions: [InterfaceDescription] { inner.interfaceDescriptions }
        var readsMappedFile: Bool { inner.readsMappedFile }
        func releaseReadPages() { inner.releaseReadPages() }
    }

    /// One connection of 12,000 frames, on three threads: one shard at least gets none of its
    /// records, only the reader's marks, and its watermark must move on all the same, or every
    /// line waits for the end of the read.
    @Test func aShardWithoutRecordsHoldsNothingBack() throws {
        var segments: [ScenarioCapture.Segment] = []
        func send(_ fromClient: Bool, _ flags: UInt16, seq: UInt32, ack: UInt32, length: Int = 0) {
            segments.append(ScenarioCapture.Segment(
                time: 1_700_000_000_000_000_000 + Int64(segments.count) * 1_000_000, source: fromClient ? 0x0A00_0001 : 0x0A00_0002,
                destination: fromClient ? 0x0A00_0002 : 0x0A00_0001, sourcePort: fromClient ? 40000 : 80,
                destinationPort: fromClient ? 80 : 40000, sequence: seq, acknowledgment: ack, flags: flags, window: 65535,
                windowScale: nil, payloadLength: length, ipID: UInt16(truncatingIfNeeded: segments.count)))
        }
        send(true, 0x002, seq: 1000, ack: 0)
        send(false, 0x012, seq: 5000, ack: 1001)
        for i in 0..<5999 {  // 100-byte requests, each ACKed: an ACK RTT line each
            let seq = UInt32(1001 + i * 100)
            send(true, 0x018, seq: seq, ack: 5001, length: 100)
            send(false, 0x010, seq: 5001, ack: seq + 100)
        }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("rstscope-spool-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let capture = directory.appendingPathComponent("one.pcap").path, lines = directory.appendingPathComponent("lines").path
        try Data(ScenarioCapture.pcap(segments)).write(to: URL(fileURLWithPath: capture))
        let options = PipelineOptions(events: .all, format: .jsonl)

        let fd = open(lines, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        #expect(fd >= 0)
        let output = OutputBuffer(fd: fd, flushThreshold: 1)
        let reader = PausingReader(inner: try CaptureFile.open(capture), pauseAt: 10_000, file: lines)
        #expect(reader.readsMappedFile)
        var threaded = analyzeShardedCapture(reader, threads: 3, options: options, output: output).pipeline
        threaded.completeInput()
        _ = threaded.finish()
        output.flush()
        close(fd)
        // Lines had left by frame 10,000 (the reader marks every 2,048 frames). Without the marks
        // the idle shard's watermark stays at -1 and nothing leaves before the end.
        #expect(reader.seen.bytesBeforePause > 0)

        let one = OutputBuffer(fd: nil)
        var single = Pipeline(options: options, output: one)
        var plain = try CaptureFile.open(capture)
        _ = analyzeCapture(&plain, pipeline: &single)
        single.completeInput()
        _ = single.finish()
        #expect(one.bytes.count > 5000 * 100)
        #expect([UInt8](try Data(contentsOf: URL(fileURLWithPath: lines))) == one.bytes)
    }
}
