#if canImport(Glibc)
import Glibc
#endif
import ResetAttribution

/// Colours for the text report: only on a terminal, and never when NO_COLOR is set (no-color.org).
public struct TerminalStyle {
    public let enabled: Bool

    public init(enabled: Bool) { self.enabled = enabled }

    public static func shouldColor(fd: Int32) -> Bool {
        if let value = getenv("NO_COLOR"), value.pointee != 0 { return false }
        if let term = getenv("TERM"), String(cString: term) == "dumb" { return false }
        return isatty(fd) == 1
    }

    /// Highlights the verdict paragraph's first line and each attribution word.
    public func verdict(_ text: String) -> String {
        guard enabled else { return text }
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if !lines.isEmpty { lines[0] = "\u{1B}[1m" + lines[0] + "\u{1B}[0m" }
        let colors: [(String, String)] = [(", network,", "35"), (", backend,", "31"), (", client,", "33"), (", proxy,", "36")]
        for i in lines.indices {
            for (word, code) in colors where lines[i].contains(word) {
                let name = String(word.dropFirst(2).dropLast())
                lines[i] = lines[i].replacingOccurrences(of: word, with: ", \u{1B}[\(code)m" + name + "\u{1B}[0m,")
            }
        }
        return lines.joined(separator: "\n")
    }
}

/// A strip of the resets that broke connections over the capture's time, so bursts stand out.
public enum ResetStrip {
    static let levels: [Character] = [" ", "▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"]

    public static func render(_ report: AttributionReport, first: Int64?, last: Int64?, utc: Bool, width: Int = 60) -> String {
        let times = report.verdicts.filter { !$0.benign && !$0.observation.isDuplicate }.map(\.observation.timestamp)
        guard let first, let last, !times.isEmpty, last > first else { return "" }
        var buckets = [Int](repeating: 0, count: width)
        for t in times {
            let i = Int(Double(t - first) / Double(last - first) * Double(width - 1))
            buckets[max(0, min(width - 1, i))] += 1
        }
        let peak = buckets.max() ?? 1
        var strip = ""
        for count in buckets {
            let level = count == 0 ? 0 : max(1, Int((Double(count) / Double(peak) * 8).rounded()))
            strip.append(levels[level])
        }
        let start = utc ? Timestamp.rfc3339(first) : Timestamp.local(first)
        let end = utc ? Timestamp.rfc3339(last) : Timestamp.local(last)
        let span = formatSpan((last - first) / Int64(width))
        var text = "  Resets over time: |" + strip + "| peak \(peak) per " + span + "\n"
        text += "                    " + start + " … " + end + "\n"
        return text
    }

    static func formatSpan(_ ns: Int64) -> String {
        ns >= 1_000_000_000 ? "\(ns / 1_000_000_000) s" : ns >= 1_000_000 ? "\(ns / 1_000_000) ms" : "\(max(1, ns / 1000)) µs"
    }
}

/// Zeek's `#open` / `#close` stamps: local date and time of the run.
public enum ZeekTime {
    public static func now() -> String {
        var t = time(nil)
        var parts = tm()
        localtime_r(&t, &parts)
        func two(_ v: Int32) -> String { v < 10 ? "0\(v)" : "\(v)" }
        return "\(parts.tm_year + 1900)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday))-\(two(parts.tm_hour))-\(two(parts.tm_min))-\(two(parts.tm_sec))"
    }
}
