import PacketCore

/// IP over InfiniBand, LINKTYPE_IPOIB (packet-ipoib.c): a 40-byte pseudo-header (the GRH, or the
/// destination address), then the 4-byte IPoIB header, type (2) and reserved (2). Only IPv4, IPv6
/// (and ARP) follow; there are no VLAN tags.
enum IPoIB {
    static func parse(_ bytes: ByteView, end: Int) -> LinkResult {
        guard bytes.has(44) else { return .truncated }
        switch bytes.u16be(40) {
        case EtherType.ipv4: return .network(.ipv4, offset: 44, end: end)
        case EtherType.ipv6: return .network(.ipv6, offset: 44, end: end)
        default: return .notIP
        }
    }
}
