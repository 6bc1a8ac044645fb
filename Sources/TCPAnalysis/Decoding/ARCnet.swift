import PacketCore

/// ARCnet (packet-arcnet.c, dissect_arcnet_common): source (1), destination (1), on Linux an offset
/// field (2), the protocol ID (1), then, except for the RFC 1051 protocols (IP 240, ARP 241), RFC
/// 1201's split flag (1) and sequence number (2). BSD's header may hold an exception frame (split
/// flag 0xFF): 3 more bytes and the real split flag. IP is 212 (RFC 1201) or 240 (RFC 1051), IPv6 196.
enum ARCnet {
    static func parse(_ bytes: ByteView, end: Int, linux: Bool) -> LinkResult {
        var offset = linux ? 4 : 2
        guard bytes.has(1, at: offset) else { return .truncated }
        let protocolID = bytes.u8(offset)
        offset += 1
        switch protocolID {
        case 240, 241, 128, 205:  // RFC 1051 IP and ARP, diagnose, BACnet: no fragmentation fields
            break
        default:
            guard bytes.has(1, at: offset) else { return .truncated }
            if !linux && bytes.u8(offset) == 0xFF { offset += 4 }  // exception frame
            guard bytes.has(3, at: offset) else { return .truncated }
            offset += 3
        }
        switch protocolID {
        case 212, 240: return .network(.ipv4, offset: offset, end: end)
        case 196: return .network(.ipv6, offset: offset, end: end)
        default: return .notIP
        }
    }
}
