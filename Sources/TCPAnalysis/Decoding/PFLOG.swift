import PacketCore

/// OpenBSD pf's log header (LINKTYPE_PFLOG, packet-pflog.c):
///
///     length (1) | address family (1) | action (1) | reason (1) | interface (16) | ruleset (16)
///     rule (4) | subrule (4) | [OpenBSD 3.8+, length >= 61: uid, pid, rule uid, rule pid (16)]
///     direction (1) | [4.9+, length >= 100: rewritten (1), pad (2), addresses (32), ports (4)]
///
/// Wireshark shows every field of the header (so they must have been captured), then dissects the
/// packet at the length rounded up to 4: IPv4 for family 2, IPv6 for 24, 28 and 30.
enum PFLOG {
    static func parse(_ bytes: ByteView, end: Int) -> LinkResult {
        guard bytes.has(2) else { return .truncated }
        let length = Int(bytes.u8(0))
        var fields = 4 + 16 + 16 + 4 + 4
        if length >= 61 { fields += 16 }
        fields += 1
        if length >= 100 { fields += 1 + 2 + 32 + 4 }
        guard bytes.has(fields) else { return .truncated }
        let start = (length + 3) & ~3
        guard start <= end else { return .truncated }
        switch bytes.u8(1) {
        case 2: return .network(.ipv4, offset: start, end: end)
        case 24, 28, 30: return .network(.ipv6, offset: start, end: end)
        default: return .notIP
        }
    }
}

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

/// Solaris ipnet (LINKTYPE_IPNET, packet-ipnet.c): version (1), family (1), hook type (2), packet
/// length (4), interface indexes (8), zones (8). The packet is the last `packet length` bytes of the
/// record; family 2 is IPv4, 26 IPv6.
enum IPNET {
    static func parse(_ bytes: ByteView, end: Int) -> LinkResult {
        guard bytes.has(24) else { return .truncated }
        let packetLength = Int(bytes.u32be(4))
        // tvb_new_subset_remaining(captured - length): a negative offset counts from the end.
        var start = bytes.count - packetLength
        if start < 0 { start += bytes.count }
        guard start >= 0 else { return .truncated }
        switch bytes.u8(1) {
        case 2: return .network(.ipv4, offset: start, end: end)
        case 26: return .network(.ipv6, offset: start, end: end)
        default: return .notIP
        }
    }
}

/// Apple's PKTAP (LINKTYPE_PKTAP, packet-pktap.c): a little-endian header of at least 108 bytes
/// (length, record type, DLT, interface name, flags, ... process names), all of it shown; a record of
/// type 1 holds a packet of that DLT after the header.
enum PKTAP {
    static func parse(_ bytes: ByteView, end: Int) -> LinkResult {
        guard bytes.has(4) else { return .truncated }
        let headerLength = Int(bytes.u32le(0))
        guard headerLength >= 108 else { return .notIP }
        guard bytes.has(108) else { return .truncated }
        guard bytes.u32le(4) == 1, headerLength <= end else { return .notIP }
        let linkType = LinkType(bytes.u32le(8))
        guard linkType != .pktap,
              let inner = LinkLayer.parse(bytes.dropFirst(headerLength), reported: end - headerLength, linkType) else { return .notIP }
        return inner.shifted(by: headerLength)
    }
}
