#if canImport(Glibc)
import Glibc
#endif
import CSupport
import Synchronization

/// Runs a blocking loop (libpcap's dispatch, a shard's read, a gzip inflater) on a thread of its
/// own, outside Swift concurrency's cooperative pool.
public final class CaptureThread: @unchecked Sendable {
    private var thread = pthread_t()
    private let body: () -> Void
    private let finished = Atomic<Bool>(false)

    public init(_ body: @escaping () -> Void) {
        self.body = body
    }

    /// The CPU of the thread that started this one.
    private var starterCPU: Int32 = -1

    /// Starts the thread off the CPU of the thread that starts it. Linux puts a new thread beside
    /// its creator and spreads them only after tens of milliseconds: a shard's reader and its
    /// helper shared one core for the first 15 to 30 ms of a two-thread read, and the end of a run
    /// starts threads that live little longer than that. (2M capture, two threads, 11 interleaved
    /// runs: 0.350 -> 0.342 s for the read's helper alone.) The thread may run anywhere after.
    public func start() {
        #if canImport(Glibc)
        starterCPU = sched_getcpu()
        #endif
        let context = Unmanaged.passRetained(self).toOpaque()
        let status = pthread_create(&thread, nil, { raw in
            let me = Unmanaged<CaptureThread>.fromOpaque(raw!).takeRetainedValue()
            _ = csupport_leave_cpu(me.starterCPU)
            me.body()
            me.finished.store(true, ordering: .releasing)
            return nil
        }, context)
        precondition(status == 0, "pthread_create failed")
    }

    public var isFinished: Bool { finished.load(ordering: .acquiring) }

    public func join() { pthread_join(thread, nil) }

    /// `first()` and `second()` at once (`second` on a thread of its own when `threads` > 1: a
    /// thread, not the dispatch pool, which may run both on one thread when its workers are
    /// busy), for two independent stages: whichever finishes first leaves its core to the other.
    public static func both<A, B>(threads: Int, _ first: () -> A, _ second: () -> B) -> (A, B) {
        guard threads > 1 else { return (first(), second()) }
        var b: [B?] = [nil]
        let a = withoutActuallyEscaping(second) { second in
            b.withUnsafeMutableBufferPointer { buffer in
                let slot = SharedSlots(buffer)
                // The thread writes the slot and is joined before it is read.
                let thread = CaptureThread { slot.buffer[0] = second() }
                thread.start()
                let a = first()
                thread.join()
                return a
            }
        }
        return (a, b[0]!)
    }
}
