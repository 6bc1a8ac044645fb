import PacketCore

/// VXLAN (RFC 7348, UDP 4789) and VXLAN-GPE (UDP 4790), as packet-vxlan.c reads them.
///
///     flags (1) | reserved (2)            | reserved (1)     VXLAN: 8 bytes, then Ethernet
///     flags (1) | reserved (2)            | next protocol (1)    GPE: vxlan.next_proto names the
///     VNI (3)                             | reserved (1)         payload (1 IPv4, 2 IPv6, 3 Ethernet,
///                                                                5 MPLS)
enum VXLAN {
    static func parse(_ bytes: ByteView, end: Int, gpe: Bool) -> TunnelResult {
        guard bytes.has(8) else { return .truncated }
        guard gpe else { return .inner(.ethernet, offset: 8, end: end) }
        switch bytes.u8(3) {
        case 1: return .inner(.network(.ipv4), offset: 8, end: end)
        case 2: return .inner(.network(.ipv6), offset: 8, end: end)
        case 3: return .inner(.ethernet, offset: 8, end: end)
        case 5: return .inner(.mpls, offset: 8, end: end)
        default: return .none
        }
    }
}
