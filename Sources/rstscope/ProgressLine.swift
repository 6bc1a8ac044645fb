#if canImport(Glibc)
import Glibc
#endif

/// A progress line on standard error while a long read runs, only when standard error is a terminal
/// (never in pipes, logs or CI). Redrawn at most every half second.
final class ProgressLine {
    private var lastDraw = ProgressLine.now()
    private let start = ProgressLine.now()
    private var drawn = false

    /// Nil when standard error is not a terminal.
    init?(totalBytes: Int64?) {
        guard isatty(STDERR_FILENO) == 1 else { return nil }
    }

    func update(frames: Int) {
        let now = Self.now()
        guard now - lastDraw >= 0.5 else { return }
        lastDraw = now
        drawn = true
        let rate = Double(frames) / max(now - start, 0.001)
        printRaw("\r\u{1B}[Krstscope: \(frames) packets read (\(Int(rate)) packets/s)")
    }

    func finish() {
        if drawn { printRaw("\r\u{1B}[K") }
    }

    private func printRaw(_ text: String) {
        var text = text
        text.withUTF8 { _ = write(STDERR_FILENO, $0.baseAddress, $0.count) }
    }

    private static func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }
}
