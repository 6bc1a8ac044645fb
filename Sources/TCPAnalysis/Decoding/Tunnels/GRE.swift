import PacketCore

///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///     |C|R|K|S|s|Recur|A| Flags | Ver |         Protocol Type         |
///     |      Checksum (optional)      |       Offset (optional)       |
///     |                         Key (optional)                        |
///     |                    Sequence Number (optional)                 |
///     |                Acknowledgment Number (PPTP, optional)         |
///     |                    Routing (SREs, optional)                   |
///     +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///
/// GRE (RFC 1701, 2784, 2890; enhanced GRE of PPTP, RFC 2637), as packet-gre.c reads it: checksum
/// and offset when C or R is set; a key (call ID and payload length for PPTP); a sequence number; a
/// PPTP acknowledgment; source route entries until a null one; WCCPv2's 4-byte redirect header when
/// 0x883E is not followed by an IPv4 header. Without the S bit and with nothing left, there is no
/// payload. The protocol type picks the payload from gre.proto.
enum GRE {
    static let checksumPresent: UInt16 = 0x8000
    static let routingPresent: UInt16 = 0x4000
    static let keyPresent: UInt16 = 0x2000
    static let sequencePresent: UInt16 = 0x1000
    static let acknowledgmentPresent: UInt16 = 0x0080
    static let versionMask: UInt16 = 0x0007

    static let pppType: UInt16 = 0x880B
    static let wccpType: UInt16 = 0x883E
    static let erspanType2: UInt16 = 0x88BE
    static let erspanType3: UInt16 = 0x22EB
    static let mikrotikEoIP: UInt16 = 0x6400

    static func parse(_ bytes: ByteView, reported: Int) -> TunnelResult {
        guard bytes.has(4) else { return .truncated }
        let flags = bytes.u16be(0)
        let type = bytes.u16be(2)
        let isPPP = type == pppType && flags & versionMask != 0
        var offset = 4
        if flags & (checksumPresent | routingPresent) != 0 { offset += 4 }
        if flags & keyPresent != 0 { offset += 4 }
        if flags & sequencePresent != 0 { offset += 4 }
        if isPPP && flags & acknowledgmentPresent != 0 { offset += 4 }
        guard bytes.has(offset) else { return .truncated }
        if flags & routingPresent != 0 {
            while true {
                guard bytes.has(4, at: offset) else { return .truncated }
                let family = bytes.u16be(offset), length = Int(bytes.u8(offset + 3))
                offset += 4
                if family == 0 && length == 0 { break }
                offset += length
            }
        }
        if type == wccpType {
            guard bytes.has(1, at: 4) else { return .truncated }
            if bytes.u8(4) & 0xF0 != 0x40 { offset += 4 }  // WCCPv2 redirect header
        }
        guard offset <= reported else { return .truncated }
        if flags & sequencePresent == 0 && reported - offset <= 0 { return .none }
        guard let step = payloadStep(type, sequencePresent: flags & sequencePresent != 0) else { return .none }
        return .inner(step, offset: offset, end: reported)
    }

    /// gre.proto: IPv4 (and WCCP), IPv6, transparent Ethernet bridging (and MikroTik EoIP), ERSPAN,
    /// MPLS, PPP (in HDLC-like framing, as for PPTP).
    static func payloadStep(_ type: UInt16, sequencePresent: Bool) -> LinkStep? {
        switch type {
        case EtherType.ipv4, wccpType: return .network(.ipv4)
        case EtherType.ipv6: return .network(.ipv6)
        case EtherType.transparentEthernet, mikrotikEoIP: return .ethernet
        // dissect_erspan_88BE: a header (type II) only when the GRE sequence number is present;
        // without one it is type I, a bare Ethernet frame.
        case erspanType2: return sequencePresent ? .erspan : .ethernet
        case erspanType3: return .erspan
        case EtherType.mplsUnicast, EtherType.mplsMulticast: return .mpls
        case pppType: return .pppInHDLC
        default: return nil
        }
    }
}
