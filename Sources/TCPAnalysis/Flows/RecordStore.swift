/// One connection with its two directions: what the tracker keeps per `tcp.stream`, side by side
/// in memory (a segment touches its connection and both directions).
public struct ConnectionRecord: Sendable {
    public internal(set) var connection: Connection
    public internal(set) var side0 = DirectionState()
    public internal(set) var side1 = DirectionState()

    init(_ connection: Connection) { self.connection = connection }

    public func side(_ side: Int) -> DirectionState { side == 0 ? side0 : side1 }
}

/// The tracker's records while it takes packets.
public typealias ConnectionStore = RecordStore<ConnectionRecord>
/// A finished tracker's records (see `TCPTracker.finishTracking`).
public typealias SummaryStore = RecordStore<ConnectionSummary>

/// The records of one input, one per connection, in fixed-size pages: growing never moves a
/// record (no copy of the whole table and no doubling overshoot, which cost a third of the peak
/// memory), and the tracker updates a record in place instead of copying it out and back for
/// every segment.
///
/// The only pointer code of the tracker lives here (and in `PageArena`, which maps the pages, and
/// `PagedList`, the same paging for the lists of resets and SYN-ACKs);
/// every access is checked against `count`.
/// Records are plain data (no references), so pages need no deinitialization beyond freeing.
public final class RecordStore<Record: Sendable>: @unchecked Sendable {
    @inlinable static var pageShift: Int { 10 }
    @inlinable static var pageSize: Int { 1 << pageShift }  // 1024 records, about half a MiB
    /// (No dynamic exclusivity checks on these two: one owner mutates them, between reads, and they
    /// are read for every record access.)
    @usableFromInline @exclusivity(unchecked) var pages: [UnsafeMutablePointer<Record>] = []
    @exclusivity(unchecked) public private(set) var count = 0
    /// A merged store holds no pages: record `i` is at `merged[i]`, in one of `parts`' pages (the
    /// shards' stores, kept alive whole and never grown again: a merge copies no record).
    private let parts: [RecordStore]
    @usableFromInline let merged: [UnsafeMutablePointer<Record>]

    init() {
        parts = []
        merged = []
    }

    /// A store whose records are `parts`' records in the order `order` gives as (part, index).
    init(merging parts: [RecordStore], order: [(part: Int, index: Int)]) {
        self.parts = parts
        merged = order.map { parts[$0.part].address($0.index) }
        count = order.count
    }

    /// Where the pages live.
    @exclusivity(unchecked) private var arena = PageArena()

    deinit {
        arena.release()
    }

    private static var pageBytes: Int { MemoryLayout<Record>.stride * pageSize }

    /// Appends a record; returns its index.
    func append(_ record: Record) -> Int {
        precondition(merged.isEmpty, "RecordStore: a merged store takes no new records")
        if count == pages.count << Self.pageShift {
            pages.append(arena.allocate(bytes: Self.pageBytes).bindMemory(to: Record.self, capacity: Self.pageSize))
        }
        (pages[count >> Self.pageShift] + (count & (Self.pageSize - 1))).initialize(to: record)
        count += 1
        return count - 1
    }

    // (Inlinable: the report and the attribution read records from other modules, millions of
    // times on a busy capture; a call took more than the access.)
    @inlinable @inline(__always)
    func address(_ index: Int) -> UnsafeMutablePointer<Record> {
        precondition(index >= 0 && index < count, "RecordStore: index out of range")
        if !merged.isEmpty { return merged[index] }
        return pages[index >> Self.pageShift] + (index & (Self.pageSize - 1))
    }

    @inlinable
    public subscript(index: Int) -> Record {
        unsafeAddress { UnsafePointer(address(index)) }
        unsafeMutableAddress { address(index) }
    }

    /// Record `index`, read where it lies without a reference to this store (see `RecordReference`).
    public func reference(_ index: Int) -> RecordReference<Record> { RecordReference(address: address(index)) }

    /// Runs `body` on the record in place.
    @inline(__always)
    func withRecord<R>(_ index: Int, _ body: (inout Record) -> R) -> R {
        body(&address(index).pointee)
    }

    /// An independent copy (a tracker copied and then changed keeps value semantics).
    func copy() -> RecordStore { map { $0 } }

    /// A store of `transform` of every record, in order (this store is left as it is).
    func map<Other>(_ transform: (Record) -> Other) -> RecordStore<Other> {
        let result = RecordStore<Other>()
        for i in 0..<count { _ = result.append(transform(self[i])) }
        return result
    }

    /// The same as `map`, for records that become smaller, written over these in place: each page
    /// then gives its tail back to the system, and the result takes over the pages (this store is
    /// left empty). No memory is added, and none is zeroed for the new records.
    func compact<Other>(_ transform: (Record) -> Other) -> RecordStore<Other> {
        let from = MemoryLayout<Record>.stride, to = MemoryLayout<Other>.stride
        precondition(merged.isEmpty && to <= from && MemoryLayout<Other>.alignment <= MemoryLayout<Record>.alignment
                     && _isPOD(Record.self) && _isPOD(Other.self), "RecordStore: cannot compact in place")
        let result = RecordStore<Other>()
        for (p, page) in pages.enumerated() {
            let raw = UnsafeMutableRawPointer(page)
            // Record i is read whole before its smaller image is written, at a lower or equal
            // offset (to * i <= from * i): nothing not yet read is overwritten.
            for i in 0..<min(Self.pageSize, count - p << Self.pageShift) {
                let record = raw.load(fromByteOffset: from * i, as: Record.self)
                raw.storeBytes(of: transform(record), toByteOffset: to * i, as: Other.self)
            }
            arena.discard(raw + to * Self.pageSize, bytes: (from - to) * Self.pageSize)
            result.pages.append(raw.bindMemory(to: Other.self, capacity: Self.pageSize))
        }
        result.count = count
        result.arena = arena
        arena = PageArena()
        pages = []
        count = 0
        return result
    }
}

/// The connections of a tracker as a collection of `Connection` values (reports read them), from
/// its records while it takes packets and from its summaries once finished.
public struct ConnectionList: RandomAccessCollection, Sendable {
    let store: ConnectionStore
    let summaries: SummaryStore?
    public var startIndex: Int { 0 }
    public var endIndex: Int { summaries?.count ?? store.count }
    public subscript(index: Int) -> Connection { summaries.map { $0[index].connection } ?? store[index].connection }
}
