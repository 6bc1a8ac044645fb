import PacketCore

/// Turns capture records into TCP segments: link layer, IP (v4 or v6, innermost of IP-in-IP), TCP.
/// Allocation-free; anomalies are counted as weirds.
///
/// Which frames count as TCP follows tshark 4.0.17, which made the truth: a frame counts when its
/// innermost IP payload, bounded by the IP length and by the captured bytes, holds at least 16 TCP
/// bytes (dissect_tcp reads ports through window before the stream is assigned), whatever the data
/// offset says. TCP quoted inside ICMP errors does not count. IP fragments are reassembled and the
/// datagram counts on the frame that completes it, as with Wireshark's default preferences.
public struct PacketDecoder {
    public private(set) var weirds = WeirdCounts()
    /// Frames whose link type we do not decode.
    public private(set) var unsupportedLinkType = 0
    /// IP fragments seen.
    public private(set) var ipFragments = 0
    /// Fragments waiting for the rest of their datagram.
    public let reassembler = FragmentReassembler()

    /// Verify TCP checksums (`--check-checksums`): a bad one is a weird and marks the segment.
    public var checkChecksums = false

    public init(checkChecksums: Bool = false) {
        self.checkChecksums = checkChecksums
    }

    /// The TCP segment the record carries, if any. The segment's `payload` points into the record.
    public mutating func decode(_ record: CaptureRecord) -> TCPSegment? {
        let bytes = record.bytes
        guard let link = LinkLayer.parse(bytes, record.linkType) else {
            unsupportedLinkType += 1
            return nil
        }
        switch link {
        case .notIP:
            return nil
        case .truncated:
            weirds.count(.truncatedLinkHeader)
            return nil
        case .network(let kind, let offset, let trailer):
            var segment = TCPSegment(
                frame: record.frame, timestamp: record.timestamp, interface: record.interface,
                source: IPAddress(ipv4: 0), destination: IPAddress(ipv4: 0), sourcePort: 0, destinationPort: 0,
                sequence: 0, acknowledgment: 0, flags: [], window: 0, headerLength: 0, payloadLength: 0,
                tcpLength: 0, capturedTCPLength: 0, context: .normal,
                ttl: 0, ipID: 0, options: TCPOptions(), headerTruncated: false, headerBogus: false, payload: .empty)
            let reported = max(record.wireLength, bytes.count) - trailer
            guard reported > offset else { return nil }
            return decodeIP(kind, bytes.prefix(reported).dropFirst(offset), wireLength: reported - offset, into: &segment) ? segment : nil
        }
    }

    /// Decodes an IP header and what it carries; IP-in-IP (protocols 4 and 41) goes one level deeper
    /// each time, as far as the headers go.
    private mutating func decodeIP(_ kind: NetworkProtocol, _ bytes: ByteView, wireLength: Int,
                                   into segment: inout TCPSegment) -> Bool {
        var kind = kind
        var bytes = bytes
        var wireLength = wireLength
        for _ in 0..<8 {
            if kind == .ipByVersion || segment.context == .quotedInICMPError {
                guard bytes.has(1) else { weirds.count(.truncatedIPv4Header); return false }
                switch bytes.u8(0) >> 4 {
                case 4: kind = .ipv4
                case 6: kind = .ipv6
                default: weirds.count(.badIPVersion); return false
                }
            }
            let protocolNumber: UInt8
            var payload: ByteView
            var payloadLength: Int
            var fragment: (key: FragmentReassembler.Key, offset: Int, more: Bool)?
            if kind == .ipv4 {
                switch IPv4Header.parse(bytes, wireLength: wireLength) {
                case .failure(let weird):
                    weirds.count(weird)
                    return false
                case .success(let ip):
                    segment.source = IPAddress(ipv4: ip.source)
                    segment.destination = IPAddress(ipv4: ip.destination)
                    segment.ttl = ip.ttl
                    segment.ipID = ip.identification
                    protocolNumber = ip.protocolNumber
                    payloadLength = ip.payloadLength
                    payload = bytes.dropFirst(ip.headerLength).prefix(max(0, payloadLength))
                    if ip.isFragment {
                        fragment = (FragmentReassembler.Key(source: segment.source, destination: segment.destination,
                                                            identification: UInt32(ip.identification), protocolNumber: protocolNumber),
                                    ip.fragmentOffset, ip.moreFragments)
                    }
                }
            } else {
                switch IPv6Header.parse(bytes, wireLength: wireLength) {
                case .failure(let weird):
                    weirds.count(weird)
                    return false
                case .success(let ip):
                    segment.source = IPAddress(ipv6High: ip.sourceHigh, low: ip.sourceLow)
                    segment.destination = IPAddress(ipv6High: ip.destinationHigh, low: ip.destinationLow)
                    segment.ttl = ip.hopLimit
                    segment.ipID = 0
                    protocolNumber = ip.protocolNumber
                    payloadLength = ip.payloadLength
                    payload = bytes.dropFirst(ip.headerLength).prefix(max(0, payloadLength))
                    if ip.isFragment {
                        fragment = (FragmentReassembler.Key(source: segment.source, destination: segment.destination,
                                                            identification: ip.fragmentID, protocolNumber: protocolNumber),
                                    ip.fragmentOffset, ip.moreFragments)
                    }
                }
            }
            guard payloadLength >= 0 else { return false }
            if let fragment, segment.context == .quotedInICMPError {
                if fragment.offset != 0 { return false }  // quotes are never reassembled
            } else if let fragment {
                ipFragments += 1
                // Wireshark reassembles only fragments whose payload was captured whole; otherwise
                // the first fragment is dissected as it is and later ones are just data.
                if payloadLength > 0 && payload.count >= payloadLength {
                    guard let whole = reassembler.add(fragment.key, offset: fragment.offset,
                                                      moreFragments: fragment.more, payload: payload) else { return false }
                    payload = whole
                    payloadLength = whole.count
                } else if fragment.offset != 0 {
                    return false
                } else if segment.context == .normal {
                    segment.context = .unreassembledFragment
                }
            }
            switch protocolNumber {
            case 6:
                guard TCPHeader.parse(payload, reportedLength: payloadLength, into: &segment, weirds: &weirds) else { return false }
                if checkChecksums && segment.context != .quotedInICMPError, TCPChecksum.verify(segment, tcpBytes: payload) == false {
                    segment.checksumBad = true
                    weirds.count(.tcpChecksumBad)
                }
                return true
            case 4:
                kind = .ipv4
            case 41:
                kind = .ipv6
            case 1 where kind == .ipv4, 58 where kind == .ipv6:
                // An ICMP error quotes the datagram that caused it: Wireshark dissects the quoted TCP
                // header (it takes a stream number) but does not count it as a TCP frame.
                guard segment.context != .quotedInICMPError, let quoted = ICMPError.quotedDatagram(payload, isICMPv6: kind == .ipv6)
                else { return false }
                segment.context = .quotedInICMPError
                kind = kind == .ipv4 ? .ipv4 : .ipv6
                bytes = quoted
                // The quoted datagram's length usually exceeds what is quoted: the quote is all there is.
                wireLength = quoted.count
                continue
            default:
                return false  // UDP, ...
            }
            bytes = payload
            wireLength = payloadLength
        }
        return false
    }
}
