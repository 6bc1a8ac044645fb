import PacketCore
import ResetAttribution
import TCPAnalysis
import TestSupport
import Testing

/// Runs the attribution over conversations built in code.
func attribute(_ conversations: [Conversation], proxies: [ProxySpec]? = []) -> AttributionReport {
    // Replay every conversation's segments through one tracker, in time order, as one capture.
    var tracker = TCPTracker()
    var all: [(Int64, TCPSegment)] = []
    for c in conversations {
        for s in c.sent {
            var options = TCPOptions()
            options.windowScale = s.windowScale
            all.append((s.time, TCPSegment(
                frame: 0, timestamp: s.time, source: IPAddress(ipv4: s.source), destination: IPAddress(ipv4: s.destination),
                sourcePort: s.sourcePort, destinationPort: s.destinationPort, sequence: s.sequence, acknowledgment: s.acknowledgment,
                flags: TCPFlags(rawValue: s.flags), window: s.window, payloadLength: s.payloadLength, options: options,
                ttl: s.ttl, ipID: s.ipID, headerLength: s.windowScale == nil ? 20 : 24)))
        }
    }
    all.sort { $0.0 < $1.0 }
    for (i, entry) in all.enumerated() {
        var segment = entry.1
        segment.frame = i + 1
        _ = tracker.process(segment)
    }
    let facts = ConnectionFactsList(tracker)
    return ResetAnalyzer.analyze(connections: facts, resets: tracker.resets, proxies: proxies)
}

/// A direct connection with one exchange: a request of 100 bytes, a response of 300.
func exchange(_ c: inout Conversation, at start: Double = 0, serverTTL: UInt8 = 64) {
    c.handshake(at: start)
    c.send(true, [.psh, .ack], seq: 1001, ack: 5001, length: 100, at: start + 20)
    c.send(false, .ack, seq: 5001, ack: 1101, at: start + 21, ttl: serverTTL)
    c.send(false, [.psh, .ack], seq: 5001, ack: 1101, length: 300, at: start + 40, ttl: serverTTL)
}

@Suite struct SenderValidationTests {
    @Test func ttlMismatchMeansAForgedReset() {
        var c = Conversation()
        exchange(&c)
        c.send(false, [.rst, .ack], seq: 5301, ack: 1101, at: 41, ttl: 57)  // "from the server", another TTL
        let v = try! #require(attribute([c]).verdicts.first)
        #expect(v.attribution == .network && v.cause == .injected && !v.benign)
        #expect(v.evidence.contains { $0.contains("TTL 57, but this sender's other packets arrived with TTL 64") })
    }

    @Test func ipIDJumpIsEvidenceButNotEnoughAlone() {
        var c = Conversation()
        c.handshake()
        c.send(true, [.psh, .ack], seq: 1001, ack: 5001, length: 100, at: 20, ipID: 1000)
        c.send(true, [.rst, .ack], seq: 1101, ack: 5001, at: 30, ipID: 40000)
        let v = try! #require(attribute([c]).verdicts.first)
        #expect(v.evidence.contains { $0.contains("IP ID 40000 far from the sender's previous 1000") })
        #expect(v.attribution == .client)
    }

    @Test func outOfWindowAndInWindowSequenceNumbers() {
        var out = Conversation()
        exchange(&out)
        out.send(false, .rst, seq: 5301 &+ 5_000_000, at: 50)
        let far = try! #require(attribute([out]).verdicts.first)
        #expect(far.evidence.contains { $0.contains("outside the receiver's window") })
        var inside = Conversation()
        exchange(&inside)
        inside.send(false, .rst, seq: 5301 &+ 100, at: 50)
        let near = try! #require(attribute([inside]).verdicts.first)
        #expect(near.evidence.contains { $0.contains("a challenge ACK should follow") })
        var exact = Conversation()
        exchange(&exact)
        exact.send(false, [.rst, .ack], seq: 5301, ack: 1101, at: 50)
        let edge = try! #require(attribute([exact]).verdicts.first)
        #expect(edge.evidence.contains { $0.contains("exactly the next expected") })
        #expect(edge.attribution == .backend)
    }

    @Test func dataAfterItsOwnResetAndResetBurstsAreInjection() {
        var c = Conversation()
        exchange(&c)
        c.send(false, .rst, seq: 5301, at: 45)
        c.send(false, [.psh, .ack], seq: 5301, ack: 1101, length: 200, at: 60)  // the real server goes on
        #expect(attribute([c]).verdicts.first?.attribution == .network)
        var burst = Conversation()
        exchange(&burst)
        burst.send(false, .rst, seq: 5301, at: 45)
        burst.send(false, .rst, seq: 5301 &+ 1460, at: 45.001)
        burst.send(false, .rst, seq: 5301 &+ 2920, at: 45.002)
        let verdicts = attribute([burst]).verdicts
        #expect(verdicts.count == 3 && verdicts.allSatisfy { $0.attribution == .network }, "\(verdicts.map { ($0.attribution, $0.evidence) })")
        #expect(verdicts[0].evidence.contains { $0.contains("3 resets with different sequence numbers") })
    }

    @Test func duplicatedResetIsNeverEvidence() {
        var c = Conversation()
        exchange(&c)
        c.send(false, [.rst, .ack], seq: 5301, ack: 1101, at: 50, ipID: 9)
        c.send(false, [.rst, .ack], seq: 5301, ack: 1101, at: 50.0001, ipID: 9)
        let verdicts = attribute([c]).verdicts
        #expect(verdicts.count == 2 && verdicts[1].observation.isDuplicate)
        #expect(verdicts[0].attribution == .backend && verdicts[1].attribution != .network)
    }
}

@Suite struct PhaseAndCauseTests {
    @Test func refusedConnectionIsTheBackendsOverload() {
        var c = Conversation()
        c.send(true, .syn, seq: 1000, at: 0)
        c.send(false, [.rst, .ack], seq: 0, ack: 1001, at: 0.1)
        let v = try! #require(attribute([c]).verdicts.first)
        #expect(v.phase == .refused && v.attribution == .backend && v.cause == .overload && v.senderRole == .server)
    }

    @Test func clientAbortMidResponse() {
        var c = Conversation()
        exchange(&c)
        c.send(true, [.rst, .ack], seq: 1101, ack: 5201, at: 41)  // 100 response bytes unread
        let v = try! #require(attribute([c]).verdicts.first)
        #expect(v.phase == .response && v.attribution == .client && v.cause == .appAbort && !v.benign)
    }

    @Test func awaitingResponseAndRequestPhases() {
        var waiting = Conversation()
        waiting.handshake()
        waiting.send(true, [.psh, .ack], seq: 1001, ack: 5001, length: 100, at: 20)
        waiting.send(false, .rst, seq: 5001, at: 30)
        #expect(attribute([waiting]).verdicts.first?.phase == .awaitingResponse)
        var sending = Conversation()
        sending.handshake()
        sending.send(true, .ack, seq: 1001, ack: 5001, length: 1000, at: 20)  // no PSH: more to come
        sending.send(false, .rst, seq: 5001, at: 21)
        #expect(attribute([sending]).verdicts.first?.phase == .request)
    }

    @Test func keepaliveRaceAndAfterFIN() {
        var c = Conversation()
        exchange(&c)
        c.send(true, .ack, seq: 1101, ack: 5301, at: 41)
        c.send(false, [.fin, .ack], seq: 5301, ack: 1101, at: 5000)  // the server closes the idle connection
        c.send(true, [.psh, .ack], seq: 1101, ack: 5302, length: 80, at: 5000.2)  // as a new request leaves
        c.send(false, .rst, seq: 5302, at: 5000.3)
        #expect(attribute([c]).verdicts.first?.phase == .keepaliveRace)
    }

    @Test func resetsAfterTheSameIdleTimeAreATimeout() {
        var conversations: [Conversation] = []
        for i in 0..<4 {
            var c = Conversation()
            c.clientPort = UInt16(41000 + i)
            let start = Double(i) * 100
            exchange(&c, at: start)
            c.send(true, .ack, seq: 1101, ack: 5301, at: start + 41)
            c.send(false, [.rst, .ack], seq: 5301, ack: 1101, at: start + 41 + 60_000 + Double(i))  // 60 s idle
            conversations.append(c)
        }
        let report = attribute(conversations)
        #expect(report.verdicts.count == 4 && report.verdicts.allSatisfy { $0.cause == .timeout && $0.phase == .idle })
        let cluster = try! #require(report.timeoutClusters.first)
        #expect(cluster.count == 4 && abs(cluster.meanMilliseconds - 60_001.5) < 1)
        // Idle 60,000 to 60,003 ms: mean 60,001.5, spread the square root of 1.25, one decimal each.
        #expect(report.verdicts.allSatisfy { $0.evidence.contains("one of 4 resets after 60001.5 ± 1.1 ms idle: looks like a timeout") })
    }
}

@Suite struct BenignResetTests {
    @Test func resetAfterBothFINsAndAfterACompleteExchange() {
        var fins = Conversation()
        exchange(&fins)
        fins.send(true, [.fin, .ack], seq: 1101, ack: 5301, at: 50)
        fins.send(false, [.fin, .ack], seq: 5301, ack: 1102, at: 51)
        fins.send(true, .rst, seq: 1102, at: 52)
        #expect(attribute([fins]).verdicts.first?.benign == true)
        var linger = Conversation()
        exchange(&linger)
        linger.send(true, [.rst, .ack], seq: 1101, ack: 5301, at: 41)  // all 300 bytes read, then RST
        #expect(attribute([linger]).verdicts.first?.benign == true)
    }

    @Test func tcpHealthCheck() {
        var c = Conversation()
        c.send(true, .syn, seq: 1000, at: 0)
        c.send(false, [.syn, .ack], seq: 5000, ack: 1001, at: 0.1)
        c.send(true, [.rst, .ack], seq: 1001, ack: 5001, at: 0.2)
        let v = try! #require(attribute([c]).verdicts.first)
        #expect(v.benign && v.phase == .handshake)
    }
}

@Suite struct ProxyTests {
    @Test func proxySpecParsing() {
        #expect(ProxySpec(parsing: "10.0.0.1") == ProxySpec(front: IPAddress(parsing: "10.0.0.1")!))
        #expect(ProxySpec(parsing: "10.0.0.1:8443,10.0.1.1,10.0.1.2")
                == ProxySpec(front: IPAddress(parsing: "10.0.0.1")!, frontPort: 8443,
                             backSources: [IPAddress(parsing: "10.0.1.1")!, IPAddress(parsing: "10.0.1.2")!]))
        #expect(ProxySpec(parsing: "[2001:db8::1]:443,2001:db8:1::5")?.frontPort == 443)
        #expect(ProxySpec(parsing: "2001:db8::1")?.front == IPAddress(parsing: "2001:db8:0:0:0:0:0:1"))
        #expect(ProxySpec(parsing: "nonsense") == nil && ProxySpec(parsing: "10.0.0.1:99999") == nil)
        #expect(IPAddress(parsing: "::ffff:192.0.2.1")?.description == "::ffff:c000:201")
    }

    /// Client 10.0.0.1 -> proxy 10.0.0.9:80; proxy 10.0.1.9 -> backend 10.0.1.20:8080. The backend
    /// resets mid-response; the proxy then resets the client.
    @Test func backendResetChainsToTheFrontLeg() {
        var front = Conversation()
        front.client = IPAddress(parsing: "10.0.0.1")!
        front.server = IPAddress(parsing: "10.0.0.9")!
        front.handshake(at: 0)
        front.send(true, [.psh, .ack], seq: 1001, ack: 5001, length: 100, at: 20)
        var back = Conversation()
        back.client = IPAddress(parsing: "10.0.1.9")!
        back.server = IPAddress(parsing: "10.0.1.20")!
        back.serverPort = 8080
        back.clientPort = 50000
        back.handshake(at: 20.2)
        back.send(true, [.psh, .ack], seq: 1001, ack: 5001, length: 120, at: 31.5)
        back.send(false, .ack, seq: 5001, ack: 1121, length: 500, at: 40)
        back.send(false, [.rst, .ack], seq: 5501, ack: 1121, at: 41)
        front.send(false, .ack, seq: 5001, ack: 1101, length: 500, at: 40.2)
        front.send(false, [.rst, .ack], seq: 5501, ack: 1101, at: 41.3)
        for proxies in [[ProxySpec(parsing: "10.0.0.9:80,10.0.1.9")!], nil] as [[ProxySpec]?] {
            let report = attribute([front, back], proxies: proxies)
            if proxies == nil {
                // One session is too little to find a proxy in the traffic: two direct connections.
                #expect(report.sessions.isEmpty && report.verdicts.map(\.leg) == [.direct, .direct])
                continue
            }
            guard let session = report.sessions.first else { Issue.record("no session"); continue }
            #expect(session.termination == "SD" && session.attribution == .backend)
            #expect(report.verdicts.count == 2 && report.verdicts.allSatisfy { $0.attribution == .backend })
            #expect(report.verdicts.map(\.leg) == [.back, .front])
        }
    }
}

@Suite struct ICMPEvidenceTests {
    @Test func icmpErrorQuotingTheConnectionIsCitedOnItsReset() {
        var tracker = TCPTracker()
        let client = IPAddress(ipv4: 0x0A00_0001), server = IPAddress(ipv4: 0x0A00_0002)
        func segment(_ frame: Int, _ fromClient: Bool, _ flags: TCPFlags, seq: UInt32, ack: UInt32) -> TCPSegment {
            TCPSegment(frame: frame, timestamp: Int64(frame) * 1_000_000, source: fromClient ? client : server,
                       destination: fromClient ? server : client, sourcePort: fromClient ? 40000 : 80,
                       destinationPort: fromClient ? 80 : 40000, sequence: seq, acknowledgment: ack, flags: flags, window: 8192)
        }
        _ = tracker.process(segment(1, true, .syn, seq: 1000, ack: 0))
        _ = tracker.process(segment(2, false, [.syn, .ack], seq: 5000, ack: 1001))
        _ = tracker.process(segment(3, true, .ack, seq: 1001, ack: 5001))
        var quoted = segment(4, true, [.psh, .ack], seq: 1001, ack: 5001)  // what a router sent back
        quoted.context = .quotedInICMPError
        _ = tracker.process(quoted)
        _ = tracker.process(segment(5, true, [.rst, .ack], seq: 1001, ack: 5001))
        let facts = ConnectionFactsList(tracker)
        let report = ResetAnalyzer.analyze(connections: facts, resets: tracker.resets, proxies: [])
        #expect(tracker.connections.count == 1)
        #expect(report.verdicts.first?.evidence.contains { $0.contains("1 ICMP error quoting this connection (last at frame 4)") } == true)
    }
}
