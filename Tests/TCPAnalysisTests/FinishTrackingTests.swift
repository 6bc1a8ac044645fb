import TCPAnalysis
import TestSupport
import Testing

/// `finishTracking` rewrites each connection record as its smaller summary, in place: every
/// connection must read the same after it as before, on every page of the store (1,024 records a
/// page), and a copy of the tracker made before must keep its own records.
struct FinishTrackingTests {
    /// What the reports read of a connection, as numbers.
    static func fingerprint(_ s: ConnectionSummary) -> [Int64] {
        let c = s.connection
        var values: [Int64] = [Int64(c.stream), Int64(c.firstFrame), Int64(c.lastFrame), c.firstTime, c.lastTime, c.initialRTT,
                               Int64(c.key.port0), Int64(c.key.port1), Int64(c.requestCount), Int64(c.responses),
                               c.responseTimeTotal, Int64(c.firstRSTFrame ?? -1), Int64(c.firstFINSide ?? -1),
                               c.synTime ?? -1, c.synAckTime ?? -1, c.establishedTime ?? -1, c.idleBeforeEnd ?? -1]
        for k in 0..<c.recentRequestCount { values += [c.recentRequest(k).start, c.recentRequest(k).response] }
        for side in [s.side0, s.side1] {
            values += [Int64(side.packets), Int64(side.retransmissions), Int64(side.payloadBytes), side.lastPayloadTime,
                       side.finTime, side.firstPayloadTime, Int64(side.ttlBaseline), Int64(side.baseSequence ?? 0),
                       side.sawSYN ? 1 : 0, side.sawSYNACK ? 1 : 0, side.sawFIN ? 1 : 0, side.sawRST ? 1 : 0]
        }
        return values
    }

    /// The connections whose fingerprints differ (a count keeps a failure's report short).
    static func mismatches(_ a: [[Int64]], _ b: [[Int64]]) -> Int {
        a.count == b.count ? zip(a, b).filter { $0 != $1 }.count : max(a.count, b.count)
    }

    static func fingerprints(_ tracker: TCPTracker) -> [[Int64]] {
        tracker.connections.indices.map { fingerprint(tracker.summary($0)) }
    }

    /// 2,500 connections (three pages, the last one part full), each different: handshake,
    /// requests and responses of varying sizes, a retransmission now and then, and a FIN or a RST.
    static func conversations() -> Conversation {
        var c = Conversation()
        for i in 0..<2_500 {
            c.clientPort = UInt16(20_000 + i)
            let start = Double(i) * 3
            c.handshake(at: start)
            let request = 10 + i % 50, response = 100 + i % 700
            c.send(true, [.ack, .psh], seq: 1001, ack: 5001, length: request, at: start + 12, ttl: UInt8(60 + i % 5))
            if i % 7 == 0 { c.send(true, [.ack, .psh], seq: 1001, ack: 5001, length: request, at: start + 13) }
            c.send(false, [.ack, .psh], seq: 5001, ack: UInt32(1001 + request), length: response, at: start + 14 + Double(i % 9))
            if i % 3 == 0 {
                c.send(false, [.rst, .ack], seq: UInt32(5001 + response), ack: UInt32(1001 + request), at: start + 25)
            } else {
                c.send(true, [.fin, .ack], seq: UInt32(1001 + request), ack: UInt32(5001 + response), at: start + 25)
            }
        }
        return c
    }

    @Test func everyConnectionReadsTheSameAfterward() {
        var tracker = Self.conversations().tracker
        let before = Self.fingerprints(tracker)
        #expect(before.count == 2_500 && !tracker.isFinished)
        #expect(Set(before.map { $0[0] }).count == 2_500)  // the fingerprints tell the connections apart
        tracker.finishTracking()
        #expect(tracker.isFinished)
        #expect(Self.mismatches(before, Self.fingerprints(tracker)) == 0)
        tracker.finishTracking()  // a second call changes nothing
        #expect(Self.mismatches(before, Self.fingerprints(tracker)) == 0)
    }

    @Test func aCopyKeepsItsRecords() {
        var tracker = Self.conversations().tracker
        var copy = tracker
        tracker.finishTracking()
        let finished = Self.fingerprints(tracker)
        #expect(!copy.isFinished)
        #expect(Self.mismatches(Self.fingerprints(copy), finished) == 0)
        copy.finishTracking()
        #expect(Self.mismatches(Self.fingerprints(copy), finished) == 0)
    }
}
