import PacketCore
import ResetAttribution
import TCPAnalysis

/// JSON Lines for resets and proxied sessions, and the verdict paragraph that leads the text report.
public enum ResetReport {
    /// A reset's line, written into a batch of lines after `leading` fields.
    public static func writeReset(_ v: ResetVerdict, facts: ConnectionFacts, to writer: inout ByteWriter, leading: [UInt8]) {
        var json = JSONLine(type: "reset", continuing: writer, leading: leading)
        resetFields(&json, v, facts: facts)
        writer = json.end()
    }

    private static func resetFields(_ json: inout JSONLine, _ v: ResetVerdict, facts: ConnectionFacts) {
        let r = v.observation
        json.field("frame", r.frame)
        json.field("stream", r.stream)
        json.field("ts", timestamp: r.timestamp)
        // (Each address formatted once: the connection filter below writes both again.)
        let texts = EndpointTexts(facts.connection.key)
        json.field("src", side: r.senderSide, of: texts)
        json.field("dst", side: 1 - r.senderSide, of: texts)
        json.field("sender_role", v.senderRole)
        json.field("role_inferred", v.roleBasis)
        json.field("leg", v.leg)
        json.field("attribution", v.attribution)
        json.field("benign", v.benign)
        json.field("phase", v.phase)
        json.field("cause", v.cause)
        json.field("evidence", texts: v.notes, escaping: \.mayNeedEscaping) { note, out in note.appendText(to: &out) }
        json.field("confidence", Int((v.confidence * 100).rounded()), fractionDigits: 2)
        if let session = v.session { json.field("session", session) }
        if r.isDuplicate { json.field("duplicate_packet", true) }
        json.field("ttl", Int(r.ttl))
        json.field("wireshark_filter") { bytes in
            bytes.append("frame.number==")
            bytes.appendDecimal(r.frame)
        }
        json.field("wireshark_connection_filter") { WiresharkFilter.appendConnection(facts.connection, texts: texts, to: &$0) }
        json.field("wireshark_stream_filter") { bytes in
            bytes.append("tcp.stream eq ")
            bytes.appendDecimal(r.stream)
        }
    }

    /// A proxied session's line, written into a batch of lines after `leading` fields.
    public static func writeSession(_ s: SessionVerdict, index: Int, connections: ConnectionFactsList, to writer: inout ByteWriter,
                                    leading: [UInt8]) {
        var json = JSONLine(type: "session", continuing: writer, leading: leading)
        sessionFields(&json, s, index: index, connections: connections)
        writer = json.end()
    }

    private static func sessionFields(_ json: inout JSONLine, _ s: SessionVerdict, index: Int, connections: ConnectionFactsList) {
        // The legs' facts (plain data), front first, read out of the list once: the closures below
        // capture this array of the line's own. Capturing the list retained and released its three
        // buffers around each closure, buffers every thread writing lines shares: the atomic
        // counts bounced between the cores (2M-packet capture: most of the session lines' time).
        let legs = ([s.front] + s.backs).map { connections[$0] }
        let backs = legs.dropFirst()
        json.field("session", index)
        json.field("front_stream", legs[0].connection.stream)
        json.field("back_streams", numbers: backs.map(\.connection.stream))
        json.field("client", address: s.client.address, port: s.client.port)
        json.field("proxy", address: s.proxy.address, port: s.proxy.port)
        if let backend = s.backend { json.field("backend", address: backend.address, port: backend.port) }
        json.field("back_legs", texts: backs, escaping: { _ in false }) { back, out in
            let endpoint = back.clientEndpoint
            JSONLine.appendEndpoint(endpoint.address, endpoint.port, to: &out)
        }
        json.field("termination", s.termination)
        json.field("attribution", s.attribution)
        json.field("cause", s.cause)
        json.field("resets", s.resets.count)
        json.field("wireshark_filter") { out in
            for (i, leg) in legs.enumerated() {
                if i > 0 { out.append(" || ") }
                out.append(UInt8(ascii: "("))
                WiresharkFilter.appendConnection(leg.connection, to: &out)
                out.append(UInt8(ascii: ")"))
            }
        }
        json.field("wireshark_stream_filter") { out in
            for (i, leg) in legs.enumerated() {
                if i > 0 { out.append(" || ") }
                out.append("tcp.stream eq ")
                out.appendDecimal(leg.connection.stream)
            }
        }
    }

    /// Counts by attribution and by cause, over the resets that are not benign.
    public static func counts(_ report: AttributionReport) -> (byAttribution: [(String, Int)], byCause: [(String, Int)], benign: Int) {
        // One pass, no copies of the verdicts.
        var attributions = [Int](repeating: 0, count: Attribution.allCases.count)
        var causes = [Int](repeating: 0, count: ResetCause.allCases.count)
        var benign = 0
        let attributionIndex = Dictionary(uniqueKeysWithValues: Attribution.allCases.enumerated().map { ($1, $0) })
        let causeIndex = Dictionary(uniqueKeysWithValues: ResetCause.allCases.enumerated().map { ($1, $0) })
        let verdicts = report.verdicts
        for i in verdicts.indices where !verdicts[i].observation.isDuplicate {  // (by index: a bound verdict is a copy)
            if verdicts[i].benign {
                benign += 1
            } else {
                attributions[attributionIndex[verdicts[i].attribution]!] += 1
                causes[causeIndex[verdicts[i].cause]!] += 1
            }
        }
        let byAttribution = Attribution.allCases.enumerated().map { ($1.rawValue, attributions[$0]) }.filter { $0.1 > 0 }
        let byCause = ResetCause.allCases.enumerated().map { ($1.rawValue, causes[$0]) }.filter { $0.1 > 0 }
        return (byAttribution, byCause, benign)
    }

    /// The paragraph a human reads first: how many resets, who caused them, why, the evidence,
    /// and the filter for the worst cases.
    public static func verdict(_ report: AttributionReport) -> String {
        let (byAttribution, byCause, benign) = counts(report)
        let live = report.verdicts.filter { !$0.benign && !$0.observation.isDuplicate }
        var text = "Verdict: "
        if live.isEmpty {
            text += report.verdicts.isEmpty ? "no resets in this capture.\n"
                : "\(benign) reset\(benign == 1 ? "" : "s"), all benign (connections closed after their work was done).\n"
            return text + proxyLine(report)
        }
        let top = byAttribution.max { $0.1 < $1.1 }!
        let topCause = byCause.max { $0.1 < $1.1 }!
        text += "\(live.count) reset\(live.count == 1 ? "" : "s") that broke connections"
        if benign > 0 { text += " (and \(benign) benign)" }
        text += "; most caused by the \(top.0) side (\(top.1)), likely cause: \(describe(topCause.0)) (\(topCause.1)).\n"
        text += "  By side: " + byAttribution.map { "\($0.0) \($0.1)" }.joined(separator: ", ")
        text += ". By cause: " + byCause.map { "\($0.0) \($0.1)" }.joined(separator: ", ") + ".\n"
        for cluster in report.timeoutClusters {
            text += "  \(cluster.count) resets by the \(cluster.attribution.rawValue) after "
                + CFormat.string("%.1f ± %.1f", cluster.meanMilliseconds, cluster.spreadMilliseconds)
                + " ms idle: looks like a \(timeoutName(cluster.meanMilliseconds)) timeout.\n"
        }
        text += proxyLine(report)
        let worst = live.filter { $0.attribution == .network }.prefix(1) + live.filter { $0.attribution != .network }.prefix(3)
        for v in worst {
            text += "  frame \(v.observation.frame) (stream \(v.observation.stream)): \(v.attribution.rawValue), \(v.phase.rawValue), \(v.cause.rawValue)"
            if let key = keyEvidence(v) { text += " — \(key)" }
            text += "\n      wireshark: frame.number==\(v.observation.frame) || tcp.stream eq \(v.observation.stream)\n"
        }
        return text
    }

    /// The note that best explains the verdict.
    static func keyEvidence(_ v: ResetVerdict) -> String? {
        let notes = Array(v.evidence.dropFirst())
        let preferred: [String] = v.attribution == .network
            ? ["path between", "TTL", "IP ID", "after its own reset", "resets with different", "outside the receiver's window"]
            : ["proxy reset this leg", "before any backend", "no request", "loss signals", "silent", "looks like a timeout", "idle", "answers the SYN"]
        for word in preferred { if let note = notes.first(where: { $0.contains(word) }) { return note } }
        return notes.first
    }

    static func proxyLine(_ report: AttributionReport) -> String {
        guard !report.topology.proxies.isEmpty else { return "" }
        let names = report.topology.proxies.map { p in
            let front = p.frontPort.map { p.front.endpoint($0) } ?? "\(p.front)"
            return p.backSources.isEmpty ? front : "\(front) (connects out from \(p.backSources.map(\.description).joined(separator: ", ")))"
        }
        let sessions = report.sessions.count, troubled = report.sessions.filter { $0.termination != "--" }.count
        var codes: [String: Int] = [:]
        for s in report.sessions where s.termination != "--" { codes[s.termination, default: 0] += 1 }
        let codeText = codes.isEmpty ? "" : " (HAProxy termination codes: " + codes.sorted { $0.value > $1.value }.map { "\($0.key) \($0.value)" }.joined(separator: ", ") + ")"
        return "  Proxy \(names.joined(separator: "; ")) \(report.topology.detected ? "found in the traffic" : "as named")"
            + ": \(sessions) sessions, \(troubled) ended abnormally\(codeText).\n"
    }

    static func describe(_ cause: String) -> String {
        switch cause {
        case "network_loss": return "network instability (loss, retransmissions)"
        case "overload": return "server overload (refused or unanswered connections, zero windows)"
        case "timeout": return "a timeout"
        case "app_abort": return "an application aborting its connections"
        case "policy": return "proxy policy (rejects, limits)"
        case "injected": return "resets injected by a middlebox"
        default: return "unknown"
        }
    }

    static func timeoutName(_ ms: Double) -> String {
        ms >= 1000 ? CFormat.string("%g s", (ms / 100).rounded() / 10) : CFormat.string("%g ms", ms.rounded())
    }
}
