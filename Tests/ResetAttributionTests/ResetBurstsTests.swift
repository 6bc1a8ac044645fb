import ResetAttribution
import TCPAnalysis
import TestSupport
import Testing

/// Resets one side sends back to back (within 100 ms of a reset, not copies) are a burst when they
/// carry two sequence numbers or more, none below what the sender had sent.
@Suite struct ResetBurstsTests {
    /// The burst size each verdict cites (nil: none), in the resets' order.
    static func bursts(_ c: Conversation) -> [Int?] {
        attribute([c]).verdicts.map { verdict in
            verdict.evidence.lazy.compactMap { line -> Int? in
                guard line.contains("resets with different sequence numbers") else { return nil }
                return Int(line.prefix { $0.isNumber })
            }.first
        }
    }

    @Test func aBurstIsTheResetsWithinATenthOfASecond() {
        // 2,000 resets 50 ms apart, each 1,460 bytes further: within 100 ms of a reset (both ends
        // included) are the two before it and the two after (fewer at the ends).
        var c = Conversation()
        exchange(&c)
        for k in 0..<2000 { c.send(false, .rst, seq: 5301 &+ UInt32(k) * 1460, at: 100 + 50 * Double(k)) }
        let sizes = Self.bursts(c)
        #expect(sizes.count == 2000)
        #expect(Array(sizes.prefix(3)) == [3, 4, 5] && Array(sizes.suffix(3)) == [5, 4, 3])
        #expect(sizes.dropFirst(2).dropLast(2).allSatisfy { $0 == 5 })
    }

    @Test func oneSequenceNumberOrOneBelowTheSenderIsNoBurst() {
        // The same sequence number three times: a retransmitted reset, not a guess.
        var same = Conversation()
        exchange(&same)
        for k in 0..<3 { same.send(false, .rst, seq: 5301, at: 100 + Double(k)) }
        #expect(Self.bursts(same) == [nil, nil, nil])
        // One reset below what the server had sent spoils the burst of each window it is in: the
        // first three resets' windows hold it (at 100 ms), the last one's (150 to 350 ms) does not.
        var below = Conversation()
        exchange(&below)
        below.send(false, .rst, seq: 5301 &- 100, at: 100)
        below.send(false, .rst, seq: 5301, at: 150)
        below.send(false, .rst, seq: 5301 &+ 1460, at: 200)
        below.send(false, .rst, seq: 5301 &+ 2920, at: 250)
        #expect(Self.bursts(below) == [nil, nil, nil, 3])
        // Resets of the other side are not part of the server's burst.
        var sides = Conversation()
        exchange(&sides)
        sides.send(false, .rst, seq: 5301, at: 100)
        sides.send(true, .rst, seq: 1101, at: 100.5)
        sides.send(false, .rst, seq: 5301 &+ 1460, at: 101)
        #expect(Self.bursts(sides) == [2, nil, 2])
    }
}
