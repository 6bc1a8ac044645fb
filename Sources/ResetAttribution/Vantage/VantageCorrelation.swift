import TCPAnalysis

/// One input as the correlation sees it: its name, its tracker's connections and the fingerprints
/// it kept. Each input keeps its own frame numbers, stream numbers and flow table; only packets are
/// matched across inputs, never merged (a copy would look like a retransmission).
public struct VantageView: Sendable {
    public var name: String
    public var connections: ConnectionList
    public var fingerprints: [PacketFingerprint]

    public init(name: String, connections: ConnectionList, fingerprints: [PacketFingerprint]) {
        self.name = name
        self.connections = connections
        self.fingerprints = fingerprints
    }
}

/// How two inputs relate: how many packets both captured, and the clock offset between them.
public struct VantagePair: Sendable {
    public var first: Int
    public var second: Int
    public var matchedConnections: Int
    public var matchedPackets: Int
    /// The second input's clock minus the first's (ns), when both directions of some connection
    /// were matched (as NTP does: the path delay cancels out).
    public var clockOffset: Int64?
    /// The one-way delay between the two vantage points (ns), measured the same way.
    public var pathDelay: Int64?
}

/// What the other inputs say about one RST: where else it was captured, and whether it was made
/// on the path between two vantage points.
public struct CrossViewFinding: Sendable {
    public var notes: [String] = []
    public var seenAt: [String] = []
    /// Not captured at a vantage point nearer its claimed sender that captured the connection on
    /// both sides of that moment: something between the two made it.
    public var injected = false
}

/// The correlation of several inputs of the same traffic.
public struct VantageCorrelation: Sendable {
    public var pairs: [VantagePair] = []
    /// Per input: findings by the RST's frame number.
    public var findings: [[Int: CrossViewFinding]]

    public static func correlate(_ views: [VantageView]) -> VantageCorrelation {
        var result = VantageCorrelation(findings: Array(repeating: [:], count: views.count))
        for a in views.indices {
            for b in views.indices where b > a {
                let matching = PacketMatching(views[a], views[b])
                result.pairs.append(VantagePair(first: a, second: b, matchedConnections: matching.connectionPairs.count,
                                                matchedPackets: matching.matches.count, clockOffset: matching.clockOffset,
                                                pathDelay: matching.pathDelay))
                matching.judgeResets(of: views[a], against: views[b], forward: true, into: &result.findings[a])
                matching.judgeResets(of: views[b], against: views[a], forward: false, into: &result.findings[b])
            }
        }
        return result
    }
}

/// The packets two inputs share, the connections they share, and what that says about their clocks
/// and about which input sits nearer which endpoint.
struct PacketMatching {
    struct Identity: Hashable {
        var key: FlowKey
        var side: UInt8, flags: UInt8
        var sequence: UInt32, acknowledgment: UInt32
        var payloadLength: UInt16, ipID: UInt16
    }

    /// (fingerprint in a, fingerprint in b).
    var matches: [(Int, Int)] = []
    /// Connection in a -> connection in b, and b -> a (the pair with the most matched packets).
    var connectionPairs: [Int32: Int32] = [:]
    var reversePairs: [Int32: Int32] = [:]
    /// Per connection of a: the side whose packets a captures first (a sits nearer that endpoint).
    var sideNearerA: [Int32: UInt8] = [:]
    var clockOffset: Int64?
    var pathDelay: Int64?
    /// Fingerprint indices of b by identity (to look up resets of a) and of a (for resets of b).
    let identitiesA: [Identity: [Int]]
    let identitiesB: [Identity: [Int]]

    static func identity(_ f: PacketFingerprint, in view: VantageView) -> Identity {
        Identity(key: view.connections[Int(f.connection)].key, side: f.side, flags: f.flags, sequence: f.sequence,
                 acknowledgment: f.acknowledgment, payloadLength: f.payloadLength, ipID: f.ipID)
    }

    static func index(_ view: VantageView) -> [Identity: [Int]] {
        var result: [Identity: [Int]] = [:]
        for (i, f) in view.fingerprints.enumerated() { result[identity(f, in: view), default: []].append(i) }
        return result
    }

    init(_ a: VantageView, _ b: VantageView) {
        identitiesA = Self.index(a)
        identitiesB = Self.index(b)
        // Identical fingerprints (a retransmission without an IP ID) pair up in capture order.
        for (identity, inA) in identitiesA {
            guard let inB = identitiesB[identity] else { continue }
            for (x, y) in zip(inA, inB) { matches.append((x, y)) }
        }
        matches.sort { $0.0 < $1.0 }
        var votes: [Int32: [Int32: Int]] = [:]
        for (x, y) in matches { votes[a.fingerprints[x].connection, default: [:]][b.fingerprints[y].connection, default: 0] += 1 }
        for (ca, candidates) in votes.sorted(by: { $0.key < $1.key }) {  // not in hash order: b's partner must not vary
            let cb = candidates.max { $0.value < $1.value || ($0.value == $1.value && $0.key > $1.key) }!.key
            connectionPairs[ca] = cb
            reversePairs[cb] = ca
        }
        // Per connection: d = t(b) - t(a) for each side's packets. Packets from the endpoint a sits
        // nearer reach b later: d = offset + delay; the other way d = offset - delay.
        var differences: [Int32: ([Int64], [Int64])] = [:]
        for (x, y) in matches {
            let fa = a.fingerprints[x], fb = b.fingerprints[y]
            guard connectionPairs[fa.connection] == fb.connection else { continue }
            let d = fb.timestamp - fa.timestamp
            if fa.side == 0 { differences[fa.connection, default: ([], [])].0.append(d) } else { differences[fa.connection, default: ([], [])].1.append(d) }
        }
        var offsets: [Int64] = [], delays: [Int64] = [], all: [Int64] = []
        for (connection, (d0, d1)) in differences {
            all += d0 + d1
            guard !d0.isEmpty, !d1.isEmpty else { continue }
            let near: UInt8 = Self.median(d0) >= Self.median(d1) ? 0 : 1
            sideNearerA[connection] = near
            let outbound = near == 0 ? d0 : d1, inbound = near == 0 ? d1 : d0
            // offset lies between the largest inbound and the smallest outbound difference.
            let low = inbound.max()!, high = outbound.min()!
            offsets.append(low + (high - low) / 2)
            delays.append(max(0, (high - low) / 2))
        }
        if !offsets.isEmpty {
            clockOffset = Self.median(offsets)
            pathDelay = Self.median(delays)
        } else if !all.isEmpty {
            clockOffset = Self.median(all)
        }
    }

    static func median(_ values: [Int64]) -> Int64 {
        let sorted = values.sorted()
        return sorted[sorted.count / 2]
    }

    /// The resets `view` captured, held against `other` (`forward`: view is a of the matching).
    func judgeResets(of view: VantageView, against other: VantageView, forward: Bool, into findings: inout [Int: CrossViewFinding]) {
        let lookup = forward ? identitiesB : identitiesA
        let partners = forward ? connectionPairs : reversePairs
        // view's clock -> other's clock.
        let offset = (forward ? 1 : -1) * (clockOffset ?? 0)
        let delay = pathDelay ?? 0
        for f in view.fingerprints where f.isReset {
            guard let partner = partners[f.connection] else { continue }  // the other input never saw this connection
            var finding = findings[f.frame] ?? CrossViewFinding()
            let sender = view.connections[Int(f.connection)].key.endpoint(Int(f.side))
            let senderText = sender.address.endpoint(sender.port)
            if let copies = lookup[Self.identity(f, in: view)], let copy = copies.first {
                let t = other.fingerprints[copy].timestamp - offset
                let ms = Double(t - f.timestamp) / 1e6
                finding.seenAt.append(other.name)
                finding.notes.append("also captured at \(other.name) (frame \(other.fingerprints[copy].frame), \(Self.format(ms)) ms \(ms < 0 ? "earlier" : "later") after the clock correction)")
                findings[f.frame] = finding
                continue
            }
            // Which input sits nearer the RST's claimed sender, on this connection.
            let aConnection = forward ? f.connection : partner
            guard let nearA = sideNearerA[aConnection] else { continue }
            let viewIsNearer = forward ? nearA == f.side : nearA != f.side
            let otherConnection = other.connections[Int(partner)]
            // When the RST would have passed the other vantage point, in its clock.
            let passing = f.timestamp + offset - (viewIsNearer ? -delay : delay)
            if viewIsNearer {
                finding.notes.append("not captured at \(other.name), farther from \(senderText): it was lost or dropped on the way there")
            } else if otherConnection.firstTime < passing && otherConnection.lastTime > passing {
                let after = Double(otherConnection.lastTime - passing) / 1e6
                finding.notes.append("not captured at \(other.name), which is nearer \(senderText) and captured this connection until \(Self.format(after)) ms after the reset would have passed it: the reset was made on the path between \(other.name) and \(view.name), not by \(senderText)")
                finding.injected = true
            } else {
                finding.notes.append("not captured at \(other.name), nearer \(senderText), which was not capturing this connection at that moment")
            }
            findings[f.frame] = finding
        }
    }

    static func format(_ ms: Double) -> String {
        let value = (abs(ms) * 1000).rounded() / 1000
        return String(value)
    }
}
