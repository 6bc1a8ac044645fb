#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import PacketCore

/// A read-only memory map of a whole file; unmapped when the last reference goes.
public final class MappedFile {
    private let address: UnsafeMutableRawPointer?
    public let count: Int

    /// Maps `fd` (size `count`); nil when mapping is not possible (a pipe, an empty file).
    init?(fd: Int32, count: Int) {
        guard count > 0 else { return nil }
        let address = mmap(nil, count, PROT_READ, MAP_PRIVATE, fd, 0)
        guard let address, address != MAP_FAILED else { return nil }
        #if canImport(Glibc)
        _ = madvise(address, count, MADV_SEQUENTIAL)
        #endif
        self.address = address
        self.count = count
    }

    /// The whole file; valid while this object lives.
    public var bytes: ByteView { ByteView(unsafeStart: UnsafeRawPointer(address), count: count) }

    deinit {
        if let address { munmap(address, count) }
    }
}

/// A `ByteSource` over a mapped file: peeks are free and never copy.
public struct MappedSource: ByteSource {
    private let file: MappedFile
    private let all: ByteView
    private var offset = 0

    public init(_ file: MappedFile) {
        self.file = file
        self.all = file.bytes
    }

    public mutating func peek(_ count: Int) throws(CaptureError) -> ByteView? {
        all.has(count, at: offset) ? all.slice(offset, count) : nil
    }

    public mutating func consume(_ count: Int) { offset += count }
    public var position: Int64 { Int64(offset) }
    public mutating func isAtEnd() throws(CaptureError) -> Bool { offset >= all.count }
    /// Bytes left in the file (for progress reports).
    public var totalSize: Int { all.count }
}
