import TCPAnalysis

/// Pairs every back leg of a proxy with the front leg whose request caused it. A proxy connects to
/// a backend right after a request arrives (HTTP) or a connection is accepted (TCP), in arrival
/// order: each back leg goes to the oldest request still waiting, within a short window, on a front
/// leg still open. A back leg that retries a refused one (HAProxy's `retries`) joins the same front.
public enum LegPairing {
    /// The window between a request's arrival and the proxy's connection to a backend.
    public static let window: Int64 = 200_000_000

    /// Back leg index -> front leg index (indices into `connections`).
    public static func pair(_ connections: [ConnectionFacts], legs: [(leg: Leg, proxy: Int?)]) -> [Int: Int] {
        var pairs: [Int: Int] = [:]
        let proxies = Set(legs.compactMap(\.proxy))
        for proxy in proxies {
            // Requests waiting for a backend connection: (time, front), in arrival order.
            var requests: [(time: Int64, front: Int)] = []
            var backs: [Int] = []
            for (i, leg) in legs.enumerated() where leg.proxy == proxy {
                if leg.leg == .front {
                    let facts = connections[i]
                    var starts = facts.connection.recentRequestStarts
                    if starts.isEmpty, let established = facts.connection.establishedTime { starts = [established] }
                    if facts.connection.requestCount > 4 {
                        // Only the last four are remembered; older ones are approximated by the first payload.
                        starts.insert(facts.client.firstPayloadTime, at: 0)
                    }
                    for start in Set(starts) where start != 0 { requests.append((start, i)) }
                } else if leg.leg == .back {
                    backs.append(i)
                }
            }
            requests.sort { $0.time < $1.time }
            backs.sort { connections[$0].openTime < connections[$1].openTime }
            var used = [Bool](repeating: false, count: requests.count)
            var firstOpen = 0
            // The front each refused back leg belonged to, by backend endpoint: a retry follows it.
            var retrying: [String: (front: Int, until: Int64)] = [:]
            for back in backs {
                let b = connections[back]
                let opened = b.openTime
                let backend = "\(b.serverEndpoint.address)|\(b.serverEndpoint.port)"
                while firstOpen < requests.count && (used[firstOpen] || requests[firstOpen].time < opened - window) { firstOpen += 1 }
                var chosen: Int?
                var k = firstOpen
                while k < requests.count && requests[k].time <= opened + 1_000_000 {
                    let front = connections[requests[k].front]
                    if !used[k] && front.connection.lastTime >= opened - 1_000_000 {
                        chosen = k
                        break
                    }
                    k += 1
                }
                // No request waiting: a retry of a refused connection for the same front.
                if chosen == nil, let retry = retrying[backend], opened <= retry.until,
                   connections[retry.front].connection.lastTime >= opened - window {
                    pairs[back] = retry.front
                    retrying[backend] = b.wasRefused ? (retry.front, opened + 3_000_000_000) : nil
                    continue
                }
                guard let chosen else { continue }
                used[chosen] = true
                pairs[back] = requests[chosen].front
                if b.wasRefused { retrying[backend] = (requests[chosen].front, opened + 3_000_000_000) }
            }
        }
        return pairs
    }
}
