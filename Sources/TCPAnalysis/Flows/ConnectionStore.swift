/// One connection with its two directions: what the tracker keeps per `tcp.stream`, side by side
/// in memory (a segment touches its connection and both directions).
public struct ConnectionRecord: Sendable {
    public internal(set) var connection: Connection
    public internal(set) var side0 = DirectionState()
    public internal(set) var side1 = DirectionState()

    init(_ connection: Connection) { self.connection = connection }

    public func side(_ side: Int) -> DirectionState { side == 0 ? side0 : side1 }
}

/// The connection records of one input, in fixed-size pages: growing never moves a record (no
/// copy of the whole table and no doubling overshoot, which cost a third of the peak memory), and
/// the tracker updates a record in place instead of copying it out and back for every segment.
///
/// The only pointer code of the tracker lives here (and in `PageArena`, which maps the pages, and
/// `PagedList`, the same paging for the lists of resets and SYN-ACKs);
/// every access is checked against `count`.
/// Records are plain data (no references), so pages need no deinitialization beyond freeing.
public final class ConnectionStore: @unchecked Sendable {
    @usableFromInline static let pageShift = 10
    @usableFromInline static let pageSize = 1 << pageShift  // 1024 records, about half a MiB
    /// (No dynamic exclusivity checks on these two: one owner mutates them, between reads, and they
    /// are read for every record access.)
    @usableFromInline @exclusivity(unchecked) var pages: [UnsafeMutablePointer<ConnectionRecord>] = []
    @exclusivity(unchecked) public private(set) var count = 0
    /// A merged store holds no pages: record `i` is at `merged[i]`, in one of `parts`' pages (the
    /// shards' stores, kept alive whole and never grown again: a merge copies no record).
    private let parts: [ConnectionStore]
    @usableFromInline let merged: [UnsafeMutablePointer<ConnectionRecord>]

    init() {
        parts = []
        merged = []
    }

    /// A store whose records are `parts`' records in the order `order` gives as (part, index).
    init(merging parts: [ConnectionStore], order: [(part: Int, index: Int)]) {
        self.parts = parts
        merged = order.map { parts[$0.part].address($0.index) }
        count = order.count
    }

    /// Where the pages live (huge-page backed where the kernel allows).
    @exclusivity(unchecked) private var arena = PageArena()

    deinit {
        arena.release()
    }

    /// Appends a record; returns its index.
    func append(_ record: ConnectionRecord) -> Int {
        precondition(merged.isEmpty, "ConnectionStore: a merged store takes no new records")
        if count == pages.count << Self.pageShift {
            let bytes = MemoryLayout<ConnectionRecord>.stride * Self.pageSize
            pages.append(arena.allocate(bytes: bytes).bindMemory(to: ConnectionRecord.self, capacity: Self.pageSize))
        }
        (pages[count >> Self.pageShift] + (count & (Self.pageSize - 1))).initialize(to: record)
        count += 1
        return count - 1
    }

    // (Inlinable: the report and the attribution read records from other modules, millions of
    // times on a busy capture; a call took more than the access.)
    @inlinable @inline(__always)
    func address(_ index: Int) -> UnsafeMutablePointer<ConnectionRecord> {
        precondition(index >= 0 && index < count, "ConnectionStore: index out of range")
        if !merged.isEmpty { return merged[index] }
        return pages[index >> Self.pageShift] + (index & (Self.pageSize - 1))
    }

    @inlinable
    public subscript(index: Int) -> ConnectionRecord {
        unsafeAddress { UnsafePointer(address(index)) }
        unsafeMutableAddress { address(index) }
    }

    /// Runs `body` on the record in place.
    @inline(__always)
    func withRecord<R>(_ index: Int, _ body: (inout ConnectionRecord) -> R) -> R {
        body(&address(index).pointee)
    }

    /// An independent copy (a tracker copied and then changed keeps value semantics).
    func copy() -> ConnectionStore {
        let result = ConnectionStore()
        for i in 0..<count { _ = result.append(self[i]) }
        return result
    }
}

/// The connections of a tracker as a collection of `Connection` values (reports read them).
public struct ConnectionList: RandomAccessCollection, Sendable {
    let store: ConnectionStore
    public var startIndex: Int { 0 }
    public var endIndex: Int { store.count }
    public subscript(index: Int) -> Connection { store[index].connection }
}
