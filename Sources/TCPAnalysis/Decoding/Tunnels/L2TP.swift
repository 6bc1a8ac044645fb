import PacketCore

/// L2TP over UDP (port 1701), as packet-l2tp.c reads it:
///
///     T L x x S x O P x x x x | version (4 bits) | [length (2)] | tunnel ID (2) | session ID (2)
///     [Ns (2) | Nr (2)] | [offset size (2) | padding] | PPP in HDLC-like framing ...
///
/// Only version 2 and 3 are L2TP (any other is refused, so the other port may take the datagram).
/// A version 2 data message (T clear) carries PPP, bounded by the length field when there is one;
/// control messages carry no packets. Version 3 data sessions depend on cookies and pseudowire types
/// negotiated in control messages, which this decoder does not follow.
enum L2TP {
    static func parse(_ bytes: ByteView, end reported: Int) -> TunnelResult {
        guard bytes.has(2) else { return .rejected }
        let control = bytes.u16be(0)
        switch control & 0x000F {
        case 2: break
        case 3: return .none
        default: return .rejected
        }
        var offset = 2
        var end = reported
        if control & 0x4000 != 0 {  // length
            guard bytes.has(2, at: offset) else { return .truncated }
            end = min(end, Int(bytes.u16be(offset)))
            offset += 2
        }
        offset += 4  // tunnel ID, session ID
        guard bytes.has(offset) else { return .truncated }
        guard control & 0x8000 == 0 else { return .none }  // a control message
        if control & 0x0800 != 0 { offset += 4 }  // Ns, Nr
        if control & 0x0200 != 0 {  // offset size, then that much padding
            guard bytes.has(2, at: offset) else { return .truncated }
            offset += 2 + Int(bytes.u16be(offset))
        }
        // The PPP frame is dissected only when a byte of it was captured.
        guard offset < end, bytes.has(1, at: offset) else { return .none }
        return .inner(.pppInHDLC, offset: offset, end: end)
    }
}
