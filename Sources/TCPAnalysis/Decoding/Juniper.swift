import PacketCore

/// Juniper Ethernet (LINKTYPE_JUNIPER_ETHER, packet-juniper.c):
///
///     magic "MGC" (3) | flags (1) | [extension length (2) | TLVs] | payload
///
/// The extensions are present when flag 0x80 is set and are skipped by their total length. With flag
/// 0x02 (no L2 header) a 4-byte protocol number in host (little-endian) order follows, of which
/// dissect_juniper_header keeps the low byte (it stores it in a guint8, so its case for 0xA248 is
/// never reached): 2 and 3 IPv4, 6 and 7 IPv6, 204 Ethernet, 208 Cisco HDLC, 202 and 203 LLC, 200
/// PPP. Without the magic Wireshark reads the whole record as Ethernet.
///
/// The other Juniper link types share the header and differ in what follows without the no-L2 flag:
/// PPPoE and Ethernet an Ethernet frame, PPP two bytes and PPP (no HDLC framing), C-HDLC Cisco HDLC.
enum Juniper {
    static func parseEther(_ bytes: ByteView, end: Int) -> LinkResult {
        parse(bytes, end: end, layer2: .ethernet, layer2Offset: 0)
    }

    static func parse(_ bytes: ByteView, end: Int, layer2: LinkStep, layer2Offset: Int) -> LinkResult {
        guard bytes.has(4) else { return .truncated }
        guard bytes.u16be(0) == 0x4D47 && bytes.u8(2) == 0x43 else { return LinkLayer.walk(layer2, bytes, at: layer2Offset, end: end) }
        let flags = bytes.u8(3)
        var offset = 4
        if flags & 0x80 != 0 {
            guard bytes.has(6) else { return .truncated }
            offset = 6 + Int(bytes.u16be(4))
        }
        guard flags & 0x02 != 0 else { return LinkLayer.walk(layer2, bytes, at: offset + layer2Offset, end: end) }
        guard bytes.has(4, at: offset) else { return .truncated }
        let protocolNumber = bytes.u8(offset)
        offset += 4
        let step: LinkStep
        switch protocolNumber {
        case 2, 3: step = .network(.ipv4)
        case 6, 7: step = .network(.ipv6)
        case 204: step = .ethernet
        case 208: step = .ciscoHDLC
        case 202, 203: step = .llc
        case 200: step = .ppp
        default: return .notIP
        }
        return LinkLayer.walk(step, bytes, at: offset, end: end)
    }
}
