#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// Hands capture records from the thread that reads a mapped capture to one thread that analyzes
/// them: a bounded single-producer single-consumer queue. Only for records of a memory-mapped
/// input, whose bytes stay valid as long as the mapping (a copy of the record is the record).
///
/// The indices are published in batches (each side keeps a private copy and stores it every
/// `batch` records), so the two cores rarely touch the same cache line. The producer also stays
/// within `maximumLag` bytes of file ahead of the consumer: the mapping drops pages a few MiB
/// behind its reader, and the consumer's records must still be mapped when it gets to them.
public final class RecordRing: @unchecked Sendable {
    // Fields in cache-line groups (in declaration order): what both read and nobody writes; the
    // producer's own; the published indices; the consumer's own. A line one side writes all the
    // time holds nothing the other side reads. (Usable from inlined code: `push` and `pop` are
    // inlined into the loops of other modules. Called, a record went through memory on each side,
    // written field by field and read back 16 bytes at a time: a store-forwarding stall each.)
    @usableFromInline let slots: UnsafeMutablePointer<CaptureRecord>
    /// Per slot: what the record is for (see `Entry`).
    @usableFromInline let kinds: UnsafeMutablePointer<Entry>
    @usableFromInline let mask: Int
    @usableFromInline let batch = 32
    public static let maximumLag = 2 << 20
    @usableFromInline static let prefetchDistance = 8
    private let padding0 = Padding()
    // Producer side: its index, the consumer's as last seen.
    @usableFromInline @exclusivity(unchecked) var written = 0
    @usableFromInline @exclusivity(unchecked) var seenRead = 0
    private let padding1 = Padding()
    /// Records written (published by the producer).
    @usableFromInline let tail = Atomic<Int>(0)
    @usableFromInline let closed = Atomic<Bool>(false)
    private let padding2 = Padding()
    /// Records read (published by the consumer).
    @usableFromInline let head = Atomic<Int>(0)
    private let padding3 = Padding()
    // Consumer side: its index, the producer's as last seen.
    @usableFromInline @exclusivity(unchecked) var read = 0
    @usableFromInline @exclusivity(unchecked) var seenWritten = 0
    private let padding4 = Padding()

    /// A cache line of nothing.
    private struct Padding {
        let bytes: (Int, Int, Int, Int, Int, Int, Int, Int) = (0, 0, 0, 0, 0, 0, 0, 0)
    }

    /// A ring of `capacity` records (rounded up to a power of two).
    public init(capacity: Int = 2048) {
        var size = 64
        while size < capacity { size <<= 1 }
        slots = .allocate(capacity: size)
        kinds = .allocate(capacity: size)
        mask = size - 1
    }

    deinit {
        slots.deallocate()
        kinds.deallocate()
    }

    // MARK: producer

    /// What a slot holds.
    public enum Entry: UInt8, Sendable {
        /// A record of the consumer's connections.
        case owned
        /// A record every shard gets, which each decides on for itself (one the reader could not
        /// route by its headers alone).
        case shared
        /// Not a record to analyze: every record up to this one's frame has been routed (so
        /// once the consumer reaches it, it has had all of them).
        case watermark
    }

    /// Adds a record; waits while the ring is full or the consumer lags too far behind in the file.
    @inlinable @inline(__always)
    public func push(_ record: CaptureRecord, as entry: Entry = .owned) {
        var waits = 0
        while written - seenRead > mask || lagsTooFar(before: record) {
            tail.store(written, ordering: .releasing)
            seenRead = head.load(ordering: .acquiring)
            if written - seenRead > mask || lagsTooFar(before: record) { Self.pause(&waits) }
        }
        (slots + (written & mask)).initialize(to: record)
        kinds[written & mask] = entry
        written += 1
        if written & (batch - 1) == 0 { tail.store(written, ordering: .releasing) }
    }

    /// A watermark (see `Entry`), published at once: a consumer that gets no other records must
    /// still see it (records are published 32 at a time).
    public func pushWatermark(_ record: CaptureRecord) {
        push(record, as: .watermark)
        tail.store(written, ordering: .releasing)
    }

    /// The oldest record the consumer may still read starts more than `maximumLag` bytes before this one.
    @inlinable @inline(__always)
    func lagsTooFar(before record: CaptureRecord) -> Bool {
        guard written != seenRead else { return false }
        return record.bytes.distance(from: slots[seenRead & mask].bytes) > Self.maximumLag
    }

    /// No more records: the consumer's `pop` returns nil once it has taken the rest.
    public func close() {
        tail.store(written, ordering: .releasing)
        closed.store(true, ordering: .releasing)
    }

    // MARK: consumer

    /// The next record and what it is for; waits for one, nil once the ring is closed and empty.
    @inlinable @inline(__always)
    public func pop() -> (record: CaptureRecord, entry: Entry)? {
        if read == seenWritten {
            head.store(read, ordering: .releasing)
            var waits = 0
            while true {
                // `closed` first: a close seen means the tail read after it is the last one.
                let isClosed = closed.load(ordering: .acquiring)
                seenWritten = tail.load(ordering: .acquiring)
                if read != seenWritten { break }
                if isClosed { return nil }
                Self.pause(&waits)
            }
        }
        let record = slots[read & mask], entry = kinds[read & mask]
        // The packet a few records on: its first line is in memory by the time it is decoded (the
        // reader touched it on another core, or not at all).
        if read + Self.prefetchDistance < seenWritten { slots[(read + Self.prefetchDistance) & mask].bytes.prefetch(0) }
        read += 1
        if read & (batch - 1) == 0 { head.store(read, ordering: .releasing) }
        return (record, entry)
    }

    /// The other side is behind: give it the core for a moment (it may share this one), then,
    /// when the wait goes on, sleep (a ring fills in a few hundred microseconds; a spinning
    /// thread would burn a core the other side may need).
    @usableFromInline static func pause(_ waits: inout Int) {
        waits += 1
        if waits < 64 { sched_yield() } else { usleep(50) }
    }
}

/// The rings of a multi-threaded read, one per shard the reading thread routes to, pushed to
/// without touching their reference counts per record (the two threads would fight over them).
public struct RecordRouter {
    public let rings: [RecordRing]
    @usableFromInline let references: [Unmanaged<RecordRing>]

    public init(count: Int) {
        rings = (0..<count).map { _ in RecordRing() }
        references = rings.map { Unmanaged.passUnretained($0) }
    }

    /// `record` to ring `index` (the rings live as long as this router).
    @inlinable @inline(__always)
    public func push(_ record: CaptureRecord, to index: Int) {
        references[index]._withUnsafeGuaranteedRef { $0.push(record) }
    }

    /// `record` to every ring, shared.
    public func broadcast(_ record: CaptureRecord) {
        for ring in rings { ring.push(record, as: .shared) }
    }

    /// Tells every ring's consumer that the records up to `record`'s frame are all routed.
    public func markRouted(through record: CaptureRecord) {
        for ring in rings { ring.pushWatermark(record) }
    }

    public func close() {
        for ring in rings { ring.close() }
    }
}
