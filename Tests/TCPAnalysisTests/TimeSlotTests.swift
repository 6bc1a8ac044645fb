@testable import TCPAnalysis
import TestSupport
import Testing

/// A connection keeps its times in 32-bit slots (`TimeSlot`): every value must read back exactly,
/// those that fit and those kept whole in `WideTimes`, and a connection must report the same times
/// whatever slots they took.
struct TimeSlotTests {
    static let base: Int64 = 1_700_000_000_123_456_000  // a whole microsecond
    /// The largest offset a slot holds in microseconds: 2^31 - 1 of them (35.8 minutes).
    static let microRange: Int64 = (1 << 31 - 1) * 1000

    /// The value read back, and whether it took an entry in `WideTimes`. (Not the table's count:
    /// other tests add to it at the same time.)
    static func roundTrip(_ value: Int64?, _ scale: TimeScale) -> (value: Int64?, wide: Bool) {
        let slot = TimeSlot(value, scale)
        return (slot.get(scale), slot.wideIndex != nil)
    }

    /// The sizes the records' documentation gives (one per connection of the whole input).
    @Test func recordSizes() {
        #expect(MemoryLayout<Connection>.stride == 192)
        #expect(MemoryLayout<ConnectionRecord>.stride == 400)
        #expect(MemoryLayout<ConnectionSummary>.stride == 272)
        #expect(MemoryLayout<ResetObservation>.stride == 136)
        #expect(MemoryLayout<TCPTracker.SynAckRecord>.stride == 16)
    }

    @Test func fittingValuesTakeNoWideEntry() {
        let micro = TimeScale(base: Self.base, nanoseconds: false), nano = TimeScale(base: Self.base + 1, nanoseconds: true)
        for value in [nil, 0, Self.base, Self.base + 1000, Self.base + Self.microRange] {
            let (read, wide) = Self.roundTrip(value, micro)
            #expect(read == value && !wide, "µs \(String(describing: value))")
        }
        for value in [nil, 0, Self.base + 1, Self.base + 2, Self.base + 1 + Int64(Int32.max)] {
            let (read, wide) = Self.roundTrip(value, nano)
            #expect(read == value && !wide, "ns \(String(describing: value))")
        }
        // A duration scale (base 0) keeps a round-trip time without an entry.
        #expect(Self.roundTrip(250_000, TimeScale(base: 0, nanoseconds: false)) == (250_000, false))
    }

    @Test func otherValuesAreKeptWhole() {
        let micro = TimeScale(base: Self.base, nanoseconds: false), nano = TimeScale(base: Self.base + 1, nanoseconds: true)
        let cases: [(Int64, TimeScale)] = [
            (Self.base + Self.microRange + 1000, micro),  // beyond 35.8 minutes
            (Self.base - 1000, micro),  // before the first time (a clock that ran backwards)
            (Self.base + 1, micro),  // a nanosecond where the clock was in microseconds
            (Self.base + 2 + Int64(Int32.max), nano),  // beyond 2.1 s of nanoseconds
            (Int64.max, micro), (Int64.min, micro), (-5, TimeScale(base: 0, nanoseconds: false)),
        ]
        for (value, scale) in cases {
            let (read, wide) = Self.roundTrip(value, scale)
            #expect(read == value && wide, "\(value)")
        }
    }

    @Test func aWideSlotStaysWideWithOneEntry() {
        let micro = TimeScale(base: Self.base, nanoseconds: false)
        var slot = TimeSlot(Self.base - 1000, micro)
        let index = slot.wideIndex
        #expect(index != nil)
        for value in [Self.base, Self.base + 5_000, 0, Self.base + Self.microRange * 3] {
            slot.set(value, micro)
            #expect(slot.get(micro) == value && slot.wideIndex == index)
        }
    }

    /// A connection of 40 minutes (its last exchange beyond a slot's reach) and one on a nanosecond
    /// clock that lasts 3 s: every time reads as it was given.
    @Test func longConnectionsReportExactTimes() {
        for (unit, nanosecond) in [(1.0, false), (0.001, true)] {
            var c = Conversation()
            let start = nanosecond ? 0.000_5 : 0  // 500 ns: the connection's clock is in nanoseconds
            let late = nanosecond ? 3_000.000_7 : 40 * 60_000.0
            c.handshake(at: start)
            c.send(true, [.ack, .psh], seq: 1001, ack: 5001, length: 10, at: start + 12 * unit)
            c.send(false, [.ack, .psh], seq: 5001, ack: 1011, length: 100, at: start + 15 * unit)
            c.send(true, [.ack, .psh], seq: 1011, ack: 5101, length: 10, at: late)
            c.send(false, [.ack, .psh], seq: 5101, ack: 1021, length: 100, at: late + 7 * unit)
            c.send(false, [.rst, .ack], seq: 5201, ack: 1021, at: late + 9 * unit)
            let ns = { (ms: Double) in Int64(ms * 1_000_000) }
            let connection = c.tracker.connections[0]
            #expect(connection.firstTime == ns(start))
            #expect(connection.lastTime == ns(late + 9 * unit))
            #expect(connection.synTime == ns(start) && connection.synAckTime == ns(start + 10))
            #expect(connection.establishedTime == ns(start + 11))
            #expect(connection.recentRequestCount == 2)
            #expect(connection.recentRequest(0) == (ns(start + 12 * unit), ns(start + 15 * unit)))
            #expect(connection.recentRequest(1) == (ns(late), ns(late + 7 * unit)))
            #expect(connection.idleBeforeEnd == ns(late + 9 * unit) - ns(late + 7 * unit))
            #expect(connection.initialRTT == ns(start + 11) - ns(start))
            #expect(connection.responseTimeMax == ns(late + 7 * unit) - ns(late))
            #expect(connection.responseTimeTotal == ns(start + 15 * unit) - ns(start + 12 * unit) + ns(late + 7 * unit) - ns(late))
            var tracker = c.tracker
            tracker.finishTracking()
            #expect(FinishTrackingTests.fingerprint(tracker.summary(0)) == FinishTrackingTests.fingerprint(c.tracker.summary(0)))
        }
    }

    /// A conversation an ICMP error opened (its quoted SYN at 0.5005 ms: a nanosecond clock) moves
    /// its first time to its first TCP frame (10 ms): the times set before stay exact, the one before
    /// the new first time kept whole.
    @Test func aConversationICMPErrorsOpenedKeepsItsTimes() {
        var c = Conversation()
        var quoted = TCPSegment(frame: 1, timestamp: 500_500, source: c.client, destination: c.server, sourcePort: c.clientPort,
                                destinationPort: c.serverPort, sequence: 1000, acknowledgment: 0, flags: .syn, window: 8192)
        quoted.context = .quotedInICMPError
        _ = c.tracker.process(quoted)
        c.frame = 1
        #expect(c.tracker.connections[0].synTime == 500_500 && !c.tracker.connections[0].hasTCPFrames)
        c.handshake(at: 10)
        c.send(true, [.ack, .psh], seq: 1001, ack: 5001, length: 10, at: 12)
        c.send(false, [.ack, .psh], seq: 5001, ack: 1011, length: 100, at: 15)
        c.send(true, [.fin, .ack], seq: 1011, ack: 5101, at: 16)
        let connection = c.tracker.connections[0]
        #expect(connection.firstTime == 10_000_000 && connection.firstFrame == 2)
        #expect(connection.synTime == 500_500)  // the quoted SYN's, as before the first TCP frame
        #expect(connection.synAckTime == 20_000_000 && connection.establishedTime == 21_000_000)
        #expect(connection.initialRTT == 11_000_000)  // from the last pure SYN (10 ms) to the ACK
        #expect(connection.lastTime == 16_000_000 && connection.recentRequest(0) == (12_000_000, 15_000_000))
        let side = c.outcome().clientSide
        let client = c.tracker.direction(0, side), server = c.tracker.direction(0, 1 - side)
        #expect(client.firstPayloadTime == 12_000_000 && client.finTime == 16_000_000 && client.lastPayloadTime == 12_000_000)
        #expect(server.firstPayloadTime == 15_000_000 && server.finTime == 0)
    }
}
