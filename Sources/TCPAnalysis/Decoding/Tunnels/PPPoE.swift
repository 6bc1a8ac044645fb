import PacketCore

/// A PPPoE session header (RFC 2516), then PPP:
///
///     version/type (1) | code (1) | session ID (2) | payload length (2) | PPP protocol ...
///
/// packet-pppoe.c, dissect_pppoes: the payload length bounds the PPP packet (the rest is Ethernet
/// padding); a PPPoE credits tag (0x0106, RFC 5578) in front of the PPP protocol is 8 bytes that
/// belong to PPPoE. PPP follows without address and control bytes.
enum PPPoE {
    static let creditsTag: UInt16 = 0x0106

    static func parse(_ bytes: ByteView, at offset: Int, end: inout Int) -> LinkNext {
        guard bytes.has(6, at: offset) else { return .done(.truncated) }
        let length = Int(bytes.u16be(offset + 4))
        let credits = bytes.has(2, at: offset + 6) && bytes.u16be(offset + 6) == creditsTag ? 8 : 0
        guard length >= credits else { return .done(.truncated) }
        end = min(end, offset + 6 + length)
        return .next(.ppp, offset: offset + 6 + credits)
    }
}
