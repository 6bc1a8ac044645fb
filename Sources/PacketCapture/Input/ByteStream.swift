#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Something that fills buffers with the next bytes of an input: a file descriptor, a gzip inflater.
public protocol ByteStream: AnyObject {
    /// Reads up to `buffer.count` bytes; 0 means end of input.
    func read(into buffer: UnsafeMutableRawBufferPointer) throws(CaptureError) -> Int
}

/// A file descriptor read with read(2), optionally after bytes already taken from it (a sniffed
/// magic number). Closes the descriptor at the end when it owns it.
public final class FileDescriptorStream: ByteStream {
    let fd: Int32
    private let ownsDescriptor: Bool
    private var pending: [UInt8]
    private var pendingOffset = 0

    public init(fd: Int32, owning: Bool, alreadyRead: [UInt8] = []) {
        self.fd = fd
        self.ownsDescriptor = owning
        self.pending = alreadyRead
    }

    deinit {
        if ownsDescriptor { close(fd) }
    }

    /// Reads until `count` bytes or the end of input (for sniffing a header).
    func readUpTo(_ count: Int) throws(CaptureError) -> [UInt8] {
        let scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: count, alignment: 1)
        defer { scratch.deallocate() }
        var filled = 0
        while filled < count {
            let n = try read(into: UnsafeMutableRawBufferPointer(rebasing: scratch[filled...]))
            if n == 0 { break }
            filled += n
        }
        return Array(UnsafeRawBufferPointer(rebasing: scratch[..<filled]))
    }

    public func read(into buffer: UnsafeMutableRawBufferPointer) throws(CaptureError) -> Int {
        guard buffer.count > 0 else { return 0 }
        if pendingOffset < pending.count {
            let n = min(buffer.count, pending.count - pendingOffset)
            pending.withUnsafeBytes { src in
                buffer.baseAddress!.copyMemory(from: src.baseAddress! + pendingOffset, byteCount: n)
            }
            pendingOffset += n
            return n
        }
        while true {
            let n = Glibc.read(fd, buffer.baseAddress, buffer.count)
            if n >= 0 { return n }
            if errno == EINTR { continue }
            throw .io(reason: String(cString: strerror(errno)))
        }
    }
}
