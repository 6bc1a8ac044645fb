import PacketCore

/// Radiotap (LINKTYPE_IEEE802_11_RADIOTAP), then an 802.11 frame:
///
///     version (1) | pad (1) | length (2, little-endian) | present bitmaps (4 each, bit 31: another)
///     fields, each aligned to its size: TSFT (bit 0, 8 bytes), Flags (bit 1, 1 byte), ...
///
/// packet-ieee80211-radiotap.c: the Flags field says whether the frame ends with an FCS (0x10) and
/// whether its header is padded to 4 bytes (0x20); without a Flags field Wireshark assumes no FCS.
/// The 802.11 frame starts at the radiotap length.
enum Radiotap {
    static func parse(_ bytes: ByteView, end: Int) -> LinkResult {
        guard bytes.has(8) else { return .truncated }
        let length = Int(bytes.u16le(2))
        let present = bytes.u32le(4)
        var radio = IEEE80211.RadioInfo()
        if present & 0b10 != 0 {
            // Skip the rest of the present bitmaps, then TSFT (aligned to 8) if present.
            var offset = 8
            var word = present
            while word & 0x8000_0000 != 0 {
                guard bytes.has(4, at: offset) else { return .truncated }
                word = bytes.u32le(offset)
                offset += 4
            }
            if present & 0b1 != 0 { offset = ((offset + 7) & ~7) + 8 }
            guard bytes.has(1, at: offset) else { return .truncated }
            let flags = bytes.u8(offset)
            radio.hasFCS = flags & 0x10 != 0
            radio.dataPad = flags & 0x20 != 0
        }
        guard length >= 8, length <= end else { return .truncated }
        return IEEE80211.parse(bytes.dropFirst(length), end: end - length, radio: radio).shifted(by: length)
    }
}
