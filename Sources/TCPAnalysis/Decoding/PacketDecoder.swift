import PacketCore

/// Turns capture records into TCP segments: link layer, then IP, tunnels and encapsulations down to
/// the innermost IP header that carries TCP, then TCP. Allocation-free (except when IP fragments are
/// kept for reassembly); anomalies are counted as weirds.
///
/// Which frames count as TCP follows tshark 4.0.17, which made the truth: a frame counts when its
/// innermost IP payload, bounded by the IP length and by the captured bytes, holds at least 16 TCP
/// bytes (dissect_tcp reads ports through window before the stream is assigned), whatever the data
/// offset says. TCP quoted inside ICMP errors does not count. IP fragments are reassembled and the
/// datagram counts on the frame that completes it, as with Wireshark's default preferences. A frame
/// with several TCP headers (an sFlow datagram sampling many packets) is decoded as its first one.
///
/// Tunnels followed (Wireshark's defaults): IP-in-IP (4, 41), GRE (47: IP, Ethernet, ERSPAN, MPLS,
/// PPP), EtherIP (97), and over UDP: VXLAN (4789), VXLAN-GPE (4790), Geneve (6081), GTP (2123, 2152,
/// 3386), Teredo (3544), GRE-in-UDP (4754), L2TPv2 (1701), sFlow samples (6343). Link-level
/// encapsulations (VLAN, QinQ, 802.1ah, MPLS, PPPoE, FabricPath, LLC/SNAP, transparent Ethernet
/// bridging) are in LinkLayer.
public struct PacketDecoder {
    public private(set) var weirds = WeirdCounts()
    /// Frames whose link type we do not decode.
    public private(set) var unsupportedLinkType = 0

    /// The anomaly counters, saved and put back by a shard around a packet another shard owns (so
    /// merged shards count every anomaly once).
    public var counters: (weirds: WeirdCounts, unsupportedLinkType: Int) {
        get { (weirds, unsupportedLinkType) }
        set { (weirds, unsupportedLinkType) = newValue }
    }
    /// IP fragments seen.
    public private(set) var ipFragments = 0
    /// Fragments waiting for the rest of their datagram.
    public let reassembler = FragmentReassembler()

    /// Verify TCP checksums (`--check-checksums`): a bad one is a weird and marks the segment.
    public var checkChecksums = false

    public init(checkChecksums: Bool = false) {
        self.checkChecksums = checkChecksums
    }
    /// How many IP headers (and tunnels) one frame may stack before the decoder gives up.
    static let maximumDepth = 16

    /// The TCP segment the record carries, if any. The segment's `payload` points into the record.
    public mutating func decode(_ record: CaptureRecord) -> TCPSegment? {
        var segment = TCPSegment.blank
        return decode(record, intoBlank: &segment) ? segment : nil
    }

    /// Decodes into a segment the caller keeps (no copy of the segment).
    public mutating func decode(_ record: CaptureRecord, into segment: inout TCPSegment) -> Bool {
        decode(record, into: &segment, isBlank: false)
    }

    /// The same into a segment that is `.blank` (the per-packet path's fresh local): the common
    /// case does not blank it a second time (208 bytes a packet).
    public mutating func decode(_ record: CaptureRecord, intoBlank segment: inout TCPSegment) -> Bool {
        decode(record, into: &segment, isBlank: true)
    }

    @inline(__always)
    private mutating func decode(_ record: CaptureRecord, into segment: inout TCPSegment, isBlank: Bool) -> Bool {
        if let plain = decodePlain(record, into: &segment, isBlank: isBlank) { return plain }
        let bytes = record.bytes
        let reported = max(record.wireLength, bytes.count)
        guard let link = LinkLayer.parse(bytes, reported: reported, record.linkType) else {
            unsupportedLinkType += 1
            return false
        }
        switch link {
        case .notIP:
            return false
        case .truncated:
            weirds.count(.truncatedLinkHeader)
            return false
        case .network(let kind, let offset, let end):
            segment = .blank
            segment.frame = record.frame
            segment.timestamp = record.timestamp
            segment.interface = record.interface
            guard end > offset else { return false }
            var depth = 0
            return decodeIP(kind, bytes.prefix(end).dropFirst(offset), wireLength: end - offset, into: &segment, depth: &depth)
        }
    }

    /// The common case in one pass (most frames of most captures): Ethernet II with at most one
    /// 802.1Q tag, then IPv4 without options that is no fragment, or IPv6 whose next header is TCP,
    /// then TCP. It takes exactly the steps the general walk takes for such a frame (`LinkLayer`,
    /// `decodeIP`), without their dispatch: what it cannot decode that way (anything else, and any
    /// header the general path would count as a weird) is nil, and decoded there.
    @inline(__always)
    private mutating func decodePlain(_ record: CaptureRecord, into segment: inout TCPSegment, isBlank: Bool) -> Bool? {
        guard !checkChecksums, record.linkType.rawValue == LinkType.ethernet.rawValue else { return nil }
        let bytes = record.bytes
        guard bytes.has(18) else { return nil }
        var offset = 14
        var type = bytes.u16be(12)
        if type == EtherType.vlan {
            type = bytes.u16be(16)
            offset = 18
        }
        let wireLength = max(record.wireLength, bytes.count) - offset
        let ip = bytes.dropFirst(offset)
        let payloadLength: Int, headerLength: Int
        switch type {
        case EtherType.ipv4:
            // Version 4, no options; no fragment; TCP (else: the general path).
            guard ip.has(20), ip.u8(0) == 0x45, ip.u16be(6) & 0x3FFF == 0, ip.u8(9) == 6 else { return nil }
            var totalLength = Int(ip.u16be(2))
            if totalLength == 0 {
                totalLength = wireLength  // TSO/GRO, as IPv4Header.parse
            } else if totalLength < 20 {
                return nil
            }
            if !isBlank { segment = .blank }
            segment.source = IPAddress(ipv4: ip.u32be(12))
            segment.destination = IPAddress(ipv4: ip.u32be(16))
            segment.ttl = ip.u8(8)
            segment.ipID = ip.u16be(4)
            headerLength = 20
            payloadLength = min(totalLength, wireLength) - 20
        case EtherType.ipv6:
            // TCP right after the fixed header (no extension headers, so no jumbogram either).
            guard ip.has(40), ip.u8(0) >> 4 == 6, ip.u8(6) == 6 else { return nil }
            if !isBlank { segment = .blank }
            segment.source = IPAddress(ipv6High: ip.u64be(8), low: ip.u64be(16))
            segment.destination = IPAddress(ipv6High: ip.u64be(24), low: ip.u64be(32))
            segment.ttl = ip.u8(7)
            headerLength = 40
            payloadLength = min(Int(ip.u16be(4)), wireLength - 40)
        default:
            return nil
        }
        segment.frame = record.frame
        segment.timestamp = record.timestamp
        segment.interface = record.interface
        guard payloadLength >= 0 else { return false }
        return TCPHeader.parse(ip.dropFirst(headerLength).prefix(payloadLength), reportedLength: payloadLength,
                               into: &segment, weirds: &weirds)
    }

    /// Decodes an IP header and what it carries, following IP-in-IP, tunnels and ICMP quotes one
    /// level deeper each time, as far as the headers go. `depth` counts the levels across the nested
    /// calls sFlow samples make.
    private mutating func decodeIP(_ kind: NetworkProtocol, _ bytes: ByteView, wireLength: Int,
                                   into segment: inout TCPSegment, depth: inout Int) -> Bool {
        var kind = kind
        var bytes = bytes
        var wireLength = wireLength
        while true {
            depth += 1
            guard depth <= Self.maximumDepth else {
                weirds.count(.tunnelTooDeep)
                return false
            }
            // Every IPv4 handle of Wireshark's also takes an IPv6 packet; quoted datagrams are
            // handed to "ip" too.
            if kind != .ipv6 || segment.context == .quotedInICMPError {
                guard bytes.has(1) else { weirds.count(.truncatedIPv4Header); return false }
                switch bytes.u8(0) >> 4 {
                case 4: kind = .ipv4
                case 6: kind = .ipv6
                default: weirds.count(.badIPVersion); return false
                }
            }
            let isIPv6 = kind == .ipv6
            var protocolNumber: UInt8
            var payload: ByteView
            var payloadLength: Int
            /// What the header announces follows it (Wireshark reassembles only when it is all captured).
            var announcedLength: Int
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
                    announcedLength = ip.totalLength - ip.headerLength
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
                    announcedLength = ip.announcedPayloadLength
                    payload = bytes.dropFirst(ip.headerLength).prefix(max(0, payloadLength))
                    if ip.isFragment {
                        fragment = (FragmentReassembler.Key(source: segment.source, destination: segment.destination,
                                                            identification: ip.fragmentID, protocolNumber: protocolNumber),
                                    ip.fragmentOffset, ip.moreFragments)
                    }
                }
            }
            guard payloadLength >= 0 else { return false }
            if let fragment, segment.context.isCopy {
                if fragment.offset != 0 { return false }  // copies are never reassembled
            } else if let fragment {
                ipFragments += 1
                // Wireshark reassembles only a fragment whose payload, as its header announces it, was
                // captured (tvb_bytes_exist). IPv4 then dissects an unreassembled first fragment as it
                // is; IPv6 shows any fragment it could not reassemble as data.
                if announcedLength > 0 && payload.count >= announcedLength {
                    guard let whole = reassembler.add(fragment.key, offset: fragment.offset,
                                                      moreFragments: fragment.more, payload: payload) else { return false }
                    payload = whole
                    payloadLength = whole.count
                    if isIPv6 {
                        // The fragmentable part may begin with extension headers (RFC 8200 4.5).
                        switch IPv6Header.skipExtensions(whole, next: protocolNumber) {
                        case .failure(let weird):
                            weirds.count(weird)
                            return false
                        case .success(let chain):
                            guard !chain.isFragment else { return false }
                            protocolNumber = chain.protocolNumber
                            payload = whole.dropFirst(chain.length)
                            payloadLength = whole.count - chain.length
                        }
                    }
                } else if fragment.offset != 0 || isIPv6 {
                    return false
                } else if segment.context == .normal {
                    segment.context = .unreassembledFragment
                }
            }
            let tunnel: TunnelResult
            switch protocolNumber {
            case 6:
                guard TCPHeader.parse(payload, reportedLength: payloadLength, into: &segment, weirds: &weirds) else { return false }
                if checkChecksums && !segment.context.isCopy, TCPChecksum.verify(segment, tcpBytes: payload) == false {
                    segment.checksumBad = true
                    weirds.count(.tcpChecksumBad)
                }
                return true
            case 4:
                kind = .ipv4
                bytes = payload
                wireLength = payloadLength
                continue
            case 41:
                kind = .ipv6
                bytes = payload
                wireLength = payloadLength
                continue
            case 1 where kind == .ipv4, 58 where kind == .ipv6:
                // An ICMP error quotes the datagram that caused it: Wireshark dissects the quoted TCP
                // header (it takes a stream number) but does not count it as a TCP frame.
                guard segment.context != .quotedInICMPError, let quoted = ICMPError.quotedDatagram(payload, isICMPv6: isIPv6)
                else { return false }
                segment.context = .quotedInICMPError
                bytes = quoted
                // The quoted datagram's length usually exceeds what is quoted: the quote is all there is.
                wireLength = quoted.count
                continue
            case 47:
                tunnel = GRE.parse(payload, reported: payloadLength)
            case 97:
                tunnel = EtherIP.parse(payload, end: payloadLength)
            case 17:
                switch UDP.header(payload, reported: payloadLength, overIPv6: isIPv6, inErrorPacket: segment.context.isCopy) {
                case .truncated:
                    weirds.count(.truncatedTunnelHeader)
                    return false
                case .badLength:
                    weirds.count(.badUDPLength)
                    return false
                case .empty:
                    return false
                case .datagram(let source, let destination, let payloadEnd):
                    let datagram = payload.prefix(payloadEnd).dropFirst(8)
                    let end = payloadEnd - 8
                    // The lower port's dissector first; the higher port's if that one refuses.
                    let (low, high) = UDP.candidates(source, destination)
                    var result = TunnelResult.rejected
                    if let low {
                        if low == .sflow, let cursor = SFlow.Cursor(datagram) {
                            return decodeSamples(cursor, into: &segment, depth: &depth)
                        }
                        if low != .sflow { result = UDP.dissect(low, datagram, end: end) }
                    }
                    if case .rejected = result, let high {
                        if high == .sflow, let cursor = SFlow.Cursor(datagram) {
                            return decodeSamples(cursor, into: &segment, depth: &depth)
                        }
                        if high != .sflow { result = UDP.dissect(high, datagram, end: end) }
                    }
                    // The UDP header's own bytes are not the tunnel's: offsets count from its payload.
                    tunnel = result.shifted(by: 8)
                }
            default:
                return false  // another protocol: no TCP inside
            }
            switch tunnel {
            case .none, .rejected:
                return false
            case .truncated:
                weirds.count(.truncatedTunnelHeader)
                return false
            case .inner(let step, let offset, let end):
                switch LinkLayer.walk(step, payload, at: offset, end: end) {
                case .notIP:
                    return false
                case .truncated:
                    weirds.count(.truncatedTunnelHeader)
                    return false
                case .network(let innerKind, let innerOffset, let innerEnd):
                    guard innerEnd > innerOffset else { return false }
                    kind = innerKind
                    bytes = payload.prefix(innerEnd).dropFirst(innerOffset)
                    wireLength = innerEnd - innerOffset
                }
            }
        }
    }

    /// The sampled headers of an sFlow datagram, in order, until one holds TCP. Wireshark dissects
    /// them with `in_error_pkt` set and catches any exception inside one, going on with the next.
    private mutating func decodeSamples(_ cursor: SFlow.Cursor, into segment: inout TCPSegment, depth: inout Int) -> Bool {
        var cursor = cursor
        let datagram = cursor.bytes
        let outerContext = segment.context
        while let sample = cursor.next() {
            guard let step = sample.step else { continue }
            let captured = datagram.slice(sample.offset, sample.capturedLength).prefix(sample.frameLength)
            guard case .network(let kind, let offset, let end) = LinkLayer.walk(step, captured, at: 0, end: sample.frameLength),
                  end > offset else { continue }
            segment.context = outerContext == .quotedInICMPError ? outerContext : .sampledBySFlow
            var sampleDepth = depth
            if decodeIP(kind, captured.prefix(end).dropFirst(offset), wireLength: end - offset, into: &segment, depth: &sampleDepth) {
                return true
            }
        }
        segment.context = outerContext
        return false
    }
}
