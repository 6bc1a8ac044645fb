#if canImport(Glibc)
import CSupport
import Glibc
#endif
import PacketCore
import Synchronization
import Testing

/// `CaptureThread.both`: each stage's own result, and on two threads the stages really run at once
/// (the attribution pairs proxy legs while it judges resets; the merge of the shards' resets runs
/// beside the rest of the merge).
@Suite struct CaptureThreadTests {
    /// Announces itself, then waits (at most two seconds) for the other stage to announce itself:
    /// true if it did, which it can only while this one runs.
    static func meet(_ arrived: borrowing Atomic<Int>) -> Bool {
        arrived.wrappingAdd(1, ordering: .sequentiallyConsistent)
        let clock = ContinuousClock(), deadline = clock.now + .seconds(2)
        while arrived.load(ordering: .sequentiallyConsistent) < 2 && clock.now < deadline {}
        return arrived.load(ordering: .sequentiallyConsistent) == 2
    }

    @Test func twoThreadsRunBothStagesAtOnce() {
        let arrived = Atomic<Int>(0)
        let (a, b) = CaptureThread.both(threads: 2, { (Self.meet(arrived), "first") }, { (Self.meet(arrived), 2) })
        #expect(a.0 && b.0, "the stages did not overlap")
        #expect(a.1 == "first" && b.1 == 2)
    }

    #if canImport(Glibc)
    static func affinity() -> [UInt8] {
        var set = cpu_set_t()
        _ = sched_getaffinity(0, MemoryLayout<cpu_set_t>.size, &set)
        return withUnsafeBytes(of: set) { Array($0) }
    }

    /// A thread starts off its starter's CPU (when another is allowed) and is not left pinned:
    /// once moved, it may run on every CPU its starter may.
    @Test func aStartedThreadIsNotLeftPinned() {
        let starter = Self.affinity()
        let allowed = starter.reduce(0) { $0 + $1.nonzeroBitCount }
        var seen: [UInt8] = []
        let thread = CaptureThread { seen = Self.affinity() }
        thread.start()
        thread.join()
        #expect(seen == starter)
        // The move itself: done when another CPU is allowed, refused for a CPU that does not exist.
        #expect(csupport_leave_cpu(sched_getcpu()) == (allowed > 1 ? 0 : -1))
        #expect(Self.affinity() == starter)
        #expect(csupport_leave_cpu(-1) == -1)
    }
    #endif

    @Test func oneThreadRunsThemInOrder() {
        var order: [Int] = []
        let (a, b) = CaptureThread.both(threads: 1, { order.append(1); return [1, 2] }, { order.append(2); return 3.5 })
        #expect(order == [1, 2])
        #expect(a == [1, 2] && b == 3.5)
    }
}
