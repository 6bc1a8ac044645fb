#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// Where a run's time goes, for whoever tunes it (`Scripts/bench-phases`): with `RSTSCOPE_PHASES`
/// set in the environment, each `mark` writes `phase <name> <milliseconds since the first mark>`
/// to standard error, one write a line (the lines of several threads do not mix). Without it, a
/// mark reads one flag: marks sit between the stages of a run, never in a per-packet loop.
public enum PhaseClock {
    private static let enabled = getenv("RSTSCOPE_PHASES") != nil
    /// The first mark's time, in nanoseconds of the monotonic clock (0: no mark yet).
    private static let start = Atomic<Int64>(0)

    public static func mark(_ name: StaticString) {
        guard enabled else { return }
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        let nanoseconds = Int64(now.tv_sec) * 1_000_000_000 + Int64(now.tv_nsec)
        let (exchanged, first) = start.compareExchange(expected: 0, desired: nanoseconds, ordering: .relaxed)
        let elapsed = exchanged ? 0 : nanoseconds - first
        let line = "phase \(name) \(elapsed / 1_000_000).\(elapsed / 100_000 % 10)\n"
        _ = line.utf8CString.withUnsafeBufferPointer { write(2, $0.baseAddress, $0.count - 1) }
    }
}
