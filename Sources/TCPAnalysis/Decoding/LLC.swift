import PacketCore

/// IEEE 802.2 LLC (packet-llc.c, dissect_llc and dissect_snap).
///
///     DSAP (1) | SSAP (1) | control (1 for U frames, 2 for I and S frames) | SNAP: OUI (3), PID (2)
///
/// Only information frames (I, or UI) hand their payload on. SNAP's PID is an EtherType when the OUI
/// is 00-00-00 or Cisco's 00-00-F8; 00-80-C2 (IEEE 802.1) carries bridged Ethernet frames (PIDs 1
/// and 7, after 2 bytes of padding); any other OUI's PID belongs to that organisation. Without SNAP
/// the DSAP names the protocol: 0x06 is IP (RFC 948).
enum LLC {
    static func parse(_ bytes: ByteView, at offset: Int, end: inout Int) -> LinkNext {
        guard bytes.has(3, at: offset) else { return .done(.truncated) }
        let dsap = bytes.u8(offset), ssap = bytes.u8(offset + 1), control = bytes.u8(offset + 2)
        let isUnnumbered = control & 0x03 == 0x03
        let controlLength = isUnnumbered ? 1 : 2
        // XDLC_IS_INFORMATION: an I frame, or a UI frame (whatever the poll/final bit).
        let isInformation = isUnnumbered ? control & 0xEF == 0x03 : control & 0x01 == 0
        guard bytes.has(2 + controlLength, at: offset) else { return .done(.truncated) }
        let payload = offset + 2 + controlLength
        if dsap == 0xAA && ssap == 0xAA {
            guard bytes.has(5, at: payload) else { return .done(.truncated) }
            let oui = UInt32(bytes.u8(payload)) << 16 | UInt32(bytes.u16be(payload + 1))
            let pid = bytes.u16be(payload + 3)
            switch oui {
            case 0x000000, 0x0000F8:
                guard isInformation else { return .done(.notIP) }
                return .next(.etherType(pid), offset: payload + 5)
            case 0x0080C2:
                switch pid {
                case 0x0007: return .next(.ethernet, offset: payload + 5 + 2)
                case 0x0001:  // with its FCS
                    end -= 4
                    return .next(.ethernet, offset: payload + 5 + 2)
                default: return .done(.notIP)
                }
            default:
                return .done(.notIP)
            }
        }
        guard isInformation, dsap == 0x06, end > payload else { return .done(.notIP) }
        return .next(.network(.ipv4), offset: payload)
    }
}
