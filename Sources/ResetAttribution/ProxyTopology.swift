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
        var openings: [IPAddress: [(time: Int64, server: IPAddress)]] = [:]
        var inbound: [IPAddress: [(facts: ConnectionFacts, trigger: Int64)]] = [:]
        var listeningPorts: [IPAddress: [UInt16: Int]] = [:]
        for facts in connections where facts.connection.synSender != nil {
            openings[facts.clientEndpoint.address, default: []].append((facts.openTime, facts.serverEndpoint.address))
            let trigger = facts.client.firstPayloadTime != 0 ? facts.client.firstPayloadTime : facts.connection.establishedTime ?? facts.openTime
            inbound[facts.serverEndpoint.address, default: []].append((facts, trigger))
            listeningPorts[facts.serverEndpoint.address, default: [:]][facts.serverEndpoint.port, default: 0] += 1
        }
        for key in openings.keys { openings[key]!.sort { $0.time < $1.time } }
        var candidates: [(spec: ProxySpec, median: Int64, backends: Set<IPAddress>)] = []
        for (front, sessions) in inbound where sessions.count >= 2 {
            var best: (source: IPAddress, delays: [Int64], backends: Set<IPAddress>)?
            for (source, times) in openings {
                var delays: [Int64] = []
                var backends = Set<IPAddress>()
                let starts = times.map(\.time)
                for (facts, trigger) in sessions {
                    if facts.clientEndpoint.address == source && source != front { continue }
                    if let i = firstIndex(starts, atLeast: trigger), starts[i] - trigger <= window, times[i].server != front {
                        delays.append(starts[i] - trigger)
                        backends.insert(times[i].server)
                    }
                }
                if delays.count > (best?.delays.count ?? 1) || (delays.count == best?.delays.count && source == front) {
                    best = (source, delays, backends)
                }
            }
            guard let best, best.delays.count >= 2, best.delays.count * 2 >= sessions.count else { continue }
            let median = best.delays.sorted()[best.delays.count / 2]
            let port = listeningPorts[front]?.max { $0.value < $1.value }?.key
            candidates.append((ProxySpec(front: front, frontPort: port, backSources: best.source == front ? [] : [best.source]),
                               median, best.backends))
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
