import Reporting
import TCPAnalysis

/// Rolling interval records for live capture: what happened since the last one.
struct IntervalMeter {
    let length: Int64?
    private var start: Int64?
    private var previousPackets = 0, previousTCP = 0, previousRST = 0
    private var previousEvents: [Int] = []

    init(length: Int64?) { self.length = length }

    /// Called after each packet; returns a line when an interval has ended.
    mutating func tick(_ now: Int64, _ summary: CaptureSummary, _ events: [Int], drops: UInt32?, text: Bool) -> [UInt8]? {
        guard let length else { return nil }
        guard let begun = start else { start = now; previousEvents = events; return nil }
        guard now - begun >= length else { return nil }
        let packets = summary.packets - previousPackets, tcp = summary.tcpSegments - previousTCP, rst = summary.rstSegments - previousRST
        let changes = events.indices.map { events[$0] - (previousEvents.count > $0 ? previousEvents[$0] : 0) }
        let named = zip(AnalysisFlags.names, changes).filter { $0.1 > 0 }.map { ($0.0, $0.1) }
        defer {
            start = now
            previousPackets = summary.packets; previousTCP = summary.tcpSegments; previousRST = summary.rstSegments
            previousEvents = events
        }
        if text {
            var line = "\(Timestamp.local(begun)) +\(Double((now - begun) / 1_000_000) / 1000) s: \(packets) packets, \(tcp) TCP, \(rst) RST"
            if !named.isEmpty { line += ", " + named.map { "\($0.0) \($0.1)" }.joined(separator: ", ") }
            if let drops { line += ", \(drops) dropped by the kernel so far" }
            return Array((line + "\n").utf8)
        }
        var json = JSONLine(type: "interval")
        json.field("start", Timestamp.rfc3339(begun))
        json.field("end", Timestamp.rfc3339(now))
        json.field("packets", packets)
        json.field("tcp_segments", tcp)
        json.field("rst_segments", rst)
        json.field("events", counts: named)
        if let drops { json.field("kernel_dropped_total", Int(drops)) }
        return json.finish()
    }
}
