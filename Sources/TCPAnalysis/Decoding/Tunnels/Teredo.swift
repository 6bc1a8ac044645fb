import PacketCore

/// Teredo (RFC 4380, UDP 3544), as packet-teredo.c reads it: an optional authentication header
/// (0x0001, client ID and authentication value lengths, then ID, value, an 8-byte nonce and a
/// confirmation byte), an optional origin indication (0x0000, port and address: 8 bytes), then IPv6.
/// (Wireshark's Teredo heuristic for other ports is off by default.)
enum Teredo {
    static func parse(_ bytes: ByteView, end: Int) -> TunnelResult {
        guard bytes.has(2) else { return .truncated }
        var offset = 0
        var indicator = bytes.u16be(0)
        if indicator == 1 {
            guard bytes.has(4) else { return .truncated }
            let idLength = Int(bytes.u8(2)), authenticationLength = Int(bytes.u8(3))
            offset = 13 + idLength + authenticationLength
            guard bytes.has(2, at: offset) else { return .truncated }
            indicator = bytes.u16be(offset)
        }
        if indicator == 0 {
            guard bytes.has(8, at: offset) else { return .truncated }
            offset += 8
        }
        return .inner(.network(.ipv6), offset: offset, end: end)
    }
}
