import PacketCore
import TCPAnalysis

/// Everything the attribution stage concluded.
public struct AttributionReport: Sendable {
    /// The connections judged (verdicts and sessions name them by position here, or by index).
    public var connections: ConnectionFactsList
    /// The resets judged, which the verdicts read in place (kept here for them).
    public var resets: PagedList<ResetObservation>
    public var verdicts: [ResetVerdict]
    public var sessions: [SessionVerdict]
    public var topology: ProxyTopology
    public var timeoutClusters: [TimeoutCluster]
}

/// Judges every reset: who sent it, in which phase, on which leg, who is responsible and why.
/// Connections are dense indices, so every map here is an array (a capture of a busy proxy has a
/// hundred thousand connections and tens of thousands of resets).
public enum ResetAnalyzer {
    /// `threads`: how many workers the independent parts (proxy fronts, resets) may use; the
    /// report is the same on any number.
    public static func analyze(connections: ConnectionFactsList, resets: PagedList<ResetObservation>,
                               proxies: [ProxySpec]?, crossView: [Int: CrossViewFinding] = [:], threads: Int = 1) -> AttributionReport {
        let topology = proxies.map { ProxyTopology(proxies: $0, detected: false) } ?? ProxyTopology.detect(connections, threads: threads)
        PhaseClock.mark("proxy-detection")
        let legs = connections.map { topology.leg($0) }
        // The proxy legs' pairing and the resets' judging are independent: one thread pairs while the
        // others judge (the pairing is one pass; alone it left a core idle).
        // (Bound as vars: a `let` of the verdicts would keep a second reference to them, and the
        // first change below would copy them all.)
        PhaseClock.mark("legs")
        var (pairs, (verdicts, clusters)) = CaptureThread.both(threads: threads, {
            defer { PhaseClock.mark("leg-pairing") }
            return LegPairing.pair(connections, legs: legs)
        }, {
            defer { PhaseClock.mark("judging") }
            return judgeAll(connections: connections, resets: resets, legs: legs, crossView: crossView, threads: threads)
        })

        // 3. Proxied sessions: chains across the legs.
        let backsOfFront = Groups(owners: connections.count, blank: 0) { visit in
            for (back, front) in pairs.enumerated() where front >= 0 { visit(Int(front), back) }
        }
        // (Reserved: grown by doubling, the list held up to twice the sessions: 1.5 MB more on the
        // 2M-packet capture.)
        var sessions: [SessionVerdict] = []
        sessions.reserveCapacity(legs.reduce(0) { $0 + ($1.leg == .front ? 1 : 0) })
        let verdictsOfConnection = Groups(owners: connections.count, blank: 0) { visit in
            // (By index: a verdict bound in a loop is a copy, two retains and releases.)
            for i in verdicts.indices { visit(connections.place(of: verdicts[i].observation.connection)!, i) }
        }
        for (front, leg) in legs.enumerated() where leg.leg == .front {
            let backs = backsOfFront[front].sorted { connections[$0].openTime < connections[$1].openTime }
            var session = SessionChains.verdict(front: front, backs: backs, connections: connections,
                                                verdicts: &verdicts, verdictsOf: verdictsOfConnection)
            session.resets.sort()
            for v in session.resets { verdicts[v].session = sessions.count }
            sessions.append(session)
        }
        PhaseClock.mark("sessions")
        return AttributionReport(connections: connections, resets: resets, verdicts: verdicts, sessions: sessions, topology: topology, timeoutClusters: clusters)
    }

    /// Steps 1 and 2: every reset judged on its own (with the others of its connection), then
    /// timeouts found across them.
    static func judgeAll(connections: ConnectionFactsList, resets: PagedList<ResetObservation>, legs: [ConnectionLeg],
                         crossView: [Int: CrossViewFinding], threads: Int) -> (verdicts: [ResetVerdict], clusters: [TimeoutCluster]) {
        // 1. Each reset on its own (with the others of its connection, when it has several).
        var resetCount = [Int32](repeating: 0, count: connections.store.count)
        for r in resets { resetCount[r.connection] += 1 }
        let bursts = ResetBursts(resets, resetCount: resetCount)
        // In chunks of resets, on every worker, each verdict written in its place (chunks of verdicts
        // appended together copied every verdict once more); the verdicts in the resets' order, of
        // those on a connection with TCP frames (every RST's is one: it is a TCP frame).
        let judged = resets.indices.compactMap { i in connections.place(of: resets[i].connection).map { (reset: i, place: $0) } }
        var verdicts = ParallelWork.map(judged.count, threads: threads, chunk: 2048, makeScratch: {}) { (k: Int, _: inout Void) in
            let (i, p) = judged[k]
            return judge(resets, at: i, facts: connections[p], leg: legs[p].leg, burst: bursts.size(of: i),
                         crossView: crossView.isEmpty ? nil : crossView[resets[i].frame])
        }
        // 2. Timeouts: resets sent after the same idle time.
        let clusters = TimeoutClustering.clusters(verdicts)
        for i in verdicts.indices where TimeoutClustering.candidate(verdicts[i]) {
            if let cluster = clusters.first(where: { TimeoutClustering.belongs(verdicts[i], to: $0) }) {
                verdicts[i].cause = .timeout
                verdicts[i].notes.append(.timeoutCluster(count: cluster.count, meanMilliseconds: cluster.meanMilliseconds,
                                                         spreadMilliseconds: cluster.spreadMilliseconds))
            }
        }
        return (verdicts, clusters)
    }

    /// One reset judged on its own connection.
    static func judge(_ resets: PagedList<ResetObservation>, at index: Int, facts: ConnectionFacts, leg: Leg, burst: Int?,
                      crossView: CrossViewFinding? = nil) -> ResetVerdict {
        let r = resets[index]
        let senderIsClient = r.senderSide == facts.clientSide
        let evidence = ResetEvidence.examine(r, facts: facts, burst: burst)
        let phase = ResetPhases.phase(r, facts: facts)
        let benign = BenignResets.reason(r, facts: facts, leg: leg, phase: phase)
        let idle = r.idleBefore >= 1_000_000
        let peerSilent = r.peerSilence >= 100_000_000 && r.peerSilence > r.idleBefore + 1_000_000
        let lossBefore = r.lossEvents > 0 && r.timestamp - r.lastLossTime <= 2_000_000_000
        var attribution: Attribution
        var cause: ResetCause
        var confidence: Double
        var isBenign = benign != nil
        if let crossView, crossView.injected && !r.isDuplicate {
            // Another vantage point, nearer the claimed sender, proves it never sent this reset.
            isBenign = false
            attribution = .network
            cause = .injected
            confidence = 0.95
        } else if evidence.forgery >= 0.6 && !r.isDuplicate {
            isBenign = false
            attribution = .network
            cause = .injected
            confidence = min(0.95, 0.5 + evidence.forgery / 2)
        } else {
            switch (leg, senderIsClient) {
            case (.direct, true), (.front, true): attribution = .client
            case (.direct, false), (.back, false): attribution = .backend
            case (.front, false), (.back, true): attribution = .proxy
            }
            cause = localCause(r, facts: facts, phase: phase, senderIsClient: senderIsClient, leg: leg)
            confidence = 0.7
        }
        // Built once, at its exact size: a verdict keeps its notes, and every note array grown or
        // freed costs a walk over its notes. A reset that may join a timeout cluster has room for
        // that note (`judgeAll`): appended to a full array, it doubled the array (1 MB more at the
        // end of the 2M-packet capture's run).
        let mayJoinCluster = TimeoutClustering.candidate(benign: isBenign, duplicate: r.isDuplicate,
                                                         silence: TimeoutClustering.silence(r), attribution: attribution, cause: cause)
        var notes: [EvidenceNote] = []
        let optional: Int = (idle ? 1 : 0) + (peerSilent ? 1 : 0) + (r.isDuplicate ? 1 : 0) + (benign != nil ? 1 : 0)
            + (lossBefore ? 1 : 0) + (mayJoinCluster ? 1 : 0)
        notes.reserveCapacity(1 + optional + evidence.notes.count + (crossView?.notes.count ?? 0))
        let sender = facts.connection.key.endpoint(r.senderSide)
        notes.append(.sender(sender.address, port: sender.port, isClient: senderIsClient, basis: facts.roleBasis))
        if idle { notes.append(.idleBefore(nanoseconds: r.idleBefore)) }
        if peerSilent { notes.append(.peerSilent(nanoseconds: r.peerSilence)) }
        if r.isDuplicate { notes.append(.duplicateCopy) }
        if let benign { notes.append(.benign(benign)) }
        if lossBefore { notes.append(.lossSignals(count: r.lossEvents, lastBefore: r.timestamp - r.lastLossTime)) }
        notes.append(contentsOf: evidence.notes)
        for text in crossView?.notes ?? [] { notes.append(.text(text)) }
        return ResetVerdict(observing: resets, at: index, senderRole: senderIsClient ? .client : .server, roleBasis: facts.roleBasis,
                            leg: leg, attribution: attribution, benign: isBenign, phase: phase, cause: cause,
                            notes: notes, confidence: confidence, session: nil)
    }

    static func localCause(_ r: ResetObservation, facts: ConnectionFacts, phase: ResetPhase, senderIsClient: Bool, leg: Leg) -> ResetCause {
        if r.lossEvents > 0 && r.timestamp - r.lastLossTime <= 2_000_000_000 { return .networkLoss }
        let silence = TimeoutClustering.silence(r)
        switch phase {
        case .refused:
            return leg == .front ? .policy : .overload
        case .portReuse:
            return .unknown
        case .handshake:
            return !senderIsClient && silence < 50_000_000 ? .policy : (silence >= 100_000_000 ? .timeout : .unknown)
        case .idle, .keepaliveRace:
            return silence >= 100_000_000 ? .timeout : .unknown
        case .request, .awaitingResponse, .response, .afterFIN:
            if r.zeroWindowSeen { return .overload }
            // The proxy or server gave up on a silent peer.
            let proxyOrServer = !senderIsClient || leg == .back
            if proxyOrServer && silence >= 500_000_000 { return .timeout }
            if leg == .front && !senderIsClient && r.payloadBytes.0 + r.payloadBytes.1 == 0 {
                return silence >= 100_000_000 ? .timeout : .policy
            }
            return .appAbort
        }
    }
}
