#if canImport(Glibc)
import Glibc
#endif
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

    public func start() {
        let context = Unmanaged.passRetained(self).toOpaque()
        let status = pthread_create(&thread, nil, { raw in
            let me = Unmanaged<CaptureThread>.fromOpaque(raw!).takeRetainedValue()
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
