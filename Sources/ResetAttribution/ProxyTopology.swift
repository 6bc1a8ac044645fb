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

    public func leg(_ facts: ConnectionFacts) -> (leg: Leg, proxy: Int?) {
        let server = facts.serverEndpoint, client = facts.clientEndpoint
        for (index, proxy) in proxies.enumerated() {
            if server.address == proxy.front && (proxy.frontPort.map { $0 == server.port } ?? true) { return (.front, index) }
        }
        for (index, proxy) in proxies.enumerated() where proxy.outboundAddresses.contains(client.address) {
            return (.back, index)
        }
        return (.direct, nil)
    }

    /// Finds proxies in the traffic: an address that accepts connections (A) and an address (B,
    /// maybe A itself) whose outgoing connections follow A's incoming requests within milliseconds,
    /// for at least two requests and half of A's connections that carried one. Under steady load
    /// many pairs of addresses correlate loosely; a proxy's delay is short and steady, so candidates
    /// are ranked by their median delay, and one whose front is a backend of a better-ranked proxy
    /// (or whose back legs go to that proxy's front) is a reflection, not a proxy. A transparent
    /// proxy that connects out with the client's address is not found this way: name it with
    /// `--proxy`.
    public static func detect(_ connections: [ConnectionFacts], window: Int64 = 50_000_000) -> ProxyTopology {
        // Every connection opening, in time order, and every accepted session's trigger (its
        // first request byte, or its handshake).
        var openings: [(time: Int64, source: IPAddress, server: IPAddress)] = []
        var inbound: [IPAddress: [(client: IPAddress, trigger: Int64)]] = [:]
        var listeningPorts: [IPAddress: [UInt16: Int]] = [:]
        for facts in connections where facts.connection.synSender != nil {
            let client = facts.clientEndpoint, server = facts.serverEndpoint
            openings.append((facts.openTime, client.address, server.address))
            let trigger = facts.client.firstPayloadTime != 0 ? facts.client.firstPayloadTime : facts.connection.establishedTime ?? facts.openTime
            inbound[server.address, default: []].append((client.address, trigger))
            listeningPorts[server.address, default: [:]][server.port, default: 0] += 1
        }
        openings.sort { $0.time < $1.time }
        let times = openings.map(\.time)
        var candidates: [(spec: ProxySpec, median: Int64, backends: Set<IPAddress>)] = []
        for (front, sessions) in inbound where sessions.count >= 2 {
            // For each session, the first few openings that follow it (each source once).
            var delays: [IPAddress: [Int64]] = [:]
            var backends: [IPAddress: Set<IPAddress>] = [:]
            for (client, trigger) in sessions {
                guard var k = firstIndex(times, atLeast: trigger) else { continue }
                var seen = Set<IPAddress>()
                let limit = k + 64  // a proxy's connection comes among the next few openings
                while k < openings.count && k < limit && openings[k].time - trigger <= window && seen.count < 8 {
                    let o = openings[k]
                    k += 1
                    if o.server == front || (o.source == client && o.source != front) || !seen.insert(o.source).inserted { continue }
                    delays[o.source, default: []].append(o.time - trigger)
                    backends[o.source, default: []].insert(o.server)
                }
            }
            guard let best = delays.max(by: { ($0.value.count, $0.key == front ? 1 : 0) < ($1.value.count, $1.key == front ? 1 : 0) }),
                  best.value.count >= 2, best.value.count * 2 >= sessions.count else { continue }
            let median = best.value.sorted()[best.value.count / 2]
            let port = listeningPorts[front]?.max { $0.value < $1.value }?.key
            candidates.append((ProxySpec(front: front, frontPort: port, backSources: best.key == front ? [] : [best.key]),
                               median, backends[best.key] ?? []))
        }
        var accepted: [(spec: ProxySpec, backends: Set<IPAddress>)] = []
        for candidate in candidates.sorted(by: { $0.median < $1.median }) where candidate.median <= 20_000_000 {
            let reflection = accepted.contains { proxy in
                proxy.backends.contains(candidate.spec.front) || candidate.backends.contains(proxy.spec.front)
            }
            if !reflection { accepted.append((candidate.spec, candidate.backends)) }
        }
        return ProxyTopology(proxies: accepted.map(\.spec).sorted { $0.front < $1.front }, detected: true)
    }

    static func firstIndex(_ sorted: [Int64], atLeast value: Int64) -> Int? {
        var low = 0, high = sorted.count
        while low < high {
            let mid = (low + high) / 2
            if sorted[mid] < value { low = mid + 1 } else { high = mid }
        }
        return low < sorted.count ? low : nil
    }
}
