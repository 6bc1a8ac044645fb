import PacketCore

/// Geneve (RFC 8926, UDP 6081), as packet-geneve.c reads it:
///
///     version (2 bits) | option length (6 bits, 4-byte words) | flags (1) | protocol type (2)
///     VNI (3) | reserved (1) | options ...
///
/// The protocol type is looked up in the "ethertype" table (0x6558 is an Ethernet frame). Wireshark
/// walks the options only to show them, and stops at one that claims more than the option area, so
/// only the area's own bounds matter.
enum Geneve {
    static func parse(_ bytes: ByteView, end: Int) -> TunnelResult {
        guard bytes.has(8) else { return .truncated }
        let optionsLength = Int(bytes.u8(0) & 0x3F) * 4
        guard bytes.has(8 + optionsLength) else { return .truncated }
        return .inner(.etherType(bytes.u16be(2)), offset: 8 + optionsLength, end: end)
    }
}
