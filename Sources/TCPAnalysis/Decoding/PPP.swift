import PacketCore

/// PPP (RFC 1661): a protocol field of one byte when compressed (odd first byte), else two.
/// ppp.protocol in Wireshark: IPv4 as 0x0021 or 0x0800, IPv6 as 0x0057 or 0x86DD, MPLS as 0x0281
/// (unicast) or 0x0283 (multicast).
enum PPP {
    static func parse(_ bytes: ByteView, at start: Int) -> LinkNext {
        var offset = start
        guard bytes.has(1, at: offset) else { return .done(.truncated) }
        let protocolID: UInt16
        if bytes.u8(offset) & 1 == 1 {
            protocolID = UInt16(bytes.u8(offset))
            offset += 1
        } else {
            guard bytes.has(2, at: offset) else { return .done(.truncated) }
            protocolID = bytes.u16be(offset)
            offset += 2
        }
        switch protocolID {
        case 0x0021, 0x0800: return .next(.network(.ipv4), offset: offset)
        case 0x0057, 0x86DD: return .next(.network(.ipv6), offset: offset)
        case 0x0281, 0x0283: return .next(.mpls, offset: offset)
        default: return .done(.notIP)
        }
    }

    /// dissect_ppp_hdlc, which serves LINKTYPE_PPP and PPP_HDLC, GRE's 0x880B and sFlow's PPP: a first
    /// byte of 0x0F or 0x8F is Cisco HDLC; 0xFF is the address, and the next byte (the control, whatever
    /// its value) is skipped with it; anything else starts the protocol field.
    static func parseHDLC(_ bytes: ByteView, at offset: Int) -> LinkNext {
        guard bytes.has(1, at: offset) else { return .done(.truncated) }
        switch bytes.u8(offset) {
        case 0x0F, 0x8F: return .next(.ciscoHDLC, offset: offset)
        case 0xFF: return .next(.ppp, offset: offset + 2)
        default: return .next(.ppp, offset: offset)
        }
    }
}
