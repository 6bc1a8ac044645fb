/// Wireshark's per-frame TCP analysis flags (`tcp.analysis.*`, the TCP_A_* bits of 4.0.17's
/// packet-tcp.c), in the order the truth files list them.
@frozen
public struct AnalysisFlags: OptionSet, Hashable, Sendable {
    public var rawValue: UInt16
    @inlinable public init(rawValue: UInt16) { self.rawValue = rawValue }

    public static let retransmission = AnalysisFlags(rawValue: 1 << 0)
    public static let fastRetransmission = AnalysisFlags(rawValue: 1 << 1)
    public static let spuriousRetransmission = AnalysisFlags(rawValue: 1 << 2)
    public static let outOfOrder = AnalysisFlags(rawValue: 1 << 3)
    public static let lostSegment = AnalysisFlags(rawValue: 1 << 4)
    public static let ackLostSegment = AnalysisFlags(rawValue: 1 << 5)
    public static let duplicateAck = AnalysisFlags(rawValue: 1 << 6)
    public static let zeroWindow = AnalysisFlags(rawValue: 1 << 7)
    public static let zeroWindowProbe = AnalysisFlags(rawValue: 1 << 8)
    public static let zeroWindowProbeAck = AnalysisFlags(rawValue: 1 << 9)
    public static let keepAlive = AnalysisFlags(rawValue: 1 << 10)
    public static let keepAliveAck = AnalysisFlags(rawValue: 1 << 11)
    public static let windowFull = AnalysisFlags(rawValue: 1 << 12)
    public static let windowUpdate = AnalysisFlags(rawValue: 1 << 13)
    public static let reusedPorts = AnalysisFlags(rawValue: 1 << 14)

    /// Field names without the `tcp.analysis.` prefix, in bit order.
    public static let names = [
        "retransmission", "fast_retransmission", "spurious_retransmission", "out_of_order", "lost_segment",
        "ack_lost_segment", "duplicate_ack", "zero_window", "zero_window_probe", "zero_window_probe_ack",
        "keep_alive", "keep_alive_ack", "window_full", "window_update", "reused_ports",
    ]

    /// The flags that bear on resets and latency (`--events problems`).
    public static let problems: AnalysisFlags = [
        .retransmission, .fastRetransmission, .spuriousRetransmission, .outOfOrder, .lostSegment, .ackLostSegment,
        .duplicateAck, .zeroWindow, .zeroWindowProbe, .windowFull, .reusedPorts,
    ]

    /// The names of the set flags, in the truth's order.
    public var names: [String] {
        (0..<AnalysisFlags.names.count).compactMap { rawValue & (1 << $0) != 0 ? AnalysisFlags.names[$0] : nil }
    }

    public init(names: some Sequence<String>) {
        var flags = AnalysisFlags()
        for name in names {
            if let bit = AnalysisFlags.names.firstIndex(of: name) { flags.insert(AnalysisFlags(rawValue: 1 << bit)) }
        }
        self = flags
    }
}
