import TCPAnalysis

/// Whether a RST really came from the endpoint whose address it carries (RFC 9293, RFC 5961;
/// Weaver, Sommer and Paxson, "Detecting Forged TCP Reset Packets", NDSS 2009). A middlebox that
/// injects resets gets the TTL, the IP ID or the sequence number wrong, and the "sender" keeps
/// talking afterwards.
struct ResetEvidence {
    var notes: [String] = []
    /// Points towards a forged reset (0: none).
    var forgery = 0.0

    /// `sameConnection`: every reset of r's connection (r among them).
    static func examine(_ r: ResetObservation, facts: ConnectionFacts, sameConnection: [ResetObservation]) -> ResetEvidence {
        var e = ResetEvidence()
        let sender = facts.side(r.senderSide)
        // The sender's TTL before the RST, or (a RST before it said anything) after it.
        let laterBaseline = sender.ttlBaseline == 0 ? nil : sender.ttlBaseline
        if let baseline = r.senderTTLBaseline ?? laterBaseline, baseline != r.ttl {
            e.notes.append("TTL \(r.ttl), but this sender's other packets arrived with TTL \(baseline)")
            e.forgery += 0.6
        }
        if !r.isIPv6 && r.ipID != 0 && r.ipID == r.receiverLastIPID {
            e.notes.append("same IP ID (\(r.ipID)) as the packet it answers: copied by whatever forged it")
            e.forgery += 0.3
        }
        if r.ttl == 1 {
            e.notes.append("TTL 1: a reset meant to die at the first hop (HAProxy silent-drop)")
        }
        if !r.isIPv6, let last = r.senderLastIPID, r.ipID != 0 {
            let distance = min(r.ipID &- last, last &- r.ipID)
            if distance > 2000 {
                e.notes.append("IP ID \(r.ipID) far from the sender's previous \(last)")
                e.forgery += 0.3
            }
        }
        if r.answersSYN {
            if r.hasAck {
                e.notes.append("answers the SYN (ack \(r.acknowledgment))")
            }
        } else if r.senderNextSeq != 0 || r.receiverAck != nil {
            // The receiver's RCV.NXT is what the sender had sent (as seen here), or at least what
            // the receiver last acknowledged; its window opens from the latter.
            let left = r.receiverAck ?? r.senderNextSeq
            let window = r.receiverWindow == 0xFFFF_FFFF ? 65_535 : Int64(r.receiverWindow) << Int64(max(r.receiverWindowScale, 0))
            let offset = Int64(Int32(bitPattern: r.sequence &- left))
            if (r.senderNextSeq != 0 && r.sequence == r.senderNextSeq) || r.sequence == r.receiverAck {
                e.notes.append("sequence number exactly the next expected one")
            } else if offset > 0 && offset < max(window, 1) {
                e.notes.append("sequence number \(offset) bytes into the receiver's window, not at its edge (RFC 5961: a challenge ACK should follow)")
                e.forgery += 0.2
            } else {
                e.notes.append("sequence number outside the receiver's window (\(offset) bytes off)")
                e.forgery += 0.3
            }
        }
        if sender.lastPayloadTime > r.timestamp {
            e.notes.append("the sender went on sending data after its own reset")
            e.forgery += 0.6
        }
        // Back to back: within a tenth of a second of this one.
        let burst = sameConnection.filter { $0.senderSide == r.senderSide && !$0.isDuplicate
            && abs($0.timestamp - r.timestamp) <= 100_000_000 }
        if burst.count >= 2 && Set(burst.map(\.sequence)).count >= 2,
           burst.allSatisfy({ $0.senderNextSeq == 0 || Int32(bitPattern: $0.sequence &- $0.senderNextSeq) >= 0 }) {
            e.notes.append("\(burst.count) resets with different sequence numbers in a row, beyond what the sender sent")
            e.forgery += 0.6
        }
        if facts.connection.icmpErrors > 0 {
            e.notes.append("\(facts.connection.icmpErrors) ICMP error\(facts.connection.icmpErrors == 1 ? "" : "s") quoting this connection (last at frame \(facts.connection.lastICMPErrorFrame)): a router or host reported it undeliverable")
        }
        if r.checksumBad {
            e.notes.append("bad TCP checksum: the receiver drops this reset")
            e.forgery += 0.3
        }
        if let text = r.payloadText {
            e.notes.append("reset carries text: \"\(text)\"")
        }
        return e
    }
}
