import Reporting
import ResetAttribution
import TCPAnalysis

/// The tables `--format csv` and `--format zeek` print: resets (one row per RST frame),
/// connections (Zeek conn.log's columns first) or proxied sessions.
public enum TableKind: String, CaseIterable, Sendable {
    case resets, connections, sessions
}

extension Pipeline {
    public func table(_ kind: TableKind) -> Table {
        switch kind {
        case .resets: return resetTable()
        case .connections: return connectionTable()
        case .sessions: return sessionTable()
        }
    }

    private static func seconds(_ ns: Int64) -> String {
        let sign = ns < 0 ? "-" : ""
        let m = ns.magnitude
        let fraction = String(m % 1_000_000_000)
        return sign + String(m / 1_000_000_000) + "." + String(repeating: "0", count: 9 - fraction.count) + fraction
    }

    func resetTable() -> Table {
        var table = Table(path: "rstscope_resets", columns: [
            .init("ts", "time"), .init("uid", "string"), .init("frame", "count"), .init("stream", "count"),
            .init("src_h", "addr"), .init("src_p", "port"), .init("dst_h", "addr"), .init("dst_p", "port"),
            .init("sender_role", "string"), .init("leg", "string"), .init("attribution", "string"), .init("benign", "bool"),
            .init("phase", "string"), .init("cause", "string"), .init("confidence", "double"), .init("ttl", "count"),
            .init("session", "count"), .init("termination", "string"), .init("evidence", "set[string]"),
        ])
        guard let report = attribution else { return table }
        for v in report.verdicts.sorted(by: { $0.observation.frame < $1.observation.frame }) {
            guard let p = report.connections.place(of: v.observation.connection) else { continue }
            let facts = report.connections[p], r = v.observation
            let sender = facts.connection.key.endpoint(r.senderSide), receiver = facts.connection.key.endpoint(1 - r.senderSide)
            let session = v.session.flatMap { $0 < report.sessions.count ? report.sessions[$0] : nil }
            table.rows.append([
                Self.seconds(r.timestamp), facts.connection.communityID(), String(r.frame), String(r.stream),
                sender.address.description, String(sender.port), receiver.address.description, String(receiver.port),
                v.senderRole.rawValue, v.leg.rawValue, v.attribution.rawValue, v.benign ? "T" : "F", v.phase.rawValue, v.cause.rawValue,
                String(Double(Int(v.confidence * 100)) / 100), String(r.ttl), v.session.map(String.init),
                session?.termination, Table.set(v.evidence),
            ])
        }
        return table
    }

    func connectionTable() -> Table {
        var table = Table(path: "rstscope_conn", columns: [
            .init("ts", "time"), .init("uid", "string"), .init("id.orig_h", "addr"), .init("id.orig_p", "port"),
            .init("id.resp_h", "addr"), .init("id.resp_p", "port"), .init("proto", "string"), .init("duration", "interval"),
            .init("orig_bytes", "count"), .init("resp_bytes", "count"), .init("conn_state", "string"), .init("history", "string"),
            .init("orig_pkts", "count"), .init("resp_pkts", "count"), .init("stream", "count"), .init("role_inferred", "string"),
            .init("initial_rtt", "interval"), .init("end", "string"), .init("closed_by", "string"), .init("retransmissions", "count"),
        ])
        for (index, connection) in tracker.connections.enumerated() where connection.hasTCPFrames {
            let view = ConnectionView(connection, side0: tracker.direction(index, 0), side1: tracker.direction(index, 1))
            let client = connection.key.endpoint(view.outcome.clientSide), server = connection.key.endpoint(1 - view.outcome.clientSide)
            table.rows.append([
                Self.seconds(connection.firstTime), view.communityID, client.address.description, String(client.port),
                server.address.description, String(server.port), "tcp", Self.seconds(connection.lastTime - connection.firstTime),
                String(view.clientState.payloadBytes), String(view.serverState.payloadBytes), view.outcome.state, view.outcome.history,
                String(view.clientState.packets), String(view.serverState.packets), String(connection.stream),
                view.outcome.roleBasis.rawValue, connection.initialRTT == 0 ? nil : Self.seconds(connection.initialRTT),
                view.outcome.end, view.outcome.closedBy, String(view.clientState.retransmissions + view.serverState.retransmissions),
            ])
        }
        return table
    }

    func sessionTable() -> Table {
        var table = Table(path: "rstscope_sessions", columns: [
            .init("session", "count"), .init("front_stream", "count"), .init("back_streams", "set[count]"),
            .init("client", "string"), .init("proxy", "string"), .init("backend", "string"), .init("termination", "string"),
            .init("attribution", "string"), .init("cause", "string"), .init("resets", "count"),
        ])
        guard let report = attribution else { return table }
        for (i, s) in report.sessions.enumerated() {
            table.rows.append([
                String(i), String(report.connections[s.front].connection.stream),
                Table.set(s.backs.map { String(report.connections[$0].connection.stream) }),
                s.client.address.endpoint(s.client.port), s.proxy.address.endpoint(s.proxy.port),
                s.backend.map { $0.address.endpoint($0.port) }, s.termination, s.attribution.rawValue, s.cause.rawValue, String(s.resets.count),
            ])
        }
        return table
    }
}
