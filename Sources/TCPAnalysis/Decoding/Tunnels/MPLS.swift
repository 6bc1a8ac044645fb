import PacketCore

/// An MPLS label stack (RFC 3032): 4-byte entries, label (20 bits), traffic class (3), bottom of
/// stack (1), TTL (8), until the bottom-of-stack bit.
///
/// packet-mpls.c, dissect_mpls: there is no label-to-protocol binding by default, so the payload is
/// told by its first nibble (RFC 4928): 4 IPv4, 6 IPv6, 1 an associated channel (not IP), 0 an
/// Ethernet pseudowire. The GAL label (13) at the bottom starts an associated channel.
///
/// For a first nibble of 0 Wireshark asks the manufacturer database whether both MAC addresses are
/// known vendors' (then the Ethernet frame starts right away) and otherwise skips a 4-byte control
/// word. Without that database, this decoder takes the frame as plain Ethernet when an IP or VLAN
/// EtherType sits where Ethernet would put it, and as having a control word otherwise.
enum MPLS {
    static let generalAssociatedChannelLabel: UInt32 = 13

    static func parse(_ bytes: ByteView, at start: Int, end: Int) -> LinkNext {
        var offset = start
        while true {
            // The loop runs while reported bytes remain; a stack without a bottom runs out of them.
            guard end > offset, bytes.has(4, at: offset) else { return .done(.truncated) }
            let entry = bytes.u32be(offset)
            offset += 4
            let bottom = entry & 0x100 != 0
            if bottom && entry >> 12 == generalAssociatedChannelLabel { return .done(.notIP) }
            if bottom { break }
        }
        guard bytes.has(1, at: offset) else { return .done(.truncated) }
        switch bytes.u8(offset) >> 4 {
        case 4: return .next(.network(.ipv4), offset: offset)
        case 6: return .next(.network(.ipv6), offset: offset)
        case 0: return .next(.ethernet, offset: looksLikePlainEthernet(bytes, at: offset) ? offset : offset + 4)
        default: return .done(.notIP)
        }
    }

    private static func looksLikePlainEthernet(_ bytes: ByteView, at offset: Int) -> Bool {
        guard bytes.has(14, at: offset) else { return false }
        switch bytes.u16be(offset + 12) {
        case EtherType.ipv4, EtherType.ipv6, EtherType.vlan, EtherType.ieee8021ad: return true
        default: return false
        }
    }
}
