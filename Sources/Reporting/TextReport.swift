import TCPAnalysis

/// The human report: connections with problems first, one line each with the Wireshark filter that
/// jumps to them, then the event counts and the capture summary.
public enum TextReport {
    /// Thresholds for "slow" in the problem list.
    static let slowHandshake: Int64 = 500_000_000
    static let slowResponse: Int64 = 1_000_000_000

    /// Why a connection deserves a line, or nil when it went well. The score orders the list.
    static func problem(_ view: ConnectionView) -> (score: Int, text: String)? {
        var parts: [String] = []
        var score = 0
        let c = view.connection
        if view.outcome.end == "rst" && view.brokenByReset {
            let by = view.outcome.closedBy ?? "?"
            var text = "reset by \(by)"
            if let idle = c.idleBeforeEnd, idle >= 1_000_000 { text += " after \(AnalysisReport.milliseconds(idle)) ms idle" }
            parts.append(text)
            score += 1000
        }
        let retransmissions = view.clientState.retransmissions + view.serverState.retransmissions
        if retransmissions > 0 {
            parts.append("\(retransmissions) retransmission\(retransmissions == 1 ? "" : "s")")
            score += min(retransmissions, 500)
        }
        if c.initialRTT >= slowHandshake {
            parts.append("slow handshake \(AnalysisReport.milliseconds(c.initialRTT)) ms")
            score += 100
        }
        if c.responseTimeMax >= slowResponse {
            parts.append("slow response \(AnalysisReport.milliseconds(c.responseTimeMax)) ms")
            score += 100
        }
        if ["S0", "REJ", "RSTOS0"].contains(view.outcome.state) && view.outcome.end != "rst" {
            parts.append("no answer to the SYN")
            score += 50
        }
        return parts.isEmpty ? nil : (score, parts.joined(separator: "; "))
    }

    public static func hasProblem(_ view: ConnectionView) -> Bool { problem(view) != nil }

    /// The problem list; `total` is the number of connections.
    public static func connections(_ views: [ConnectionView], total: Int, limit: Int = 20) -> String {
        let problems = views.compactMap { view in problem(view).map { (view, $0.score, $0.text) } }
            .sorted { $0.1 != $1.1 ? $0.1 > $1.1 : $0.0.stream < $1.0.stream }
        var text = "Connections: \(total), \(problems.count) with problems\n"
        for (view, _, why) in problems.prefix(limit) {
            text += "  stream \(view.stream)  \(view.client) -> \(view.server)  \(view.outcome.state)  \(why)\n"
            text += "      wireshark: tcp.stream eq \(view.stream)   (frames \(view.connection.firstFrame)-\(view.connection.lastFrame))\n"
        }
        if problems.count > limit { text += "  ... and \(problems.count - limit) more (use --format jsonl for all)\n" }
        return text
    }

    public static func events(_ counts: [(String, Int)]) -> String {
        guard !counts.isEmpty else { return "Analysis events: none\n" }
        return "Analysis events: " + counts.map { "\($0.0) \($0.1)" }.joined(separator: ", ") + "\n"
    }
}
