import PacketCore

/// BSD loopback: a 4-byte address family, in the capturing host's byte order (NULL) or in network
/// byte order (LOOP). IPv6's family number differs between systems.
enum Loopback {
    static func parse(_ bytes: ByteView, networkOrder: Bool) -> LinkResult {
        guard bytes.has(4) else { return .truncated }
        var family = bytes.u32be(0)
        // A NULL header from a little-endian host has its value in the first byte (Wireshark tells
        // the order the same way: a value with the high half set was written the other way round).
        if !networkOrder && family & 0xFFFF_0000 != 0 { family = family.byteSwapped }
        switch family {
        case 2: return .network(.ipv4, offset: 4)
        case 10, 24, 28, 30: return .network(.ipv6, offset: 4)  // Linux, NetBSD/OpenBSD, FreeBSD, macOS
        default: return .notIP
        }
    }
}
