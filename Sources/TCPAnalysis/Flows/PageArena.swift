#if canImport(Glibc)
import Glibc
#endif

/// Memory for the connection store's pages, carved from large anonymous mappings (no allocation
/// and no mapping per page). Untouched parts of a mapping cost address space only.
///
/// They are not advised for transparent huge pages (`MADV_HUGEPAGE`) any more: on the benchmark
/// machine a fresh 2 MiB page took ten times as long to fault in as the 4 KiB pages of the same
/// memory (the shard thread of a 2-thread run spent 52 ms of the 2M-packet capture zeroing them,
/// 5 ms now), the wall time is the same or better without them, and the last, partly used huge
/// page of each store counted whole in the peak (2.3 MiB more).
struct PageArena {
    /// Bytes of one mapping: the first is small (most captures hold few connections), later ones
    /// large.
    private static let firstChunk = 2 << 20
    private static let chunk = 32 << 20
    private var chunks: [(base: UnsafeMutableRawPointer, bytes: Int)] = []
    private var used = 0

    /// A zeroed region of `bytes` (at most a chunk), 64-byte aligned; it stays until `release`.
    mutating func allocate(bytes: Int) -> UnsafeMutableRawPointer {
        let size = (bytes + 63) & ~63
        precondition(size <= Self.chunk, "PageArena: region larger than a chunk")
        if chunks.isEmpty || used + size > chunks[chunks.count - 1].bytes {
            let length = max(chunks.isEmpty ? Self.firstChunk : Self.chunk, size)
            guard let base = mmap(nil, length, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0),
                  base != MAP_FAILED else {
                fatalError("PageArena: out of memory (\(length) bytes)")
            }
            chunks.append((base, length))
            used = 0
        }
        let region = chunks[chunks.count - 1].base + used
        used += size
        return region
    }

    /// Gives a region's whole pages back to the system (they read as zeros if touched again):
    /// the region is no longer used, though its chunk stays mapped until `release`.
    func discard(_ region: UnsafeMutableRawPointer, bytes: Int) {
        let page = 4096
        let start = (Int(bitPattern: region) + page - 1) & ~(page - 1)
        let end = (Int(bitPattern: region) + bytes) & ~(page - 1)
        guard end > start, let base = UnsafeMutableRawPointer(bitPattern: start) else { return }
        _ = madvise(base, end - start, MADV_DONTNEED)
    }

    /// Unmaps every chunk: every region handed out is gone.
    mutating func release() {
        for chunk in chunks { munmap(chunk.base, chunk.bytes) }
        chunks = []
        used = 0
    }
}
