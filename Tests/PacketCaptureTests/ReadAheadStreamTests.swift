import Foundation
import PacketCapture
import PacketCore
import Synchronization
import TestSupport
import Testing

/// A stream of seeded bytes handed out in reads of seeded sizes, then its end or an error; it
/// counts its reads (from the read-ahead thread) and can be endless.
private final class SeededStream: ByteStream, @unchecked Sendable {
    private var generator: SplitMix64
    private var remaining: Int
    private let failure: CaptureError?
    let reads = Atomic<Int>(0)

    init(seed: UInt64, count: Int, failure: CaptureError? = nil) {
        generator = SplitMix64(seed: seed)
        remaining = count
        self.failure = failure
    }

    /// The bytes it gives, in order.
    static func bytes(seed: UInt64, count: Int) -> [UInt8] {
        var generator = SplitMix64(seed: seed)
        return (0..<count).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws(CaptureError) -> Int {
        reads.add(1, ordering: .relaxed)
        if remaining == 0 {
            if let failure { throw failure }
            return 0
        }
        // A short read now and then, as a pipe or an inflater gives them (sizes from the length,
        // not the generator: the bytes stay the ones `bytes` lists).
        let n = min(buffer.count, remaining, remaining % 7 == 0 ? 1 : 4093)
        for i in 0..<n { buffer[i] = UInt8(truncatingIfNeeded: generator.next()) }
        remaining -= n
        return n
    }
}

/// Nothing carried into the next block.
private var noTail: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: nil, count: 0) }

/// Takes `stream`'s blocks to its end; returns their bytes and the error, if any.
private func drain(_ stream: ReadAheadStream) -> ([UInt8], CaptureError?) {
    var out: [UInt8] = []
    do {
        while let block = try stream.lend(carrying: noTail) { out.append(contentsOf: block) }
        return (out, nil)
    } catch {
        return (out, error)
    }
}

@Suite struct ReadAheadStreamTests {
    @Test func bytesComeOutInOrderAcrossManyBlocks() {
        let count = 300_001
        let stream = ReadAheadStream(SeededStream(seed: 7, count: count), blockSize: 4096, blocks: 2)
        let (bytes, error) = drain(stream)
        #expect(error == nil)
        #expect(bytes == SeededStream.bytes(seed: 7, count: count))
        // Past the end it stays ended.
        let (more, again) = drain(stream)
        #expect(more.isEmpty && again == nil)
    }

    @Test func theErrorComesOnceAfterEveryByteBeforeIt() {
        let cut = CaptureError.truncated(reason: "gzip data ends inside a compressed member", offset: 50_000)
        let stream = ReadAheadStream(SeededStream(seed: 9, count: 50_000, failure: cut), blockSize: 3000, blocks: 3)
        let (bytes, error) = drain(stream)
        #expect(bytes == SeededStream.bytes(seed: 9, count: 50_000))
        #expect(error == cut)
        let (more, again) = drain(stream)
        #expect(more.isEmpty && again == nil)
    }

    /// A reader that stops early (a capture that is not one, a failed record) lets the thread go:
    /// it stops reading its input, and the stream goes away without waiting for the input's end.
    @Test func aReaderThatStopsEarlyEndsTheThread() {
        let endless = SeededStream(seed: 3, count: .max)
        do {
            let stream = ReadAheadStream(endless, blockSize: 1024, blocks: 2)
            #expect((try? stream.lend(carrying: noTail))??.count == 1024)
        }  // deinit: cancels and joins
        let reads = endless.reads.load(ordering: .relaxed)
        usleep(20_000)
        #expect(endless.reads.load(ordering: .relaxed) == reads)
        #expect(reads < 100)  // a few blocks' worth: it never ran far ahead
    }

    /// A `StreamSource` reading the blocks in place: views of every size, most across a block
    /// boundary and some across several blocks, hold the stream's bytes at their position; the
    /// end and the stream's error come after the last byte.
    @Test func aSourceReadsTheBlocksInPlaceAcrossTheirBoundaries() throws {
        let count = 200_003
        let expected = SeededStream.bytes(seed: 11, count: count)
        let cut = CaptureError.truncated(reason: "cut", offset: Int64(count))
        for failure in [nil, cut] {
            let source = StreamSource(borrowing: ReadAheadStream(SeededStream(seed: 11, count: count, failure: failure), blockSize: 1000, blocks: 3))
            var position = 0, size = 1, mismatches = 0
            var ending: CaptureError?
            do {
                while true {
                    guard let view = try source.peek(size) else { break }
                    if view.toArray() != Array(expected[position..<position + size]) { mismatches += 1 }
                    // Consume part of it (the rest is asked for again, with more, by the next peek).
                    let step = max(1, size * 2 / 3)
                    source.consume(step)
                    position += step
                    size = size * 7 % 4_099 + 1
                }
                // Fewer bytes than asked for are left: they are the last ones.
                let rest = count - position
                #expect(rest < size)
                let tail = try source.peek(rest)
                #expect(tail?.toArray() == Array(expected[position...]))
                source.consume(rest)
                #expect(try source.isAtEnd())
            } catch {
                ending = error
            }
            #expect(mismatches == 0 && source.position == Int64(position + (ending == nil ? count - position : 0)))
            #expect(ending == failure, "\(String(describing: ending))")
        }
    }

    /// Records of megabytes (a pcapng block may hold 16 MiB) carried across 1 MiB blocks, the
    /// carried bytes given back when their block is: the views still hold the stream's bytes.
    @Test func aSourceCarriesRecordsLargerThanABlock() throws {
        let count = 12_000_000
        let expected = SeededStream.bytes(seed: 13, count: count)
        let source = StreamSource(borrowing: ReadAheadStream(SeededStream(seed: 13, count: count), blockSize: 1 << 20, blocks: 3))
        var position = 0, mismatches = 0
        for size in [1, 2_500_000, 10, 3_000_001, 5, 1_048_576, 4_000_000] {
            let view = try #require(try source.peek(size))
            if view.toArray() != Array(expected[position..<position + size]) { mismatches += 1 }
            source.consume(size)
            position += size
        }
        #expect(mismatches == 0)
        #expect(try source.peek(count - position)?.count == count - position)
    }

    /// Real captures gzip-compressed, then cut at seeded offsets: read through the read-ahead
    /// thread, every record that was inflated comes out as the plain file has it, then `.truncated`;
    /// the whole compressed file gives every record and no error.
    @Test(.enabled(if: Corpus.isAvailable, "needs ../shared/captures"))
    func cutGzipCapturesYieldTheirRecordsThenAClearError() throws {
        var generator = SplitMix64(seed: 0x6217)
        let entries = Corpus.catalog.filter { !$0.features.contains("gzip") && $0.packets >= 50 && $0.packets <= 2000 }
        var checked = 0
        for entry in entries where generator.next() % 4 == 0 {
            let (all, plainError) = try readAll(path: entry.path)
            #expect(plainError == nil && all.count == entry.packets, "\(entry.id)")
            let compressed = try [UInt8](gzipped(Data(contentsOf: URL(fileURLWithPath: entry.path))))
            let whole = try temporaryFile(compressed, suffix: ".pcap.gz")
            defer { unlink(whole) }
            let (records, error) = try readAll(path: whole)
            #expect(error == nil && records == all, "\(entry.id) whole")
            for _ in 0..<2 {
                let cut = Int(generator.next() % UInt64(compressed.count - 20)) + 20
                let path = try temporaryFile(Array(compressed[..<cut]), suffix: ".pcap.gz")
                defer { unlink(path) }
                // (Cut before the file header is whole, the open itself says so.)
                let (records, error): ([RecordDigest], CaptureError?)
                do { (records, error) = try readAll(path: path) } catch let opening as CaptureError { (records, error) = ([], opening) }
                #expect(records == Array(all.prefix(records.count)), "\(entry.id) cut at \(cut)")
                if case .truncated = error {} else {
                    Issue.record("\(entry.id) cut at \(cut) of \(compressed.count): expected truncated, got \(String(describing: error))")
                }
            }
            checked += 1
        }
        print("ReadAheadStreamTests: \(checked) gzip captures, whole and cut at 2 seeded offsets each")
        #expect(checked > 30)
    }
}
