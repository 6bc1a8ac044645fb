#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import PacketCore

/// A read-only memory map of a whole file, read front to back by one reader; unmapped when the
/// last reference goes. The records' bytes are read in place (other threads may analyze them
/// while the reader goes on, `--threads`): pages stay mapped a little way behind the reader.
public final class MappedFile: @unchecked Sendable {
    private let address: UnsafeMutableRawPointer?
    public let count: Int
    /// How far ahead is mapped, and what is already dropped behind the reader.
    private var populated = 0
    private var released = 0

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

    /// How often the reader tells the file where it is; the bytes mapped ahead of it; and the
    /// bytes kept behind it (more than a `RecordRing` lets a consumer lag on a capture of
    /// average packets; a consumer further behind faults the pages back in). At most 5 MiB of the
    /// file are held at a time (16 with the 4 MiB step and window before: 4-8 MiB more peak memory).
    static let step = 1 << 20
    static let ahead = 2 << 20
    static let behind = 2 << 20

    /// The reader has reached `offset`: the bytes up to `ahead` are mapped in one call
    /// (`MADV_POPULATE_READ`, instead of a page fault every 64 KiB), and the pages more than
    /// `behind` back are dropped from this process (`MADV_DONTNEED`: they stay in the page cache
    /// and would fault back in if touched), so a multi-gigabyte file costs a few MiB.
    func advance(to offset: Int) {
        #if canImport(Glibc)
        guard let address else { return }
        let page = 4096
        // Drops first: mapping first held a step more at once (the peak memory counts it).
        let behind = max(0, min(offset, count) - Self.behind) / page * page
        if behind > released {
            _ = madvise(address + released, behind - released, MADV_DONTNEED)
            released = behind
        }
        let end = min(count, offset + Self.ahead)
        let start = max(populated, offset / page * page)
        if end > start {
            if madvise(address + start, end - start, 22 /* MADV_POPULATE_READ, Linux 5.14 */) != 0 {
                _ = madvise(address + start, end - start, MADV_WILLNEED)
            }
            populated = end / page * page  // madvise takes page-aligned addresses
        }
        #endif
    }

    /// Drops every page still held (the reading is over; `advance` keeps a few MiB).
    func releaseAll() {
        #if canImport(Glibc)
        guard let address, released < count else { return }
        _ = madvise(address + released, count - released, MADV_DONTNEED)
        released = count
        populated = count
        #endif
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
    /// Where the file is next told how far the reading got.
    private var nextAdvance = 0
    /// How far ahead of the reader a line is prefetched (see `consume`).
    static let lookAhead = 2048

    public init(_ file: MappedFile) {
        self.file = file
        self.all = file.bytes
    }

    public mutating func peek(_ count: Int) throws(CaptureError) -> ByteView? {
        all.has(count, at: offset) ? all.slice(offset, count) : nil
    }

    @inline(__always)
    public mutating func consume(_ count: Int) {
        offset += count
        // The next record's header, and the first line of its packet; and the line 2 KiB on (a few
        // records ahead), whose page the hardware then streams: the reader touches only the
        // headers of each record, too sparse a walk for the prefetcher to find alone. (2M-packet
        // capture, 11 interleaved runs: 0.384 -> 0.373 s with two threads; 512 and 8192 gained less.)
        all.prefetch(offset)
        all.prefetch(offset + 64)
        all.prefetch(offset + Self.lookAhead)
        if offset >= nextAdvance {
            file.advance(to: offset)
            nextAdvance = offset + MappedFile.step
        }
    }
    /// The reading is over: the file's pages still held are dropped.
    public func releaseAll() { file.releaseAll() }
    public var position: Int64 { Int64(offset) }
    public mutating func isAtEnd() throws(CaptureError) -> Bool { offset >= all.count }
    /// Bytes left in the file (for progress reports).
    public var totalSize: Int { all.count }
}
