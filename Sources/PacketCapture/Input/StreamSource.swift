import PacketCore
#if canImport(Glibc)
import Glibc
#endif

/// A `ByteSource` over a stream (standard input, a gzip file): a buffer that grows to the largest
/// record and is refilled in large reads; or, over a `ReadAheadStream`, its blocks read in place
/// (a record cut by a block boundary is carried in front of the next block). Views stay valid
/// until the next `peek` or `consume`.
public final class StreamSource: ByteSource {
    /// Where the bytes come from: read into this source's buffer, or lent in place.
    private enum Feed {
        case reading(any ByteStream)
        case borrowing(ReadAheadStream)
    }
    private let feed: Feed
    /// Its own buffer (a few bytes when blocks are borrowed: it is never filled then).
    private var buffer: UnsafeMutableRawBufferPointer
    /// The bytes at hand: `buffer`, or the region lent last.
    private var region: UnsafeRawPointer
    private var start = 0        // first unconsumed byte of the region
    private var end = 0          // one past the last byte of the region
    private var consumedBefore: Int64 = 0
    private var inputEnded = false
    /// Whatever must outlive the reads (the stream that owns the file descriptor).
    var keepAlive: AnyObject?

    /// Reads `input` into a buffer of its own.
    public init(_ input: any ByteStream) {
        feed = .reading(input)
        buffer = .allocate(byteCount: 4 << 20, alignment: 16)
        region = UnsafeRawPointer(buffer.baseAddress!)
    }

    /// Reads `blocks`' blocks where they are (`ReadAheadStream.lend`).
    public init(borrowing blocks: ReadAheadStream) {
        feed = .borrowing(blocks)
        buffer = .allocate(byteCount: 16, alignment: 16)
        region = UnsafeRawPointer(buffer.baseAddress!)
    }

    deinit { buffer.deallocate() }

    public func peek(_ count: Int) throws(CaptureError) -> ByteView? {
        if end - start < count {
            try more(toHold: count)
            if end - start < count { return nil }
        }
        return ByteView(unsafeStart: region + start, count: count)
    }

    public func consume(_ count: Int) {
        precondition(count <= end - start, "StreamSource: consumed more than was peeked")
        start += count
        consumedBefore += Int64(count)
    }

    public var position: Int64 { consumedBefore }

    public func isAtEnd() throws(CaptureError) -> Bool {
        if end > start { return false }
        try more(toHold: 1)
        return end == start
    }

    /// Until `count` unconsumed bytes are at hand or the input ends.
    private func more(toHold count: Int) throws(CaptureError) {
        switch feed {
        case .reading(let input): try fill(from: input, toHold: count)
        case .borrowing(let blocks): try borrow(from: blocks, toHold: count)
        }
    }

    /// Takes blocks until `count` unconsumed bytes are at hand or the input ends.
    private func borrow(from blocks: ReadAheadStream, toHold count: Int) throws(CaptureError) {
        while end - start < count && !inputEnded {
            let tail = UnsafeRawBufferPointer(start: region + start, count: end - start)
            guard let lent = try blocks.lend(carrying: tail) else {
                inputEnded = true
                return
            }
            region = lent.baseAddress!
            start = 0
            end = lent.count
        }
    }

    /// Reads until `count` unconsumed bytes are buffered or the input ends.
    private func fill(from input: any ByteStream, toHold count: Int) throws(CaptureError) {
        if start > 0 {
            // Slide the unconsumed tail to the front (at most one record's worth).
            let tail = end - start
            if tail > 0 { memmove(buffer.baseAddress!, buffer.baseAddress! + start, tail) }
            start = 0
            end = tail
        }
        if count > buffer.count {
            let larger = UnsafeMutableRawBufferPointer.allocate(byteCount: max(count, buffer.count * 2), alignment: 16)
            if end > 0 { larger.baseAddress!.copyMemory(from: buffer.baseAddress!, byteCount: end) }
            buffer.deallocate()
            buffer = larger
            region = UnsafeRawPointer(buffer.baseAddress!)
        }
        while end < count && !inputEnded {
            let room = UnsafeMutableRawBufferPointer(rebasing: buffer[end..<buffer.count])
            let n = try input.read(into: room)
            if n == 0 { inputEnded = true } else { end += n }
        }
    }
}
