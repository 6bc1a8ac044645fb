import ResetAttribution

/// How the inputs of one run relate (several vantage points of the same traffic).
public enum VantageReport {
    /// `{"type":"vantage","input":B,"reference":A,...}`: what A and B both captured and B's clock
    /// offset from A's.
    public static func jsonLine(_ pair: VantagePair, names: [String]) -> [UInt8] {
        var json = JSONLine(type: "vantage")
        json.field("input", names[pair.second])
        json.field("reference", names[pair.first])
        json.field("matched_connections", pair.matchedConnections)
        json.field("matched_packets", pair.matchedPackets)
        if let offset = pair.clockOffset { json.field("clock_offset_ms", milliseconds: offset) }
        if let delay = pair.pathDelay { json.field("path_delay_ms", milliseconds: delay) }
        return json.finish()
    }

    public static func text(_ correlation: VantageCorrelation, names: [String]) -> String {
        var text = "Vantage points\n"
        for pair in correlation.pairs {
            text += "  \(names[pair.second]) vs \(names[pair.first]): \(pair.matchedPackets) packets of \(pair.matchedConnections) connections captured at both"
            if let offset = pair.clockOffset {
                text += "; clock offset \(AnalysisReport.milliseconds(offset)) ms"
                if let delay = pair.pathDelay { text += ", one-way delay between them \(AnalysisReport.milliseconds(delay)) ms" }
            } else if pair.matchedPackets > 0 {
                text += "; clock offset unknown (no connection seen both ways at both)"
            }
            text += "\n"
        }
        let crossed = correlation.findings.reduce(0) { $0 + $1.values.filter(\.injected).count }
        if crossed > 0 {
            text += "  \(crossed) reset\(crossed == 1 ? " was" : "s were") made on the path between two vantage points (not captured nearer the endpoint whose address they carry).\n"
        }
        return text + "\n"
    }
}
