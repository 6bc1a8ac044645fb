import PacketCore
import TCPAnalysis
import TestSupport
import Testing

@Suite struct ConnectionStateTests {
    @Test func s0SynWithoutAnswer() {
        var c = Conversation()
        c.send(true, .syn, seq: 1000, at: 0)
        c.send(true, .syn, seq: 1000, at: 1000)
        #expect(c.outcome().state == "S0")
        #expect(c.outcome().history == "S")
        #expect(c.outcome().roleBasis == .syn)
    }

    @Test func rejRefusedWithReset() {
        var c = Conversation()
        c.send(true, .syn, seq: 1000, at: 0)
        c.send(false, [.rst, .ack], seq: 0, ack: 1001, at: 1)
        #expect(c.outcome().state == "REJ")
        #expect(c.outcome().end == "rst" && c.outcome().closedBy == "server")
        #expect(c.tracker.connections[0].initialRTT == 1_000_000)  // SYN to RST-ACK, as 4.0.17 computes it
    }

    @Test func sfNormalCloseAndS1S2S3() {
        var c = Conversation()
        c.handshake()
        #expect(c.outcome().state == "S1")
        c.send(true, [.psh, .ack], seq: 1001, ack: 5001, length: 100, at: 20)
        c.send(false, [.psh, .ack], seq: 5001, ack: 1101, length: 200, at: 50)
        c.send(true, [.fin, .ack], seq: 1101, ack: 5201, at: 60)
        #expect(c.outcome().state == "S2")
        c.send(false, [.fin, .ack], seq: 5201, ack: 1102, at: 61)
        c.send(true, .ack, seq: 1102, ack: 5202, at: 62)
        let outcome = c.outcome()
        #expect(outcome.state == "SF")
        #expect(outcome.history == "ShADdFf")
        #expect(outcome.end == "fin" && outcome.closedBy == "client")
        let connection = c.tracker.connections[0]
        #expect(connection.responses == 1 && connection.responseTimeMax == 30_000_000)
        #expect(connection.initialRTT == 11_000_000)

        var s3 = Conversation()
        s3.handshake()
        s3.send(false, [.fin, .ack], seq: 5001, ack: 1001, at: 20)
        #expect(s3.outcome().state == "S3")
    }

    @Test func rstoAndRstrAfterEstablishment() {
        var o = Conversation()
        o.handshake()
        o.send(true, [.rst, .ack], seq: 1001, ack: 5001, at: 5000)
        #expect(o.outcome().state == "RSTO")
        #expect(o.tracker.connections[0].idleBeforeEnd == 4_989_000_000)
        var r = Conversation()
        r.handshake()
        r.send(false, .rst, seq: 5001, at: 20)
        #expect(r.outcome().state == "RSTR" && r.outcome().closedBy == "server")
    }

    @Test func halfOpenStates() {
        var rstos0 = Conversation()
        rstos0.send(true, .syn, seq: 1000, at: 0)
        rstos0.send(true, .rst, seq: 1001, at: 5)
        #expect(rstos0.outcome().state == "RSTOS0")
        var sh = Conversation()
        sh.send(true, .syn, seq: 1000, at: 0)
        sh.send(true, [.fin], seq: 1001, at: 5)
        #expect(sh.outcome().state == "SH")
        var rstrh = Conversation()
        rstrh.send(false, [.syn, .ack], seq: 5000, ack: 1001, at: 0)
        rstrh.send(false, .rst, seq: 5001, at: 5)
        #expect(rstrh.outcome().state == "RSTRH" && rstrh.outcome().roleBasis == .synack)
        var shr = Conversation()
        shr.send(false, [.syn, .ack], seq: 5000, ack: 1001, at: 0)
        shr.send(false, [.fin, .ack], seq: 5001, ack: 1001, at: 5)
        #expect(shr.outcome().state == "SHR")
    }

    @Test func othMidstreamUsesThePortForRoles() {
        var c = Conversation()
        c.send(false, [.psh, .ack], seq: 7000, ack: 3000, length: 10, at: 0)  // server speaks first
        c.send(true, .ack, seq: 3000, ack: 7010, at: 1)
        let outcome = c.outcome()
        #expect(outcome.state == "OTH")
        #expect(outcome.roleBasis == .port)
        #expect(outcome.history == "dA")
    }
}

@Suite struct SequenceAnalysisTests {
    @Test func sequenceWrapIsNotALostSegment() {
        var c = Conversation()
        c.send(true, .syn, seq: 0xFFFF_FF00, at: 0)
        c.send(false, [.syn, .ack], seq: 5000, ack: 0xFFFF_FF01, at: 1)
        c.send(true, .ack, seq: 0xFFFF_FF01, ack: 5001, at: 2)
        let first = c.send(true, [.psh, .ack], seq: 0xFFFF_FF01, ack: 5001, length: 0x200, at: 3)
        let second = c.send(true, [.psh, .ack], seq: 0x101, ack: 5001, length: 100, at: 4)  // wrapped past 0
        #expect(first.flags.isEmpty && second.flags.isEmpty)
        let gap = c.send(true, [.psh, .ack], seq: 0x300, ack: 5001, length: 100, at: 5)
        #expect(gap.flags == .lostSegment)
    }

    @Test func finOccupiesSequenceSpaceAndItsRetransmissionIsFlagged() {
        var c = Conversation()
        c.handshake()
        c.send(true, [.fin, .ack], seq: 1001, ack: 5001, at: 20)
        let again = c.send(true, [.fin, .ack], seq: 1001, ack: 5001, at: 300)
        #expect(again.flags == .retransmission)
        let ackOfFin = c.send(false, .ack, seq: 5001, ack: 1002, at: 301)
        #expect(ackOfFin.ackedFrame == 4)  // the oldest listed segment the ack covers (4.0.17: no Karn)
        #expect(ackOfFin.ackRTTAmbiguous)  // ... but a retransmission makes the sample ambiguous
    }

    @Test func retransmissionFastRetransmissionAndOutOfOrder() {
        var c = Conversation()
        c.handshake()
        c.send(true, .ack, seq: 1001, ack: 5001, length: 100, at: 20)
        c.send(true, .ack, seq: 1101, ack: 5001, length: 100, at: 21)
        c.send(true, .ack, seq: 1201, ack: 5001, length: 100, at: 22)
        // The server saw 1001..1101, then lost 1101: three duplicate ACKs for 1101.
        c.send(false, .ack, seq: 5001, ack: 1101, at: 30)
        let dup1 = c.send(false, .ack, seq: 5001, ack: 1101, at: 31)
        let dup2 = c.send(false, .ack, seq: 5001, ack: 1101, at: 32)
        #expect(dup1.flags == .duplicateAck && dup1.duplicateAckNumber == 1 && dup1.duplicateAckFrame == 7)
        #expect(dup2.duplicateAckNumber == 2)
        let fast = c.send(true, .ack, seq: 1101, ack: 5001, length: 100, at: 33)
        #expect(fast.flags == [.retransmission, .fastRetransmission])
        // Much later, the same data again: a plain retransmission (no recent dup ACKs).
        let late = c.send(true, .ack, seq: 1101, ack: 5001, length: 100, at: 500)
        #expect(late.flags == .retransmission)
        // Older data within the out-of-order threshold (the iRTT, 11 ms) of the last advance.
        c.send(true, .ack, seq: 1301, ack: 5001, length: 100, at: 600)
        let early = c.send(true, .ack, seq: 1251, ack: 5001, length: 10, at: 601)
        #expect(early.flags == .outOfOrder)
    }

    @Test func spuriousRetransmissionOfAcknowledgedData() {
        var c = Conversation()
        c.handshake()
        c.send(true, .ack, seq: 1001, ack: 5001, length: 100, at: 20)
        c.send(false, .ack, seq: 5001, ack: 1101, at: 30)
        let spurious = c.send(true, .ack, seq: 1001, ack: 5001, length: 100, at: 400)
        #expect(spurious.flags == [.retransmission, .spuriousRetransmission])
    }

    @Test func keepAliveIsNotARetransmissionAndItsAckIsRecognized() {
        var c = Conversation()
        c.handshake()
        c.send(true, .ack, seq: 1001, ack: 5001, length: 10, at: 20)
        c.send(false, .ack, seq: 5001, ack: 1011, at: 21)
        let keepAlive = c.send(true, .ack, seq: 1010, ack: 5001, length: 1, at: 60_000)
        #expect(keepAlive.flags == .keepAlive)
        let keepAliveAck = c.send(false, .ack, seq: 5001, ack: 1011, at: 60_001)
        #expect(keepAliveAck.flags == .keepAliveAck)
        let zeroLength = c.send(true, .ack, seq: 1010, ack: 5001, at: 120_000)
        #expect(zeroLength.flags == .keepAlive)
    }

    @Test func zeroWindowProbeAndItsAck() {
        var c = Conversation()
        c.handshake()
        c.send(true, .ack, seq: 1001, ack: 5001, length: 100, at: 20)
        let zero = c.send(false, .ack, seq: 5001, ack: 1101, window: 0, at: 21)
        #expect(zero.flags == .zeroWindow)
        let probe = c.send(true, .ack, seq: 1101, ack: 5001, length: 1, at: 300)
        #expect(probe.flags == .zeroWindowProbe)
        let probeAck = c.send(false, .ack, seq: 5001, ack: 1101, window: 0, at: 301)
        #expect(probeAck.flags == [.zeroWindow, .zeroWindowProbeAck])
        let update = c.send(false, .ack, seq: 5001, ack: 1101, window: 4096, at: 500)
        #expect(update.flags == .windowUpdate)
    }

    @Test func windowFullNeedsAKnownWindowScale() {
        // Without the SYN's options the scale stays unknown (-1): window full is never reported.
        var unknown = Conversation()
        unknown.send(false, .ack, seq: 5001, ack: 1001, window: 100, at: 0)
        let unflagged = unknown.send(true, .ack, seq: 1001, ack: 5001, length: 100, at: 1)
        #expect(!unflagged.flags.contains(.windowFull))
        // With a handshake without scaling (-2) the window is used as it is.
        var known = Conversation()
        known.handshake()
        known.send(false, .ack, seq: 5001, ack: 1001, window: 100, at: 20)
        let full = known.send(true, .ack, seq: 1001, ack: 5001, length: 100, at: 21)
        #expect(full.flags == .windowFull)
        // With scaling negotiated both ways the peer's window is shifted.
        var scaled = Conversation()
        scaled.send(true, .syn, seq: 1000, windowScale: 2, at: 0)
        scaled.send(false, [.syn, .ack], seq: 5000, ack: 1001, windowScale: 3, at: 10)
        scaled.send(true, .ack, seq: 1001, ack: 5001, at: 11)
        scaled.send(false, .ack, seq: 5001, ack: 1001, window: 25, at: 20)
        let scaledFull = scaled.send(true, .ack, seq: 1001, ack: 5001, length: 200, at: 21)
        #expect(scaledFull.flags == .windowFull)  // 25 << 3 = 200
    }

    @Test func portReuseWithSameAndDifferentISN() {
        var c = Conversation()
        c.handshake()
        c.send(true, [.fin, .ack], seq: 1001, ack: 5001, at: 20)
        c.send(false, [.fin, .ack], seq: 5001, ack: 1002, at: 21)
        c.send(true, .ack, seq: 1002, ack: 5002, at: 22)
        // The same ISN again: a retransmitted SYN of the same conversation (seconds later: within the
        // out-of-order threshold of the last advance it would be out-of-order instead).
        let sameISN = c.send(true, .syn, seq: 1000, at: 3000)
        #expect(sameISN.stream == 0 && sameISN.flags == .retransmission)
        // Another ISN: a new conversation, flagged as reusing the ports.
        let reuse = c.send(true, .syn, seq: 90_000, at: 5000)
        #expect(reuse.stream == 1 && reuse.flags == .reusedPorts)
        // Its SYN-ACK with another ISN than the server's earlier one joins the new stream.
        let synAck = c.send(false, [.syn, .ack], seq: 70_000, ack: 90_001, at: 5001)
        #expect(synAck.stream == 1 && synAck.flags.isEmpty)
    }

    @Test func synAckWithAnotherISNRewritesTheBaseInTheSameStream() {
        var c = Conversation()
        c.send(true, .syn, seq: 1000, at: 0)
        c.send(false, [.syn, .ack], seq: 5000, ack: 1001, at: 1)
        let second = c.send(false, [.syn, .ack], seq: 6000, ack: 1001, at: 2)
        #expect(second.stream == 0 && second.flags.contains(.reusedPorts))
        // tshark's second pass flags the first SYN-ACK too, against the final base.
        #expect(c.tracker.secondPassReusedPorts().map(\.frame) == [2])
    }

    @Test func sequenceDistanceOfExactlyHalfTheSpaceCountsAsAhead() {
        // GT_SEQ(x, y) is (int32)(y - x) < 0: at 2^31 both "greater" and "less" hold in 4.0.17.
        var c = Conversation()
        c.handshake()
        let jump = c.send(true, .ack, seq: 1001 &+ 0x8000_0000, ack: 5001, length: 10, at: 20)
        #expect(jump.flags.contains(.lostSegment))
    }

    @Test func duplicatedPacketIsMarkedButKeepsWiresharksFlags() {
        var c = Conversation()
        c.handshake()
        c.send(true, [.psh, .ack], seq: 1001, ack: 5001, length: 100, at: 20, ipID: 77)
        let copy = c.send(true, [.psh, .ack], seq: 1001, ack: 5001, length: 100, at: 20.001, ipID: 77)
        #expect(copy.isDuplicate)
        #expect(copy.flags == .retransmission)  // Wireshark's verdict is kept
        let realRetransmission = c.send(true, [.psh, .ack], seq: 1001, ack: 5001, length: 100, at: 300, ipID: 80)
        #expect(!realRetransmission.isDuplicate)
        let outcome = c.outcome()
        #expect(c.tracker.direction(0, outcome.clientSide).retransmissions == 1)
        #expect(c.tracker.connections[0].duplicates == 1)
    }
}
