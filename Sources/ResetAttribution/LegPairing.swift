import TCPAnalysis

/// Pairs every back leg of a proxy with the front leg whose request caused it. Two timings tie
/// them: the proxy opens the back leg right after the request arrives, and forwards the backend's
/// response to the client right after it arrives. Every plausible (back leg, request) pair gets a
/// cost from both delays; the cheapest pairs are taken first, each back leg and each request once.
/// A back leg no request explains, following a refused one to the same backend, is HAProxy
/// retrying (`retries`) for the same front.
public enum LegPairing {
    /// The longest wait between a request's arrival and the proxy's connection to a backend.
    public static let window: Int64 = 200_000_000

    /// How many requests a back leg may be paired with, the cheapest: the request that caused it
    /// is among the first few (the lab's densest HAProxy capture gives a back leg at most 26
    /// candidates, the generated 2M-packet capture 23), while keeping every one grew as back legs
    /// times open requests (570 MiB for 128,000 back legs of a backend that refused them all).
    static let candidatesPerBack = 32

    /// Back leg index -> front leg index (indices into `connections`; -1 for none).
    public static func pair(_ connections: ConnectionFactsList, legs: [ConnectionLeg]) -> [Int32] {
        var pairs = [Int32](repeating: -1, count: connections.count)
        for proxy in Set(legs.compactMap(\.proxy)) {
            // With its front leg's last packet: the scan below reads no connection record.
            var requests: [(time: Int64, response: Int64, front: Int, frontLast: Int64)] = []
            var backs: [Int] = []
            for (i, leg) in legs.enumerated() where leg.proxy == proxy {
                let facts = connections[i]
                if leg.leg == .front {
                    let kept = facts.connection.recentRequestCount, last = facts.connection.lastTime
                    for k in 0..<kept {
                        let (start, response) = facts.connection.recentRequest(k)
                        if start != 0 { requests.append((start, response, i, last)) }
                    }
                    if kept == 0, let accepted = facts.connection.establishedTime { requests.append((accepted, 0, i, last)) }
                } else if leg.leg == .back {
                    backs.append(i)
                }
            }
            // Ties broken by index everywhere: the pairing must not depend on hash order.
            requests.sort { ($0.time, $0.front) < ($1.time, $1.front) }
            // The requests that can explain a back leg came within `window` before it opened, from
            // a front leg still there (its last packet at most 1 ms before). Both bounds only move
            // on as the back legs are taken in the order they opened, so one sweep keeps the few
            // such requests in a live list instead of scanning the window for every back leg.
            let opening = backs.map { back in (back: back, opened: connections[back].openTime,
                                              response: connections[back].server.firstPayloadTime) }
                .sorted { ($0.opened, $0.back) < ($1.opened, $1.back) }
            // Every back leg's candidates in turn (requests by index, with their cost from the delays).
            func sweep(_ visit: (_ back: Int, _ found: [(request: Int, cost: Int64)]) -> Void) {
                var live: [Int] = []
                var nextRequest = 0
                var found: [(request: Int, cost: Int64)] = []
                for (back, opened, backResponse) in opening {
                    while nextRequest < requests.count && requests[nextRequest].time <= opened {
                        live.append(nextRequest)
                        nextRequest += 1
                    }
                    live.removeAll { requests[$0].time < opened - window || requests[$0].frontLast < opened - 1_000_000 }
                    found.removeAll(keepingCapacity: true)
                    for k in live {
                        let request = requests[k]
                        var cost = max(0, opened - request.time)
                        if backResponse != 0 && request.response != 0 {
                            cost += abs(request.response - backResponse)
                        } else if backResponse != 0 || request.response != 0 {
                            cost += window  // one side has a response and the other none: unlikely
                        }
                        found.append((k, cost))
                    }
                    visit(back, found)
                }
            }
            // Byte counts: a proxy adds or removes about the same number of request bytes every time
            // (headers it inserts). The most common difference, over single-request legs, is the
            // proxy's; a pair that does not show it costs as much as the whole window.
            // (Each leg's bytes read once: the sweeps meet a request many times.)
            func singleRequestBytes(_ leg: Int) -> Int? {
                connections[leg].connection.requestCount == 1 ? connections[leg].client.payloadBytes : nil
            }
            let requestBytes = requests.map { singleRequestBytes($0.front) }
            var histogram: [Int: Int] = [:]
            sweep { back, found in
                guard let backBytes = singleRequestBytes(back) else { return }
                for (request, _) in found { if let f = requestBytes[request] { histogram[backBytes - f, default: 0] += 1 } }
            }
            let usual = histogram.max(by: { ($0.value, -$0.key) < ($1.value, -$1.key) }).flatMap { $0.value >= 2 ? $0.key : nil }
            // Each back leg's candidates as 128-bit keys (cost, then back leg, then request: costs are
            // never negative, indices fit 32 bits), its `candidatesPerBack` cheapest in order (the
            // sweep runs twice so that the rest is never stored); then taken cheapest first.
            var candidates: [UInt128] = []
            var lists: [Range<Int>] = []
            var keys: [UInt128] = []
            sweep { back, found in
                keys.removeAll(keepingCapacity: true)
                let backBytes = singleRequestBytes(back)
                for (request, cost) in found {
                    var cost = cost
                    if let usual, let b = backBytes, let f = requestBytes[request], b - f != usual { cost += window }
                    keys.append(UInt128(UInt64(clamping: cost)) << 64
                        | UInt128(UInt64(truncatingIfNeeded: back) << 32 | UInt64(truncatingIfNeeded: request)))
                }
                keys.sort()
                if keys.count > candidatesPerBack { keys.removeLast(keys.count - candidatesPerBack) }
                lists.append(candidates.count..<candidates.count + keys.count)
                candidates.append(contentsOf: keys)
            }
            takeCheapest(candidates, lists: lists, requests: requests.count) { back, request in
                pairs[back] = Int32(requests[request].front)
            }
            pairRetries(opening, pairs: &pairs, connections: connections)
        }
        return pairs
    }

    /// Takes (back leg, request) pairs cheapest first, each back leg and each request once: the
    /// keys of `lists` (each one back leg's, in ascending order) as if all were sorted and read in
    /// turn, skipping a key whose back leg or request is taken. A heap holds each back leg's
    /// cheapest key left; a back leg whose request is gone moves on to its next. The keys come
    /// out in the sorted order (a back leg's next key is never below its last), but a back leg
    /// that gets its first choice costs a heap step, not a place in a sort of every candidate
    /// (which took 7 of the pairing's 17 ms on the generated 2M-packet capture).
    static func takeCheapest(_ candidates: [UInt128], lists: [Range<Int>], requests: Int,
                             take: (_ back: Int, _ request: Int) -> Void) {
        var heads = KeyHeap(capacity: lists.count)
        var next = lists.map(\.lowerBound)
        for (list, range) in lists.enumerated() where !range.isEmpty { heads.push(candidates[range.lowerBound], Int32(list)) }
        var requestTaken = [Bool](repeating: false, count: requests)
        while let (key, list) = heads.pop() {
            let request = Int(UInt32(truncatingIfNeeded: key))
            if !requestTaken[request] {
                requestTaken[request] = true
                take(Int(UInt64(truncatingIfNeeded: key) >> 32), request)  // (its back leg is done: out of the heap)
                continue
            }
            let l = Int(list)
            next[l] += 1
            if next[l] < lists[l].upperBound { heads.push(candidates[next[l]], list) }
        }
    }

    /// The longest wait between a refused back leg and the retry that follows it.
    static let retryWindow: Int64 = 3_000_000_000

    /// Retries (HAProxy's `retries`): a back leg left over, opened within `retryWindow` after a
    /// refused one to the same backend whose front leg is still there (its last packet at most 1 ms
    /// before), belongs to that front; the latest such refused leg wins, and a retry paired here
    /// counts for the next one (retries chain). The refused legs are kept by backend in the order
    /// they opened, so each leg left over reads the few before it: a backend that refuses
    /// everything leaves most back legs over, and reading every back leg for each of them took
    /// 20 s for 40,000 connections.
    static func pairRetries(_ opening: [(back: Int, opened: Int64, response: Int64)], pairs: inout [Int32],
                            connections: ConnectionFactsList) {
        struct Backend: Hashable {
            let address: IPAddress
            let port: UInt16
        }
        func backend(_ leg: Int) -> Backend {
            let server = connections[leg].serverEndpoint
            return Backend(address: server.address, port: server.port)
        }
        // Per backend, the refused legs paired so far (by the timing, or here as retries), in the
        // order they opened: the sweep goes in that order, so each leg finds the ones before it.
        var refused: [Backend: [(opened: Int64, back: Int)]] = [:]
        for (back, opened, _) in opening {
            // (Only a leg left over, or a refused one, is looked up or kept: most are neither.)
            let isRefused = connections[back].wasRefused
            guard pairs[back] < 0 || isRefused else { continue }
            let key = backend(back)
            if pairs[back] < 0 {
                // The latest refused leg that opened before this one, within the window, whose front is still there.
                let before = refused[key] ?? []
                let previous = before[..<before.partitionPoint { $0.opened < opened }].reversed()
                    .prefix { opened - $0.opened <= retryWindow }
                    .first { connections[Int(pairs[$0.back])].connection.lastTime >= opened - 1_000_000 }
                guard let previous else { continue }
                pairs[back] = pairs[previous.back]
            }
            if isRefused { refused[key, default: []].append((opened, back)) }
        }
    }
}
