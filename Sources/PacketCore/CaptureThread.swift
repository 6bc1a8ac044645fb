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
}
