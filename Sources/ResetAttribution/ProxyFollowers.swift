import TCPAnalysis

/// A connection opening, as proxy detection sees it: when, from which address to which, and when
/// the server's first payload came (0: none).
struct Opening {
    var time: Int64
    var source: Int32
    var server: Int32
    var response: Int64
}

/// A connection a candidate front accepted: its client, what may have caused a back leg (the first
/// request byte, or the handshake), its last packet and the port.
struct FrontSession {
    var trigger: Int64
    var end: Int64
    var client: Int32
    var port: UInt16

    /// Whether `opening` can be a back leg this session caused: it was answered (or, unanswered,
    /// opened) while the session was still open, as a proxy's back leg is, for the proxy has an
    /// answer to relay. A busy proxy's clients, seen from its back legs, look like its followers
    /// (each client connects again once answered, soon after the back leg's request), but they
    /// are answered after that back leg closed. (Not the session's first response byte: a TLS or
    /// SOCKS proxy answers before it connects out.)
    func canCause(_ opening: Opening) -> Bool {
        (opening.response != 0 ? opening.response : opening.time) <= end
    }
}

/// What one worker of the detection reuses from front to front.
struct FollowerScratch {
    /// What followed the sessions of the front at hand.
    /// (The delay is at most the window, under 2.1 s: 32 bits, 12 bytes a follower.)
    var followers: [(source: Int32, delay: Int32, server: Int32)] = []
    /// Per source: how many of the front's sessions it followed, and the last session (numbered
    /// across fronts) it was seen following ("each source once"). Side by side: the scan reads
    /// both for every opening, one cache line instead of two.
    var sources: [(followed: Int32, seenIn: Int32)]
    /// The sources counted so far.
    var touched: [Int32] = []
    var sessionNumber: Int32 = 0

    init(addresses: Int) {
        sources = [(followed: Int32, seenIn: Int32)](repeating: (0, -1), count: addresses)
    }

    /// The source that followed the most of `front`'s sessions (the front itself on a tie, then
    /// the lowest address: the result must not depend on input order), how many it followed, and
    /// what it opened after them.
    mutating func bestFollower(of front: Int32, sessions: ArraySlice<FrontSession>, openings: [Opening], times: [Int64],
                               addresses: [IPAddress], window: Int64)
        -> (source: Int32, count: Int, followers: [(source: Int32, delay: Int32, server: Int32)])? {
        precondition(window <= Int64(Int32.max), "ProxyTopology: window beyond 32 bits of nanoseconds")
        followers.removeAll(keepingCapacity: true)
        // For each session, the first few openings that follow it (each source once).
        var hint = 0
        for session in sessions {
            let client = session.client, trigger = session.trigger
            guard var k = ProxyTopology.firstIndex(times, atLeast: trigger, near: hint) else { continue }
            hint = k
            sessionNumber += 1
            var distinct = 0
            let limit = min(openings.count, k + 64)  // a proxy's connection comes among the next few openings
            while k < limit && distinct < 8 {
                let o = openings[k]
                guard o.time - trigger <= window else { break }
                k += 1
                if o.server == front || (o.source == client && o.source != front) || !session.canCause(o) { continue }
                let source = Int(o.source)
                guard sources[source].seenIn != sessionNumber else { continue }
                sources[source].seenIn = sessionNumber
                distinct += 1
                followers.append((o.source, Int32(truncatingIfNeeded: o.time - trigger), o.server))
                if sources[source].followed == 0 { touched.append(o.source) }
                sources[source].followed += 1
            }
        }
        // The most followed (the front itself first on a tie), then the lowest address among those:
        // the addresses of the many sources that followed once or twice are never compared.
        func rank(_ source: Int32) -> Int { Int(sources[Int(source)].followed) << 1 | (source == front ? 1 : 0) }
        var top = -1
        for source in touched { top = max(top, rank(source)) }
        var best: Int32 = -1
        for source in touched where rank(source) == top {
            if best < 0 || addresses[Int(source)] < addresses[Int(best)] { best = source }
        }
        let count = best < 0 ? 0 : Int(sources[Int(best)].followed)
        for source in touched { sources[Int(source)].followed = 0 }
        touched.removeAll(keepingCapacity: true)
        guard best >= 0 else { return nil }
        return (best, count, followers.filter { $0.source == best })
    }
}
