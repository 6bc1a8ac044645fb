import PacketCore
import TCPAnalysis

/// Output formats.
public enum OutputFormat: String, CaseIterable, Sendable {
    case text
    case jsonl
    case csv
    case zeek
}

/// Renders the run summary: the last line of JSON Lines output, or the text block.
public enum SummaryReport {
    /// `{"type":"summary",...}` with the foundation's fields, in a fixed order.
    public static func jsonLine(_ summary: CaptureSummary, linkTypeName: (LinkType) -> String) -> [UInt8] {
        var json = JSONLine(type: "summary")
        json.field("packets", summary.packets)
        json.field("packets_matched", summary.packetsMatched)
        json.field("tcp_segments", summary.tcpSegments)
        json.field("rst_segments", summary.rstSegments)
        json.field("caplen_short", summary.caplenShort)
        json.field("header_truncated", summary.headerTruncated)
        json.field("malformed", counts: summary.malformed.nonZero.map { ($0.0.name, $0.1) })
        json.field("link_types", strings: summary.linkTypes.map(linkTypeName))
        json.field("connections", summary.connections)
        if summary.evictedConnections > 0 { json.field("evicted_connections", summary.evictedConnections) }
        json.field("events", counts: summary.eventCounts)
        json.field("resets_by_attribution", counts: summary.resetsByAttribution)
        json.field("resets_by_cause", counts: summary.resetsByCause)
        json.field("benign_resets", summary.benignResets)
        json.field("sessions", summary.sessions)
        json.field("weird", counts: summary.duplicatePackets > 0 ? [("duplicate_packet", summary.duplicatePackets)] : [])
        timestampField(&json, "first_ts", summary.firstTimestamp)
        timestampField(&json, "last_ts", summary.lastTimestamp)
        if let stats = summary.kernelStatistics {
            json.field("kernel_received", stats.received)
            json.field("kernel_dropped", stats.droppedByKernel)
            json.field("interface_dropped", stats.droppedByInterface)
        }
        return json.finish()
    }

    private static func timestampField(_ json: inout JSONLine, _ name: StaticString, _ value: Int64?) {
        if let value { json.field(name, timestamp: value) } else { json.fieldNull(name) }
    }

    /// A short human summary, aligned like capinfos.
    public static func text(_ summary: CaptureSummary, source: String, format: String?, filter: String?,
                            linkTypeName: (LinkType) -> String, time: (Int64) -> String = Timestamp.rfc3339) -> String {
        var lines: [(String, String)] = []
        lines.append(("Source", format.map { "\(source) (\($0))" } ?? source))
        var packets = "\(summary.packets)"
        if let filter { packets += " (\(summary.packetsMatched) match \"\(filter)\")" }
        lines.append(("Packets", packets))
        lines.append(("TCP segments", "\(summary.tcpSegments)"))
        lines.append(("RST segments", "\(summary.rstSegments)"))
        lines.append(("Link types", summary.linkTypes.isEmpty ? "none" : summary.linkTypes.map(linkTypeName).joined(separator: ", ")))
        lines.append(("First packet", summary.firstTimestamp.map(time) ?? "-"))
        lines.append(("Last packet", summary.lastTimestamp.map(time) ?? "-"))
        lines.append(("Cut by snaplen", "\(summary.caplenShort) frames, \(summary.headerTruncated) TCP headers"))
        let malformed = summary.malformed.nonZero
        lines.append(("Malformed", malformed.isEmpty ? "none" : malformed.map { "\($0.0.name)=\($0.1)" }.joined(separator: " ")))
        lines.append(("Connections", "\(summary.connections)"))
        if summary.duplicatePackets > 0 {
            lines.append(("Duplicated", "\(summary.duplicatePackets) packets are copies of the one before them (SPAN port, bridge or -i any); "
                          + "Wireshark counts them as retransmissions, rstscope keeps them out of its evidence"))
        }
        if let stats = summary.kernelStatistics {
            lines.append(("Kernel", "\(stats.received) received, \(stats.droppedByKernel) dropped, \(stats.droppedByInterface) dropped by interface"))
        }
        let width = lines.map(\.0.count).max() ?? 0
        return lines.map { $0.0 + String(repeating: " ", count: width - $0.0.count) + "  " + $0.1 + "\n" }.joined()
    }
}
