import PacketCore
#if canImport(Glibc)
import Glibc
#endif

/// A `ByteSource` over a stream (standard input, a gzip file): a buffer that grows to the largest
/// record and is refilled in large reads. Views stay valid until the next `peek` or `consume`.
public final class StreamSource: ByteSource {
    private let input: any ByteStream
    private var buffer: UnsafeMutableRawBufferPointer
    private var start = 0        // first unconsumed byte
    private var end = 0          // one past the last buffered byte
    private var consumedBefore: Int64 = 0
    private var inputEnded = false
    /// Whatever must outlive the reads (the stream that owns the file descriptor).
    var keepAlive: AnyObject?
    private static var readSize: Int { 1 << 20 }

    public init(_ input: any ByteStream) {
        self.input = input
        self.buffer = .allocate(byteCount: 4 << 20, alignment: 16)
    }

    deinit { buffer.deallocate() }

    public func peek(_ count: Int) throws(CaptureError) -> ByteView? {
        if end - start < count {
            try fill(toHold: count)
            if end - start < count { return nil }
        }
        return ByteView(unsafeStart: UnsafeRawPointer(buffer.baseAddress! + start), count: count)
    }

    public func consume(_ count: Int) {
        precondition(count <= end - start, "StreamSource: consumed more than was peeked")
        start += count
        consumedBefore += Int64(count)
    }

    public var position: Int64 { consumedBefore }

    public func isAtEnd() throws(CaptureError) -> Bool {
        if end > start { return false }
        try fill(toHold: 1)
        return end == start
    }

    /// Reads until `count` unconsumed bytes are buffered or the input ends.
    private func fill(toHold count: Int) throws(CaptureError) {
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
        }
        while end < count && !inputEnded {
            let room = UnsafeMutableRawBufferPointer(rebasing: buffer[end..<buffer.count])
            let n = try input.read(into: room)
            if n == 0 { inputEnded = true } else { end += n }
        }
    }
}
