#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// The times that do not fit a `TimeSlot`, whole: one table for the process, appended to and never
/// shrunk, so that a slot's index stays valid wherever its connection is copied (a finished
/// tracker's summaries, a report's facts) without the record holding a reference to count.
///
/// Few connections need it (in a microsecond capture, those longer than 35.8 minutes; in a
/// nanosecond one, those longer than 2.1 seconds) and each takes at most one entry per slot. An
/// index is handed out under a lock; entries are read and written without one, by the thread
/// that owns the connection or after it was handed over (the shards are joined before their
/// records are read elsewhere). Pages are zeroed on demand: what is never used costs no memory.
public final class WideTimes: @unchecked Sendable {
    public static let shared = WideTimes()

    private static let pageShift = 16
    private static let pageMask = (1 << pageShift) - 1
    /// Pages of 65,536 entries (512 KiB); room for 2^31 - 2 entries, the indices a slot can hold.
    private static let pageLimit = 1 << 15
    private let directory: UnsafeMutablePointer<UnsafeMutablePointer<Int64>?>
    private let used = Mutex(0)

    private init() {
        guard let memory = calloc(Self.pageLimit, MemoryLayout<UnsafeMutablePointer<Int64>?>.stride) else {
            fatalError("WideTimes: out of memory")
        }
        directory = memory.bindMemory(to: UnsafeMutablePointer<Int64>?.self, capacity: Self.pageLimit)
    }

    /// A new entry holding `value`; its index.
    @usableFromInline
    func append(_ value: Int64) -> UInt32 {
        let index = used.withLock { used -> Int in
            let index = used
            precondition(index < Int(TimeSlot.zero & ~TimeSlot.wide), "WideTimes: more than 2^31 wide times")
            if index & Self.pageMask == 0 {
                guard let page = calloc(Self.pageMask + 1, MemoryLayout<Int64>.stride) else {
                    fatalError("WideTimes: out of memory")
                }
                directory[index >> Self.pageShift] = page.bindMemory(to: Int64.self, capacity: Self.pageMask + 1)
            }
            used += 1
            return index
        }
        self[index] = value
        return UInt32(index)
    }

    @usableFromInline
    subscript(index: Int) -> Int64 {
        get { directory[index >> Self.pageShift]![index & Self.pageMask] }
        set { directory[index >> Self.pageShift]![index & Self.pageMask] = newValue }
    }
}
