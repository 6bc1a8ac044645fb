import PacketCore

/// OpenBSD's IPsec "enc" interface (LINKTYPE_ENC, packet-enc.c): address family (4, in the writing
/// host's order: a value with its high half set was written the other way round), SPI (4), flags (4),
/// then the packet: IPv4 for family 2, IPv6 for 24 (the enc table knows only OpenBSD's AF_INET6).
enum IPsecEnc {
    static func parse(_ bytes: ByteView, end: Int) -> LinkResult {
        guard bytes.has(12) else { return .truncated }
        var family = bytes.u32le(0)
        if family & 0xFFFF_0000 != 0 { family = family.byteSwapped }
        switch family {
        case 2: return .network(.ipv4, offset: 12, end: end)
        case 24: return .network(.ipv6, offset: 12, end: end)
        default: return .notIP
        }
    }
}
