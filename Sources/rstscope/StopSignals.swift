#if canImport(Glibc)
import Glibc
#endif

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
