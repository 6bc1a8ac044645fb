import PacketCore

/// GTP (3GPP TS 29.060 / 29.281) as packet-gtp.c reads a T-PDU (message type 0xFF, a user packet):
///
///     GTPv1 (PT = 1): flags (1) | type (1) | length (2) | TEID (4)
///                     [sequence (2) | N-PDU (1) | next extension type (1)]  when E, S or PN is set
///                     extension headers: length (1, in 4-byte units) | content | next type (1)
///     GTP' (PT = 0):  flags (1) | type (1) | length (2) | sequence (2)  (+14 for GTP'v0 without bit 0)
///     GTPv0:          20 bytes: flags, type, length, sequence, flow label, N-PDU, spare, TID (8)
///
/// The length counts the bytes after the first 8 (v1), 6 or 20 (GTP'), 20 (v0) and ends the packet
/// there (set_actual_length). A version above 2 is refused; version 2 is GTPv2-C on the GTP ports
/// (never a T-PDU). The T-PDU heuristic: a first byte 0x45-0x4E is IPv4, 0x6x IPv6, and with more
/// than 14 bytes an ARP/IPv4/IPv6 EtherType at 12 makes it Ethernet.
enum GTP {
    static let tpdu: UInt8 = 0xFF

    static func parse(_ bytes: ByteView, end reported: Int, prime: Bool) -> TunnelResult {
        guard bytes.has(1) else { return .rejected }
        let flags = bytes.u8(0)
        let version = flags >> 5
        guard version <= 2 else { return .rejected }
        if version == 2 && !prime { return .none }  // GTPv2-C
        guard bytes.has(2) else { return .rejected }
        let message = bytes.u8(1)
        guard message != 0 else { return .rejected }  // GTP_MSG_UNKNOWN
        guard bytes.has(4) else { return .truncated }
        let length = Int(bytes.u16be(2))
        var offset: Int
        var end = reported
        if flags & 0x10 == 0 {
            // GTP': a 6-byte header, 20 for GTP'v0 when bit 0 is clear.
            offset = version == 0 && flags & 0x01 == 0 ? 20 : 6
            end = min(end, offset + length)
        } else if version == 0 {
            offset = 20
            end = min(end, offset + length)
        } else {
            offset = 8
            end = min(end, offset + length)
            if flags & 0x07 != 0 {
                offset += 3  // sequence number, N-PDU number
                if flags & 0x04 != 0 {
                    guard bytes.has(1, at: offset) else { return .truncated }
                    var next = bytes.u8(offset)
                    offset += 1
                    while next != 0 {
                        guard bytes.has(1, at: offset) else { return .truncated }
                        let units = Int(bytes.u8(offset))
                        // A zero-length extension header ends the dissection.
                        guard units > 0 else { return .none }
                        offset += units * 4 - 1
                        guard bytes.has(1, at: offset) else { return .truncated }
                        next = bytes.u8(offset)
                        offset += 1
                    }
                } else {
                    offset += 1
                }
            }
        }
        guard bytes.has(offset) else { return .truncated }
        guard message == tpdu, end > offset else { return .none }
        guard bytes.has(1, at: offset) else { return .truncated }
        let first = bytes.u8(offset)
        if (0x45...0x4E).contains(first) { return .inner(.network(.ipv4), offset: offset, end: end) }
        if first & 0xF0 == 0x60 { return .inner(.network(.ipv6), offset: offset, end: end) }
        if end - offset > 14 {
            guard bytes.has(14, at: offset) else { return .truncated }
            switch bytes.u16be(offset + 12) {
            case 0x0806, EtherType.ipv4, EtherType.ipv6: return .inner(.ethernet, offset: offset, end: end)
            default: break
            }
        }
        return .none
    }
}
