#if canImport(Glibc)
import Glibc
#endif
import PacketCore

/// Reads another stream on a thread of its own, a few blocks ahead of its reader: a gzip capture
/// is inflated (and its CRC checked) on one core while the reader's thread analyzes it on another.
/// Inflating is a large part of reading a compressed capture (with zlib, half of the 2M-packet
/// capture's single-threaded run; with igzip, 0.3 s against the analysis's 0.45), and a stream is
/// read on one thread only (its buffer is reused), so without this the two took turns.
///
/// The bytes come out as the stream gave them, then its error (once) or its end: a capture cut
/// short still yields every byte before the cut. They are read in place, a block at a time
/// (`lend`, what `StreamSource(borrowing:)` uses): copying every byte once more out of its block
/// took a tenth of the 2M-packet capture's gzip run, on the analysis thread.
public final class ReadAheadStream {
    private let queue: BlockQueue
    private let thread: CaptureThread
    /// The block lent last (`lend`), handed back at the next.
    private var lent: Block?

    /// Room before each block's bytes for what its reader had not finished of the block before: a
    /// record cut by the block boundary is whole there. The largest record a reader asks for at
    /// once (a pcapng block of 16 MiB) fits; the room is address space, touched only as it is used.
    public static let headroom = 16 << 20

    /// `blocks` buffers of `blockSize` bytes circulate between the two threads. `owner` is what
    /// must outlive every read of `input` (the stream that closes its file descriptor): the thread
    /// holds it, so a descriptor cannot close, and its number be reused, while the thread reads.
    public init(_ input: any ByteStream, owner: AnyObject? = nil, blockSize: Int = 512 << 10, blocks: Int = 4) {
        let queue = BlockQueue(blocks: (0..<max(blocks, 2)).map { _ in Block(capacity: max(blockSize, 1)) })
        self.queue = queue
        thread = CaptureThread {
            withExtendedLifetime(owner) { ReadAheadStream.fill(from: input, into: queue) }
        }
        thread.start()
    }

    deinit {
        queue.cancel()  // a reader that stops early does not leave the thread waiting for room
        thread.join()
    }

    /// The next block's bytes in place, after `tail` (the unread end of the region lent before, or
    /// of the caller's own buffer: at most `headroom` bytes), copied in front of them; valid until
    /// the next call, which hands the block back. Nil at the end of the input (the region lent
    /// before stays valid); the input's error once its bytes are all lent.
    public func lend(carrying tail: UnsafeRawBufferPointer) throws(CaptureError) -> UnsafeRawBufferPointer? {
        precondition(tail.count <= Self.headroom, "ReadAheadStream: more left over than a block's headroom")
        guard let block = try queue.next() else { return nil }
        let start = block.bytes.baseAddress! - tail.count
        if tail.count > 0 { start.copyMemory(from: tail.baseAddress!, byteCount: tail.count) }
        block.carried = tail.count
        if let previous = lent {  // (after the copy: the tail may be in it)
            previous.releaseCarried()
            queue.recycle(previous)
        }
        lent = block
        return UnsafeRawBufferPointer(start: start, count: tail.count + block.count)
    }

    /// The thread's loop: fills free blocks from `input` until it ends, fails or is cancelled.
    private static func fill(from input: any ByteStream, into queue: BlockQueue) {
        while let block = queue.takeFree() {
            block.count = 0
            var end: BlockQueue.End?
            do {
                while block.count < block.bytes.count {
                    let n = try input.read(into: UnsafeMutableRawBufferPointer(rebasing: block.bytes[block.count...]))
                    if n == 0 { end = .ended; break }
                    block.count += n
                }
            } catch {
                end = .failed(error)
            }
            queue.publish(block, end: end)
            if end != nil { return }
        }
    }
}

/// A buffer and how much of it holds data; owned by one thread at a time (handed over under the
/// queue's lock). Mapped with `ReadAheadStream.headroom` bytes before it, untouched until a tail
/// is copied there (a mapping of its own: malloc could hand back heap pages already touched).
private final class Block: @unchecked Sendable {
    let bytes: UnsafeMutableRawBufferPointer
    private let mapping: UnsafeMutableRawPointer
    private let mappedBytes: Int
    var count = 0
    /// Bytes of the block before carried into the headroom (`lend`).
    var carried = 0

    init(capacity: Int) {
        mappedBytes = ReadAheadStream.headroom + capacity
        guard let address = mmap(nil, mappedBytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0),
              address != MAP_FAILED else { fatalError("ReadAheadStream: cannot map \(mappedBytes) bytes") }
        mapping = address
        bytes = UnsafeMutableRawBufferPointer(start: address + ReadAheadStream.headroom, count: capacity)
    }

    /// A large record carried into the headroom gives its pages back (a block keeps a few KiB of
    /// an ordinary record's tail; a 16 MiB pcapng block's would stay with it).
    func releaseCarried() {
        let page = 4096
        guard carried > 1 << 20 else { return }
        let from = (ReadAheadStream.headroom - carried) / page * page
        _ = madvise(mapping + from, ReadAheadStream.headroom - from, MADV_DONTNEED)
        carried = 0
    }

    deinit { munmap(mapping, mappedBytes) }
}

/// The blocks between the two threads: free ones for the filler, filled ones (in order) for the
/// reader, and how the input ended. One lock and one condition (either side waits for the other).
private final class BlockQueue: @unchecked Sendable {
    enum End {
        case ended
        case failed(CaptureError)
    }

    private let lock = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let changed = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    /// (A few blocks each: taking the first of `filled` moves at most a few references.)
    private var free: [Block]
    private var filled: [Block] = []
    private var end: End?
    private var cancelled = false

    init(blocks: [Block]) {
        free = blocks
        pthread_mutex_init(lock, nil)
        pthread_cond_init(changed, nil)
    }

    deinit {
        pthread_cond_destroy(changed)
        pthread_mutex_destroy(lock)
        lock.deallocate()
        changed.deallocate()
    }

    private func locked<R, Failure: Error>(_ body: () throws(Failure) -> R) throws(Failure) -> R {
        pthread_mutex_lock(lock)
        defer { pthread_mutex_unlock(lock) }
        return try body()
    }

    /// (Filler.) A free block, waiting for one; nil once the reader is gone.
    func takeFree() -> Block? {
        locked {
            while free.isEmpty && !cancelled { pthread_cond_wait(changed, lock) }
            return cancelled ? nil : free.removeLast()
        }
    }

    /// (Filler.) A filled block (kept only if it holds bytes), and the end of the input if it came.
    func publish(_ block: Block, end: End?) {
        locked {
            if block.count > 0 { filled.append(block) } else { free.append(block) }
            if let end { self.end = end }
            pthread_cond_signal(changed)
        }
    }

    /// (Reader.) The next filled block, waiting for it; nil at the end of the input; the input's
    /// error once its bytes are all read (then nil).
    func next() throws(CaptureError) -> Block? {
        try locked { () throws(CaptureError) -> Block? in
            while filled.isEmpty && end == nil { pthread_cond_wait(changed, lock) }
            if !filled.isEmpty { return filled.removeFirst() }
            if case .failed(let error) = end {
                self.end = .ended
                throw error
            }
            return nil
        }
    }

    /// (Reader.) A block read to its end goes back to the filler.
    func recycle(_ block: Block) {
        locked {
            free.append(block)
            pthread_cond_signal(changed)
        }
    }

    /// (Reader, when it goes.) The filler stops at its next wait.
    func cancel() {
        locked {
            cancelled = true
            pthread_cond_signal(changed)
        }
    }
}
