import PacketCore
import TCPAnalysis

/// One piece of evidence about a reset, kept as data: its words are written only when a report
/// asks for them (`text`, or `appendText` straight into a line), so judging tens of thousands of
/// resets builds no strings.
public enum EvidenceNote: Sendable {
    /// Who the RST claims to come from, and how its role was told.
    case sender(IPAddress, port: UInt16, isClient: Bool, basis: RoleBasis)
    case idleBefore(nanoseconds: Int64)
    case peerSilent(nanoseconds: Int64)
    case duplicateCopy
    case benign(BenignReason)
    case lossSignals(count: Int, lastBefore: Int64)
    case ttlMismatch(ttl: UInt8, baseline: UInt8)
    case copiedIPID(UInt16)
    case ttlOne
    case ipIDFar(UInt16, previous: UInt16)
    case answersSYN(ack: UInt32)
    case exactSequence
    case sequenceInWindow(offset: Int64)
    case sequenceOutsideWindow(offset: Int64)
    case dataAfterOwnReset
    case resetBurst(count: Int)
    case icmpErrors(count: Int, lastFrame: Int)
    case badChecksum
    case payloadText(String)
    case timeoutCluster(count: Int, meanMilliseconds: Double, spreadMilliseconds: Double)
    case rejectAfterAccept(milliseconds: Double)
    case noRequestAfterAccept(milliseconds: Double)
    case requestIncomplete(unacknowledged: Int)
    case clientLegLoss(count: Int)
    case proxyReaction(to: Attribution, termination: String)
    /// Words made elsewhere (what other vantage points saw).
    case text(String)

    /// The note in words.
    public var text: String {
        var bytes: [UInt8] = []
        appendText(to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Whether the words may hold a quote, a backslash or a control character (text from the
    /// packet or from elsewhere): a JSON writer escapes those; the rest are plain.
    public var mayNeedEscaping: Bool {
        switch self {
        case .payloadText, .text: return true
        default: return false
        }
    }

    /// Writes `text` into a sink, without building it.
    public func appendText<Sink: ByteSink & ~Copyable>(to out: inout Sink) {
        switch self {
        case let .sender(address, port, isClient, basis):
            out.append("RST from ")
            if address.isIPv6 { out.append(UInt8(ascii: "[")) }
            address.appendText(to: &out)
            if address.isIPv6 { out.append(UInt8(ascii: "]")) }
            out.append(UInt8(ascii: ":"))
            out.appendDecimal(Int(port))
            out.append(isClient ? ", the client of this connection (" : ", the server of this connection (")
            if basis == .syn {
                out.append("it sent the SYN)")
            } else {
                out.append("role inferred by ")
                out.append(utf8: basis.rawValue)
                out.append(UInt8(ascii: ")"))
            }
        case let .idleBefore(ns):
            out.append("the connection was idle ")
            EvidenceNumbers.appendMilliseconds(nanoseconds: ns, to: &out)
            out.append(" ms before the reset")
        case let .peerSilent(ns):
            out.append("the peer had been silent ")
            EvidenceNumbers.appendMilliseconds(nanoseconds: ns, to: &out)
            out.append(" ms")
        case .duplicateCopy:
            out.append("a duplicated copy of the previous packet: not evidence")
        case let .benign(reason):
            out.append(reason.text)
        case let .lossSignals(count, lastBefore):
            out.appendDecimal(count)
            out.append(" loss signals (retransmissions, lost segments, duplicate ACKs) on this connection, the last ")
            EvidenceNumbers.appendMilliseconds(nanoseconds: lastBefore, to: &out)
            out.append(" ms before")
        case let .ttlMismatch(ttl, baseline):
            out.append("TTL ")
            out.appendDecimal(Int(ttl))
            out.append(", but this sender's other packets arrived with TTL ")
            out.appendDecimal(Int(baseline))
        case let .copiedIPID(id):
            out.append("same IP ID (")
            out.appendDecimal(Int(id))
            out.append(") as the packet it answers: copied by whatever forged it")
        case .ttlOne:
            out.append("TTL 1: a reset meant to die at the first hop (HAProxy silent-drop)")
        case let .ipIDFar(id, previous):
            out.append("IP ID ")
            out.appendDecimal(Int(id))
            out.append(" far from the sender's previous ")
            out.appendDecimal(Int(previous))
        case let .answersSYN(ack):
            out.append("answers the SYN (ack ")
            out.appendDecimal(Int(ack))
            out.append(UInt8(ascii: ")"))
        case .exactSequence:
            out.append("sequence number exactly the next expected one")
        case let .sequenceInWindow(offset):
            out.append("sequence number ")
            out.appendDecimal(Int(offset))
            out.append(" bytes into the receiver's window, not at its edge (RFC 5961: a challenge ACK should follow)")
        case let .sequenceOutsideWindow(offset):
            out.append("sequence number outside the receiver's window (")
            out.appendDecimal(Int(offset))
            out.append(" bytes off)")
        case .dataAfterOwnReset:
            out.append("the sender went on sending data after its own reset")
        case let .resetBurst(count):
            out.appendDecimal(count)
            out.append(" resets with different sequence numbers in a row, beyond what the sender sent")
        case let .icmpErrors(count, lastFrame):
            out.appendDecimal(count)
            out.append(count == 1 ? " ICMP error" : " ICMP errors")
            out.append(" quoting this connection (last at frame ")
            out.appendDecimal(lastFrame)
            out.append("): a router or host reported it undeliverable")
        case .badChecksum:
            out.append("bad TCP checksum: the receiver drops this reset")
        case let .payloadText(text):
            out.append("reset carries text: \"")
            out.append(utf8: text)
            out.append(UInt8(ascii: "\""))
        case let .timeoutCluster(count, mean, spread):
            out.append("one of ")
            out.appendDecimal(count)
            out.append(" resets after ")
            EvidenceNumbers.appendMilliseconds(mean, to: &out)
            out.append(" ± ")
            EvidenceNumbers.appendMilliseconds(spread, to: &out)
            out.append(" ms idle: looks like a timeout")
        case let .rejectAfterAccept(ms):
            out.append("reset ")
            out.append(utf8: "\((ms * 1000).rounded() / 1000)")
            out.append(" ms after the proxy accepted the connection, before any backend was tried: a reject or a connection limit")
        case let .noRequestAfterAccept(ms):
            out.append("the client sent no request in the ")
            out.append(utf8: "\((ms * 10).rounded() / 10)")
            out.append(" ms after the accept: the proxy's request timeout")
        case let .requestIncomplete(bytes):
            out.append("the request never arrived whole (")
            out.appendDecimal(bytes)
            out.append(" bytes the client sent were never acknowledged) and no backend was tried: the proxy's request timeout")
        case let .clientLegLoss(count):
            out.appendDecimal(count)
            out.append(" loss signals on the client leg before the proxy gave up")
        case let .proxyReaction(attribution, termination):
            out.append("the proxy reset this leg after the ")
            out.append(utf8: attribution.rawValue)
            out.append(" broke the other one (session ")
            out.append(utf8: termination)
            out.append(UInt8(ascii: ")"))
        case let .text(text):
            out.append(utf8: text)
        }
    }
}

/// Why a reset ended nothing that was still going on (see `BenignResets`).
public enum BenignReason: Sendable {
    case bothClosed, proxyClosedFinishedBackend, clientClosedAfterExchange, finThenRST, rstAnsweringFIN, healthCheck

    public var text: StaticString {
        switch self {
        case .bothClosed: return "benign: both sides had already closed with FIN"
        case .proxyClosedFinishedBackend:
            return "benign: the proxy closed a finished backend connection with RST instead of FIN (HAProxy does this routinely)"
        case .clientClosedAfterExchange: return "benign: the client closed with RST after a complete exchange (SO_LINGER 0 / nolinger)"
        case .finThenRST: return "benign: FIN then RST right after a complete exchange (HAProxy option nolinger)"
        case .rstAnsweringFIN: return "benign: RST answering the client's FIN after a complete exchange (HAProxy option nolinger)"
        case .healthCheck: return "benign: SYN, SYN-ACK, RST: a TCP health check or port probe"
        }
    }
}
