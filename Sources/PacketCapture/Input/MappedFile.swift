#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import PacketCore
import Synchronization

/// A read-only memory map of a whole file; unmapped when the last reference goes. Several readers
/// may go through it at once (the shards of `--threads`), each at its own pace.
public final class MappedFile: @unchecked Sendable {
    private let address: UnsafeMutableRawPointer?
    public let count: Int
    /// Where each reader is, how far ahead is mapped, and what is already dropped behind them all.
    private let progress = Mutex(Progress())

    private struct Progress {
        /// Per reader; nil once it finished.
        var positions: [Int?] = []
        var populated = 0
        var released = 0
        var slowest: Int { positions.lazy.compactMap { $0 }.min() ?? Int.max }
    }

    /// How far a reader may run ahead of the slowest (the mapped span, and so the memory, stays
    /// bounded; the shards of one input finish together anyway).
    static let maximumLead = 8 * window

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

    /// Bytes mapped ahead of the readers in one call, and kept behind the slowest.
    static let window = 4 << 20

    /// A new reader, at the start.
    func register() -> Int {
        progress.withLock { p in
            p.positions.append(0)
            return p.positions.count - 1
        }
    }

    /// A reader has reached `offset`: the next window is mapped in one call
    /// (`MADV_POPULATE_READ`, instead of a page fault every 64 KiB), and the pages more than a
    /// window behind every reader are dropped from this process (`MADV_DONTNEED`: they stay in
    /// the page cache and would fault back in if touched), so a multi-gigabyte file costs a few MiB.
    func advance(reader: Int, to offset: Int) {
        #if canImport(Glibc)
        guard let address else { return }
        let page = 4096
        // Too far ahead of another reader: wait for it (it moves, or it finishes and stops counting).
        while progress.withLock({ p in
            p.positions[reader] = offset
            return offset - p.slowest > Self.maximumLead
        }) {
            usleep(200)
        }
        progress.withLock { p in
            let end = min(count, offset + 2 * Self.window)
            let start = max(p.populated, offset / page * page)
            if end > start {
                if madvise(address + start, end - start, 22 /* MADV_POPULATE_READ, Linux 5.14 */) != 0 {
                    _ = madvise(address + start, end - start, MADV_WILLNEED)
                }
                p.populated = end / page * page  // madvise takes page-aligned addresses
            }
            let behind = max(0, min(p.slowest, count) - Self.window) / page * page
            if behind > p.released {
                _ = madvise(address + p.released, behind - p.released, MADV_DONTNEED)
                p.released = behind
            }
        }
        #endif
    }

    /// A reader is done (at the end, or given up): the others no longer wait for it.
    func finish(reader: Int) {
        progress.withLock { p in p.positions[reader] = nil }
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
    /// This source's place among the mapping's readers, taken at its first step (-1 before).
    private var reader = -1

    public init(_ file: MappedFile) {
        self.file = file
        self.all = file.bytes
    }

    /// Another source over the same mapping, at the start (a shard of a multi-threaded read).
    public func rewound() -> MappedSource? { MappedSource(file) }

    /// This source reads no more: other readers of the mapping stop waiting for it.
    public func finish() { if reader >= 0 { file.finish(reader: reader) } }

    public mutating func peek(_ count: Int) throws(CaptureError) -> ByteView? {
        all.has(count, at: offset) ? all.slice(offset, count) : nil
    }

    @inline(__always)
    public mutating func consume(_ count: Int) {
        offset += count
        // The next record's header, and the first line of its packet.
        all.prefetch(offset)
        all.prefetch(offset + 64)
        if offset >= nextAdvance {
            if reader < 0 { reader = file.register() }
            file.advance(reader: reader, to: offset)
            nextAdvance = offset + MappedFile.window
        }
    }
    public var position: Int64 { Int64(offset) }
    public mutating func isAtEnd() throws(CaptureError) -> Bool { offset >= all.count }
    /// Bytes left in the file (for progress reports).
    public var totalSize: Int { all.count }
}
