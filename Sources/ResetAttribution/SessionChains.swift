import TCPAnalysis

/// Attributes a proxied session as a whole: the first event that broke it (a backend refusing or
/// resetting the back leg, the client resetting the front leg, the proxy giving up on a silent
/// peer, a forged reset) decides, and the proxy's own resets that followed take the same blame.
/// The termination code follows HAProxy's section 8.5 so it can be held against its logs.
enum SessionChains {
    /// `verdictsOf`: the verdicts on the resets of each place in `connections`.
    static func verdict(front: Int, backs: [Int], connections: ConnectionFactsList,
                        verdicts: inout [ResetVerdict], verdictsOf: Groups<Int>) -> SessionVerdict {
        let f = connections[front]
        // (Built without intermediate arrays: most sessions have no reset, and this runs for every
        // session, on one thread.)
        var all: [Int] = []
        func collect(_ place: Int) {
            for v in verdictsOf[place] where !verdicts[v].observation.isDuplicate { all.append(v) }
        }
        collect(front)
        for back in backs { collect(back) }
        var live = all.filter { !verdicts[$0].benign }
        if live.count > 1 { live.sort { verdicts[$0].observation.timestamp < verdicts[$1].observation.timestamp } }
        let backend = backs.last.map { connections[$0].serverEndpoint }
        var session = SessionVerdict(front: front, backs: backs, client: f.clientEndpoint, proxy: f.serverEndpoint,
                                     backend: backend, termination: "--", attribution: .unknown, cause: .unknown, resets: all)
        lazy var established = backs.filter { !connections[$0].wasRefused }
        let refusedAll = !backs.isEmpty && backs.allSatisfy { connections[$0].wasRefused }

        // The trigger: the first reset that is not the proxy's own reaction.
        // (Every verdict here is on the front or on one of the backs: no search of the backs, which
        // a kept-alive front can have thousands of.)
        func isOnBack(_ v: Int) -> Bool { connections.place(of: verdicts[v].observation.connection) != front }
        // The proxy is the client of its back legs and the server of its front leg.
        func isFromProxy(_ v: Int) -> Bool { verdicts[v].senderRole == (isOnBack(v) ? .client : .server) }
        let trigger = live.first { verdicts[$0].attribution == .network || !isFromProxy($0) }
        let proxyResets = live.filter(isFromProxy)

        if refusedAll {
            session.termination = "SC"
            session.attribution = .backend
            session.cause = .overload
        } else if let t = trigger {
            let v = verdicts[t]
            let back = isOnBack(t)
            session.attribution = v.attribution
            session.cause = v.cause
            if v.attribution == .network {
                // The proxy took the forged reset for its peer's.
                session.termination = completedBefore(v.observation.timestamp, front: f, backs: established, connections: connections)
                    ? "--" : (back ? "SD" : "CD")
            } else if back {
                let sentData = v.observation.senderSide == 0 ? v.observation.payloadBytes.0 > 0 : v.observation.payloadBytes.1 > 0
                session.termination = v.phase == .refused ? "SC" : (sentData ? "SD" : "SH")
            } else {
                session.termination = completedBefore(v.observation.timestamp, front: f, backs: established, connections: connections)
                    ? "--" : (established.isEmpty ? (f.client.firstPayloadTime == 0 ? "CR" : "CC") : "CD")
            }
        } else if var p = proxyResets.first {
            // The proxy reset both legs at once: the leg whose peer stalled is the one that timed
            // out (a client leg with losses before the reset, in HAProxy's words a client timeout).
            let frontLoss = f.connection.lossEvents > 0
            if frontLoss, let onFront = proxyResets.first(where: { !isOnBack($0) }),
               verdicts[onFront].observation.timestamp - verdicts[p].observation.timestamp <= 10_000_000 {
                p = onFront
            }
            let v = verdicts[p]
            let back = isOnBack(p)
            session.attribution = .proxy
            if back {
                let backendSent = v.observation.senderSide == 0 ? v.observation.payloadBytes.1 : v.observation.payloadBytes.0
                session.termination = backendSent > 0 ? "sD" : "sH"
                session.cause = .timeout
            } else if established.isEmpty, v.observation.timestamp - (f.connection.establishedTime ?? f.connection.firstTime) < 50_000_000,
                      f.server.payloadBytes == 0 {
                // Reset right after the accept, before any backend was tried: a reject or a limit.
                session.termination = "PR"
                session.cause = .policy
                let after = Double(v.observation.timestamp - (f.connection.establishedTime ?? f.connection.firstTime)) / 1e6
                verdicts[p].notes.append(.rejectAfterAccept(milliseconds: after))
            } else if established.isEmpty && f.client.firstPayloadTime == 0 {
                // No request ever came: the proxy's request timeout.
                session.termination = "cR"
                session.cause = .timeout
                let waited = Double(v.observation.timestamp - (f.connection.establishedTime ?? f.connection.firstTime)) / 1e6
                verdicts[p].notes.append(.noRequestAfterAccept(milliseconds: waited))
            } else if backs.isEmpty, let missing = BenignResets.unacknowledgedPeerBytes(v.observation) {
                // The client sent a request the proxy never received whole (its RST leaves client
                // data unacknowledged) and no backend was tried: HAProxy's http-request timeout
                // (section 8.5, "cR"), here because the request's segments were lost.
                session.termination = "cR"
                let frontLoss = f.connection.lossEvents > 0 && v.observation.timestamp - f.connection.lastLossTime <= 2_000_000_000
                session.cause = frontLoss ? .networkLoss : .timeout
                verdicts[p].notes.append(.requestIncomplete(unacknowledged: missing))
                if frontLoss {
                    verdicts[p].notes.append(.clientLegLoss(count: f.connection.lossEvents))
                }
            } else if v.phase == .keepaliveRace || isKeepaliveRace(v, front: f, backs: backs, connections: connections) {
                // The proxy closed an idle keep-alive connection just as the client sent another
                // request (with unread data, Linux closes with RST, not FIN). No session started
                // for that request: HAProxy logs none, the earlier ones ended normally.
                session.termination = "--"
                session.cause = .timeout
                verdicts[p].phase = .keepaliveRace
                verdicts[p].cause = .timeout
            } else {
                session.termination = "cD"
                let frontLoss = f.connection.lossEvents > 0 && v.observation.timestamp - f.connection.lastLossTime <= 2_000_000_000
                session.cause = v.cause == .networkLoss || frontLoss ? .networkLoss : .timeout
                if frontLoss {
                    verdicts[p].notes.append(.clientLegLoss(count: f.connection.lossEvents))
                }
            }
        } else if backs.isEmpty && f.client.firstPayloadTime == 0 && f.server.finTime != 0
                    && (f.client.finTime == 0 || f.server.finTime < f.client.finTime)
                    && f.server.finTime - (f.connection.establishedTime ?? f.connection.firstTime) >= 100_000_000 {
            // No reset, but the proxy gave up on a client that never sent a request.
            session.attribution = .proxy
            session.cause = .timeout
            session.termination = "cR"
        } else {
            session.attribution = .unknown
            session.termination = "--"
        }
        // The proxy's resets in reaction take the session's attribution.
        if session.attribution == .client || session.attribution == .backend || session.attribution == .network {
            for v in proxyResets where verdicts[v].attribution == .proxy {
                verdicts[v].attribution = session.attribution
                verdicts[v].cause = session.cause
                verdicts[v].confidence = 0.8
                verdicts[v].notes.append(.proxyReaction(to: session.attribution, termination: session.termination))
            }
        } else if session.attribution == .proxy {
            for v in proxyResets where verdicts[v].cause == .unknown || verdicts[v].cause == .appAbort {
                verdicts[v].cause = session.cause
            }
        }
        return session
    }

    /// A reset by the proxy right after a new request on a kept-alive connection, for which no back
    /// leg was opened, after earlier requests that were served.
    static func isKeepaliveRace(_ v: ResetVerdict, front: ConnectionFacts, backs: [Int], connections: ConnectionFactsList) -> Bool {
        guard front.connection.requestCount >= 2 else { return false }
        let lastRequest = (0..<front.connection.recentRequestCount).lazy.map { front.connection.recentRequest($0).start }.max()!
        return v.observation.timestamp - lastRequest < 50_000_000
            && backs.allSatisfy { connections[$0].openTime < lastRequest }
            && front.server.payloadBytes > 0
    }

    /// The proxy had already delivered a complete response (the back leg was done and the client
    /// had acknowledged every byte the proxy sent): HAProxy logs such a session as normal.
    static func completedBefore(_ time: Int64, front: ConnectionFacts, backs: [Int], connections: ConnectionFactsList) -> Bool {
        guard !backs.isEmpty, front.server.payloadBytes > 0, front.server.lastPayloadTime < time else { return false }
        return backs.allSatisfy { b in
            let facts = connections[b]
            return facts.server.payloadBytes > 0 && facts.server.lastPayloadTime < time
        }
    }
}
