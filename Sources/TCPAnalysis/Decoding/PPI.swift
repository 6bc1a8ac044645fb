import PacketCore

/// PPI, the Per-Packet Information header (LINKTYPE_PPI, packet-ppi.c):
///
///     version (1) | flags (1) | length (2, little-endian) | DLT (4, little-endian)
///     fields: type (2) | length (2) | data, optionally aligned to 4 (flag 0x01)
///
/// The fields are walked to find where the packet begins. The 802.11-Common field (type 2, 20 bytes)
/// says whether the frame ends with an FCS (flag 0x0001 at 8). A frame that is part of an A-MPDU
/// (802.11n MAC or MAC+PHY field, aggregate flag 0x10) is reassembled across frames by Wireshark and
/// is not decoded here. DLT 105 is 802.11; Ethernet (1) is also read.
enum PPI {
    static func parse(_ bytes: ByteView, end: Int) -> LinkResult {
        guard bytes.has(8) else { return .truncated }
        let flags = bytes.u8(1)
        var remaining = Int(bytes.u16le(2)) - 8
        let dlt = bytes.u32le(4)
        var offset = 8
        var radio = IEEE80211.RadioInfo()
        while remaining > 0 {
            guard bytes.has(4, at: offset) else { return .truncated }
            let type = bytes.u16le(offset)
            let length = Int(bytes.u16le(offset + 2)) + 4
            remaining -= length
            switch type {
            case 2 where length == 24:
                guard bytes.has(2, at: offset + 12) else { return .truncated }
                radio.hasFCS = bytes.u16le(offset + 12) & 0x0001 != 0
            case 3 where length == 16, 4 where length >= 16:
                guard bytes.has(4, at: offset + 4) else { return .truncated }
                if bytes.u32le(offset + 4) & 0x10 != 0 { return .notIP }  // part of an A-MPDU
            default:
                break
            }
            offset += length
            if flags & 0x01 != 0 { offset = (offset + 3) & ~3 }
        }
        guard offset <= end else { return .truncated }
        switch dlt {
        case 105:
            return IEEE80211.parse(bytes.dropFirst(offset), end: end - offset, radio: radio).shifted(by: offset)
        case 1:
            return LinkLayer.walk(.ethernet, bytes, at: offset, end: end)
        default:
            return .notIP
        }
    }
}
