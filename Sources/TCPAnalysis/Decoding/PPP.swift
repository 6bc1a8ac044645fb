import PacketCore

/// PPP (RFC 1661), optionally with HDLC-like address and control bytes (0xFF 0x03) in front, and a
/// protocol field of one byte when compressed (odd first byte).
enum PPP {
    static func parse(_ bytes: ByteView) -> LinkResult {
        var offset = 0
        if bytes.has(2) && bytes.u8(0) == 0xFF && bytes.u8(1) == 0x03 { offset = 2 }
        guard bytes.has(1, at: offset) else { return .truncated }
        let protocolID: UInt16
        if bytes.u8(offset) & 1 == 1 {
            protocolID = UInt16(bytes.u8(offset))
            offset += 1
        } else {
            guard bytes.has(2, at: offset) else { return .truncated }
            protocolID = bytes.u16be(offset)
            offset += 2
        }
        switch protocolID {
        case 0x0021: return .network(.ipv4, offset: offset)
        case 0x0057: return .network(.ipv6, offset: offset)
        default: return .notIP
        }
    }
}

/// Cisco HDLC: address, control, then an EtherType.
enum CiscoHDLC {
    static func parse(_ bytes: ByteView) -> LinkResult {
        guard bytes.has(4) else { return .truncated }
        return EtherType.dispatch(bytes.u16be(2), bytes, at: 4)
    }
}
