import PacketCore

/// BSD loopback: a 4-byte address family, in the capturing host's byte order (NULL) or in network
/// byte order (LOOP). IPv6's family number differs between systems.
///
/// Wireshark's null.type table knows AF_INET (2) and the BSDs' AF_INET6 (24 NetBSD/OpenBSD,
/// 28 FreeBSD, 30 macOS); Linux's 10 is not in it, so such a frame is data.
enum Loopback {
    /// dissect_null: FF 03 first is PPP in HDLC framing; otherwise the header is read in (little-endian)
    /// host order and fixed up: a value with its high half set was written the other way round, unless
    /// it looks like IRIX's 16-bit family; a value above 1500 is an EtherType.
    static func parseNull(_ bytes: ByteView, end: Int) -> LinkResult {
        guard bytes.has(2) else { return .truncated }
        if bytes.u16be(0) == 0xFF03 { return LinkLayer.walk(.pppInHDLC, bytes, at: 0, end: end) }
        guard bytes.has(4) else { return .truncated }
        var header = bytes.u32le(0)
        if header & 0xFFFF_0000 != 0 {
            if header & 0xFF00_0000 == 0 && header & 0x00FF_0000 < 0x0006_0000 {
                header >>= 16
            } else {
                header = header.byteSwapped
            }
        } else if header & 0x0000_00FF == 0 && header & 0x0000_FF00 < 0x0000_0600 {
            header = UInt32(UInt16(truncatingIfNeeded: header).byteSwapped)
        }
        if header > 1500 {
            return LinkLayer.walk(.etherType(UInt16(truncatingIfNeeded: header)), bytes, at: 4, end: end)
        }
        return family(header, end: end)
    }

    /// dissect_loop: the family in network byte order, nothing else.
    static func parseLoop(_ bytes: ByteView, end: Int) -> LinkResult {
        guard bytes.has(4) else { return .truncated }
        return family(bytes.u32be(0), end: end)
    }

    private static func family(_ family: UInt32, end: Int) -> LinkResult {
        switch family {
        case 2: return .network(.ipv4, offset: 4, end: end)
        case 24, 28, 30: return .network(.ipv6, offset: 4, end: end)
        default: return .notIP
        }
    }
}
