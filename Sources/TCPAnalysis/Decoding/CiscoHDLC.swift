import PacketCore

/// Cisco HDLC: address, control, then a protocol from chdlc.protocol (EtherType values, but only those
/// registered there: no VLAN tags).
enum CiscoHDLC {
    static func parse(_ bytes: ByteView, at offset: Int) -> LinkNext {
        guard bytes.has(4, at: offset) else { return .done(.truncated) }
        switch bytes.u16be(offset + 2) {
        case EtherType.ipv4: return .next(.network(.ipv4), offset: offset + 4)
        case EtherType.ipv6: return .next(.network(.ipv6), offset: offset + 4)
        case EtherType.transparentEthernet: return .next(.ethernet, offset: offset + 4)
        case EtherType.mplsUnicast, EtherType.mplsMulticast: return .next(.mpls, offset: offset + 4)
        default: return .done(.notIP)
        }
    }
}
