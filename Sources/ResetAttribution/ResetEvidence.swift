import TCPAnalysis

/// Whether a RST really came from the endpoint whose address it carries (RFC 9293, RFC 5961;
/// Weaver, Sommer and Paxson, "Detecting Forged TCP Reset Packets", NDSS 2009). A middlebox that
/// injects resets gets the TTL, the IP ID or the sequence number wrong, and the "sender" keeps
/// talking afterwards.
struct ResetEvidence {
    var notes: [EvidenceNote] = []
    /// Points towards a forged reset (0: none).
    var forgery = 0.0

    /// `burst`: how many resets r's sender sent back to back around it, when they count as a burst
    /// (`ResetBursts`).
    static func examine(_ r: ResetObservation, facts: ConnectionFacts, burst: Int?) -> ResetEvidence {
        var e = ResetEvidence()
        let sender = facts.side(r.senderSide)
        // The sender's TTL before the RST, or (a RST before it said anything) after it.
        let laterBaseline = sender.ttlBaseline == 0 ? nil : sender.ttlBaseline
        if let baseline = r.senderTTLBaseline ?? laterBaseline, baseline != r.ttl {
            e.notes.append(.ttlMismatch(ttl: r.ttl, baseline: baseline))
            e.forgery += 0.6
        }
        if !r.isIPv6 && r.ipID != 0 && r.ipID == r.receiverLastIPID {
            e.notes.append(.copiedIPID(r.ipID))
            e.forgery += 0.3
        }
        if r.ttl == 1 {
            e.notes.append(.ttlOne)
        }
        if !r.isIPv6, let last = r.senderLastIPID, r.ipID != 0 {
            let distance = min(r.ipID &- last, last &- r.ipID)
            if distance > 2000 {
                e.notes.append(.ipIDFar(r.ipID, previous: last))
                e.forgery += 0.3
            }
        }
        if r.answersSYN {
            if r.hasAck {
                e.notes.append(.answersSYN(ack: r.acknowledgment))
            }
        } else if r.senderNextSeq != 0 || r.receiverAck != nil {
            // The receiver's RCV.NXT is what the sender had sent (as seen here), or at least what
            // the receiver last acknowledged; its window opens from the latter.
            let left = r.receiverAck ?? r.senderNextSeq
            let window = r.receiverWindow == 0xFFFF_FFFF ? 65_535 : Int64(r.receiverWindow) << Int64(max(r.receiverWindowScale, 0))
            let offset = Int64(Int32(bitPattern: r.sequence &- left))
            if (r.senderNextSeq != 0 && r.sequence == r.senderNextSeq) || r.sequence == r.receiverAck {
                e.notes.append(.exactSequence)
            } else if offset > 0 && offset < max(window, 1) {
                e.notes.append(.sequenceInWindow(offset: offset))
                e.forgery += 0.2
            } else {
                e.notes.append(.sequenceOutsideWindow(offset: offset))
                e.forgery += 0.3
            }
        }
        if sender.lastPayloadTime > r.timestamp {
            e.notes.append(.dataAfterOwnReset)
            e.forgery += 0.6
        }
        // Back to back (within a tenth of a second of this one), with guessed sequence numbers.
        if let burst {
            e.notes.append(.resetBurst(count: burst))
            e.forgery += 0.6
        }
        if facts.connection.icmpErrors > 0 {
            e.notes.append(.icmpErrors(count: facts.connection.icmpErrors, lastFrame: facts.connection.lastICMPErrorFrame))
        }
        if r.checksumBad {
            e.notes.append(.badChecksum)
            e.forgery += 0.3
        }
        if let text = r.payloadText {
            e.notes.append(.payloadText(text))
        }
        return e
    }
}
