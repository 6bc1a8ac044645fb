import TCPAnalysis

/// Which connections are front legs (client to proxy) and back legs (proxy to backend) of which
/// proxy, from `--proxy` or found in the traffic.
public struct ProxyTopology: Sendable {
    public var proxies: [ProxySpec]
    /// True when the proxies were found in the traffic rather than named.
    public var detected: Bool

    public init(proxies: [ProxySpec], detected: Bool) {
        self.proxies = proxies
        self.detected = detected
    }

    public func leg(_ facts: ConnectionFacts) -> ConnectionLeg {
        let server = facts.serverEndpoint, client = facts.clientEndpoint
        for (index, proxy) in proxies.enumerated() {
            if server.address == proxy.front && (proxy.frontPort.map { $0 == server.port } ?? true) { return ConnectionLeg(.front, proxy: index) }
        }
        for (index, proxy) in proxies.enumerated() where proxy.connectsOut(from: client.address) {
            return ConnectionLeg(.back, proxy: index)
        }
        return ConnectionLeg(.direct)
    }

    /// Finds proxies in the traffic: an address that accepts connections (A) and an address (B,
    /// maybe A itself) whose outgoing connections follow A's incoming requests within milliseconds
    /// and are answered while A's connection is still open (`FrontSession.canCause`), for at least two
    /// requests and half of A's connections that carried one. Under steady load many pairs of
    /// addresses correlate loosely: a source must open more connections right after the requests
    /// than its rate predicts (`causes`), candidates are ranked by their median delay (a proxy's
    /// is short and steady), and one whose front is a backend of a better-ranked proxy (or whose
    /// back legs go to that proxy's front) is a reflection, not a proxy. A transparent proxy that
    /// connects out with the client's address is not found this way: name it with `--proxy`.
    public static func detect(_ connections: ConnectionFactsList, window: Int64 = 50_000_000, threads: Int = 1) -> ProxyTopology {
        // Addresses as small numbers, so that what follows counts in arrays.
        // (Room for as many addresses as connections: a busy capture's clients mostly connect once,
        // and a table for twice as many took a megabyte more at the run's peak.)
        var numbers = AddressNumbers(capacity: connections.count)
        func id(_ address: IPAddress) -> Int32 { numbers.number(address) }
        // Every connection opening, in time order, and every accepted session's trigger (its
        // first request byte, or its handshake), by the server address that accepted it.
        var openings: [Opening] = []
        openings.reserveCapacity(connections.count)
        var opener: [Int32] = []  // the connection of each opening
        opener.reserveCapacity(connections.count)
        for (i, facts) in connections.enumerated() where facts.connection.synSender != nil {
            let source = id(facts.clientEndpoint.address), accepter = id(facts.serverEndpoint.address)
            openings.append(Opening(time: facts.openTime, source: source, server: accepter, response: facts.server.firstPayloadTime))
            opener.append(Int32(i))
        }
        // The sessions each address accepted, side by side.
        let inbound = Groups(owners: numbers.addresses.count, blank: FrontSession(trigger: 0, end: 0, client: 0, port: 0)) { visit in
            for (o, i) in zip(openings, opener) {
                let facts = connections[Int(i)]
                let trigger = facts.client.firstPayloadTime != 0 ? facts.client.firstPayloadTime : facts.connection.establishedTime ?? facts.openTime
                visit(Int(o.server), FrontSession(trigger: trigger, end: facts.connection.lastTime, client: o.source, port: facts.serverEndpoint.port))
            }
        }
        opener = []
        openings.sort { $0.time < $1.time }
        let times = openings.map(\.time)
        let addresses = numbers.addresses
        // Each source's openings, in time order: the test of a front's best follower reads its
        // source's (a filter of every opening per front cost a tenth of the detection).
        let openingsBySource = Groups<Int64>(owners: addresses.count, blank: 0) { visit in
            for o in openings { visit(Int(o.source), o.time) }
        }
        // Every front is examined on its own (in parallel), each worker with scratch of its own.
        let fronts = (0..<inbound.owners).filter { inbound.count(of: $0) >= 2 }
        let found = ParallelWork.map(fronts.count, threads: threads, makeScratch: { FollowerScratch(addresses: addresses.count) }) {
            (i: Int, scratch: inout FollowerScratch) -> (spec: ProxySpec, median: Int64, backends: Set<IPAddress>)? in
            let frontID = fronts[i]
            let front = Int32(frontID), sessions = inbound[frontID]
            guard let (best, count, mine) = scratch.bestFollower(of: front, sessions: sessions, openings: openings, times: times,
                                                                 addresses: addresses, window: window),
                  count >= 2, count * 2 >= sessions.count else { return nil }
            let median = Int64(mine.map(\.delay).sorted()[count / 2])
            let sourceTimes = Array(openingsBySource[Int(best)])
            // The span: four times the median delay (a busy proxy's delays spread), at least 0.25 ms
            // (timestamps and scheduling). Wider would let dense traffic's chance drown a real proxy.
            guard causes(sessions.map(\.trigger), followed: count, openings: sourceTimes, within: min(window, max(4 * median, 250_000)))
            else { return nil }
            let frontAddress = addresses[frontID], source = addresses[Int(best)]
            // The port it accepted most connections on (the lowest on a tie).
            var perPort: [UInt16: Int] = [:]
            for session in sessions { perPort[session.port, default: 0] += 1 }
            let port = perPort.max { ($0.value, -Int($0.key)) < ($1.value, -Int($1.key)) }?.key
            return (ProxySpec(front: frontAddress, frontPort: port, backSources: best == front ? [] : [source]),
                    median, Set(mine.map { addresses[Int($0.server)] }))
        }
        let candidates = found.compactMap { $0 }
        var accepted: [(spec: ProxySpec, backends: Set<IPAddress>)] = []
        for candidate in candidates.sorted(by: { $0.median < $1.median || ($0.median == $1.median && $0.spec.front < $1.spec.front) })
        where candidate.median <= 20_000_000 {
            let reflection = accepted.contains { proxy in
                proxy.backends.contains(candidate.spec.front) || candidate.backends.contains(proxy.spec.front)
            }
            if !reflection { accepted.append((candidate.spec, candidate.backends)) }
        }
        return ProxyTopology(proxies: accepted.map(\.spec).sorted { $0.front < $1.front }, detected: true)
    }

    /// Whether a source opens connections (at the times `sorted`) *because of* the triggers
    /// (`followed` of which it followed): in busy traffic an address that connects out often has
    /// an opening soon after any moment by chance. A proxy's back legs stand out of that chance:
    /// within `span` after the triggers, `source` opens more connections than its average rate
    /// predicts, by at least 0.4 times the triggers it followed, and (when chance predicts any)
    /// clear of the Poisson noise. (Measured excess per follow: 0.83 to 0.96 for the generated
    /// captures' proxy, 0.59 to 0.64 for HAProxy under the lab's dense concurrent load, where each
    /// 0.25 ms holds other sessions' back legs too; 0.02 to 0.25 for busy servers that are no proxy.
    /// Half, the old bar, failed HAProxy now and then.)
    static func causes(_ triggers: [Int64], followed: Int, openings sorted: [Int64], within span: Int64) -> Bool {
        guard let first = sorted.first, let last = sorted.last, let earliest = triggers.min(), let latest = triggers.max()
        else { return false }
        var after = 0, hint = 0
        for t in triggers {
            let at = firstIndex(sorted, atLeast: t + 1, near: hint) ?? sorted.count
            hint = at
            after += (firstIndex(sorted, atLeast: t + span + 1, near: at) ?? sorted.count) - at
        }
        // The rate over the time both were watched: the source's openings and the front's triggers.
        let watched = max(last, latest + span) - min(first, earliest)
        let chance = Double(sorted.count) / Double(max(watched, 1)) * Double(span) * Double(triggers.count)
        let excess = Double(after) - chance
        return excess >= 0.4 * Double(followed) && (chance < 1 || excess >= 3 * chance.squareRoot())
    }

    /// The first index of `sorted` holding at least `value` (nil: none), found from `hint` outwards
    /// (galloping, then halving): values that come in nearly sorted order (triggers, one session
    /// after another) land near the previous answer, and the search touches a few nearby entries
    /// instead of the whole array's cache lines.
    static func firstIndex(_ sorted: [Int64], atLeast value: Int64, near hint: Int) -> Int? {
        let n = sorted.count
        guard n > 0 else { return nil }
        var low: Int, high: Int  // the answer lies in low...high (high == n: none)
        let h = min(max(hint, 0), n - 1)
        if sorted[h] < value {
            low = h + 1
            var step = 1
            high = low
            while high < n && sorted[high] < value {
                low = high + 1
                high += step
                step *= 2
            }
            high = min(high, n)
        } else {
            high = h
            var step = 1
            low = high
            while low > 0 && sorted[low - 1] >= value {
                high = low - 1
                low = max(0, low - step)
                step *= 2
            }
        }
        low = sorted.partitionPoint(in: low..<high) { $0 < value }
        return low < n ? low : nil
    }
}
