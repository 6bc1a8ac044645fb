#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// Runs a blocking loop (libpcap's dispatch) on a thread of its own, outside Swift concurrency's
/// cooperative pool, while the main thread waits for SIGINT / SIGTERM.
final class CaptureThread: @unchecked Sendable {
    private var thread = pthread_t()
    private let body: () -> Void
    private let finished = Atomic<Bool>(false)

    init(_ body: @escaping () -> Void) {
        self.body = body
    }

    func start() {
        let context = Unmanaged.passRetained(self).toOpaque()
        let status = pthread_create(&thread, nil, { raw in
            let me = Unmanaged<CaptureThread>.fromOpaque(raw!).takeRetainedValue()
            me.body()
            me.finished.store(true, ordering: .releasing)
            return nil
        }, context)
        precondition(status == 0, "pthread_create failed")
    }

    var isFinished: Bool { finished.load(ordering: .acquiring) }

    func join() { pthread_join(thread, nil) }
}

/// Blocks SIGINT and SIGTERM in this thread and every thread it starts, so they can be taken with
/// `waitForStopSignal` instead of interrupting the capture.
func blockStopSignals() {
    var set = sigset_t()
    sigemptyset(&set)
    sigaddset(&set, SIGINT)
    sigaddset(&set, SIGTERM)
    pthread_sigmask(SIG_BLOCK, &set, nil)
}

/// Waits up to `milliseconds` for SIGINT or SIGTERM; returns the signal, or nil on time-out.
func waitForStopSignal(milliseconds: Int) -> Int32? {
    var set = sigset_t()
    sigemptyset(&set)
    sigaddset(&set, SIGINT)
    sigaddset(&set, SIGTERM)
    var timeout = timespec(tv_sec: milliseconds / 1000, tv_nsec: (milliseconds % 1000) * 1_000_000)
    let signal = sigtimedwait(&set, nil, &timeout)
    return signal > 0 ? signal : nil
}
