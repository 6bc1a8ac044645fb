import TCPAnalysis

/// Resets that end a connection whose work was done: they carry `benign: true` and stay out of the
/// verdict. HAProxy closes finished backend connections with RST as a matter of course; `option
/// nolinger` does the same after a complete exchange; TCP health checks close with RST; a RST
/// after both FINs ends nothing.
enum BenignResets {
    static func reason(_ r: ResetObservation, facts: ConnectionFacts, leg: Leg, phase: ResetPhase) -> BenignReason? {
        let senderIsClient = r.senderSide == facts.clientSide
        // Both sides had closed, and the RST leaves nothing the peer sent unread.
        let nothingUnread = unacknowledgedPeerBytes(r, countingFIN: true) == nil
        if r.finTime.0 != 0 && r.finTime.1 != 0 && r.finTime.0 < r.timestamp && r.finTime.1 < r.timestamp && nothingUnread {
            return .bothClosed
        }
        let clientBytes = senderIsClient ? senderBytes(r) : receiverBytes(r)
        let serverBytes = senderIsClient ? receiverBytes(r) : senderBytes(r)
        // The exchange is complete: the server's data came last and the RST acknowledges all of it.
        let serverDone = serverBytes > 0 && r.lastPayloadSide == 1 - facts.clientSide
            && (!senderIsClient || nothingUnread)
        if senderIsClient && serverDone && (leg == .back || leg == .direct) {
            return leg == .back ? .proxyClosedFinishedBackend : .clientClosedAfterExchange
        }
        let receiverFIN = r.senderSide == 0 ? r.finTime.1 : r.finTime.0
        // A server's RST that leaves the client's data unacknowledged discards part of a request
        // (an answer such as HAProxy's 408 or 413 before the request arrived whole): not benign.
        if !senderIsClient && serverDone && clientBytes > 0 && unacknowledgedPeerBytes(r) == nil && (leg == .front || leg == .direct) {
            if facts.side(r.senderSide).finTime != 0 && r.timestamp - facts.side(r.senderSide).finTime <= ResetPhases.sameClose {
                return .finThenRST
            }
            if receiverFIN != 0 && receiverFIN < r.timestamp {
                return .rstAnsweringFIN
            }
        }
        if senderIsClient && phase == .handshake && clientBytes == 0 && serverBytes == 0 && r.synAckSeen
            && r.idleBefore < 100_000_000 {
            return .healthCheck
        }
        return nil
    }

    /// How much of what the peer sent a RST leaves unacknowledged, nil when it acknowledges all
    /// (or carries no ACK). `countingFIN`: the peer's FIN must be acknowledged too; otherwise a FIN
    /// sent before the RST counts for nothing (it holds no data).
    static func unacknowledgedPeerBytes(_ r: ResetObservation, countingFIN: Bool = false) -> Int? {
        guard r.hasAck else { return nil }
        let peerFIN = r.senderSide == 0 ? r.finTime.1 : r.finTime.0
        let fin: UInt32 = !countingFIN && peerFIN != 0 && peerFIN < r.timestamp ? 1 : 0
        let ahead = Int32(bitPattern: r.acknowledgment &- (r.receiverNextSeq &- fin))
        return ahead >= 0 ? nil : -Int(ahead)
    }

    static func senderBytes(_ r: ResetObservation) -> Int { r.senderSide == 0 ? r.payloadBytes.0 : r.payloadBytes.1 }
    static func receiverBytes(_ r: ResetObservation) -> Int { r.senderSide == 0 ? r.payloadBytes.1 : r.payloadBytes.0 }
}
