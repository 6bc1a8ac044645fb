import PacketCore

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
