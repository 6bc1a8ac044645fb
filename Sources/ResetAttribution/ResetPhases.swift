import TCPAnalysis

/// Where in its life a connection was reset.
enum ResetPhases {
    /// A FIN from the RST's own sender this close before it is part of one abortive close
    /// (HAProxy's `option nolinger` sends FIN then RST), not an earlier, separate close.
    static let sameClose: Int64 = 10_000_000

    static func phase(_ r: ResetObservation, facts: ConnectionFacts) -> ResetPhase {
        let client = facts.clientSide
        if r.answersSYN && !r.synAckSeen || (r.answersSYN && r.senderSide != client) {
            return r.answersReusedSYN ? .portReuse : .refused
        }
        if r.answersReusedSYN { return .portReuse }
        let senderFIN = r.senderSide == 0 ? r.finTime.0 : r.finTime.1
        let receiverFIN = r.senderSide == 0 ? r.finTime.1 : r.finTime.0
        // One side closed an idle connection while the other sent a new request.
        if senderFIN != 0 && r.receiverDataAfterSenderFIN { return .keepaliveRace }
        if receiverFIN != 0 || (senderFIN != 0 && r.timestamp - senderFIN > sameClose) { return .afterFIN }
        if facts.connection.synSender != nil && !r.handshakeAckSeen && r.payloadBytes.0 + r.payloadBytes.1 == 0 {
            return .handshake
        }
        guard let last = r.lastPayloadSide else {
            return r.idleBefore >= 100_000_000 ? .idle : .handshake
        }
        if last == client {
            return r.lastPayloadPushed ? .awaitingResponse : .request
        }
        // The server's data came last: mid-response unless the connection then sat idle.
        return r.timestamp - r.lastPayloadTime >= 500_000_000 ? .idle : .response
    }
}
