import PacketCore

/// The Prism and AVS monitor-mode headers in front of 802.11 frames (packet-ieee80211-prism.c,
/// packet-ieee80211-wlancap.c). Neither says whether an FCS ends the frame, and Wireshark assumes none.
///
/// LINKTYPE_IEEE802_11_PRISM: an AVS magic first (0x80211001 or 0x80211002) makes it an AVS header;
/// a Prism message code (0x44 or 0x41, in either byte order) a 144-byte Prism header; anything else
/// a bare 802.11 frame.
/// LINKTYPE_IEEE802_11_AVS: magic and version (4), header length (4), fields Wireshark shows for
/// versions 1 (64 bytes) and 2 (80), then the frame at the header length.
enum Prism {
    static func parsePrism(_ bytes: ByteView, end: Int) -> LinkResult {
        guard bytes.has(4) else { return .truncated }
        let code = bytes.u32be(0)
        if code == 0x8021_1001 || code == 0x8021_1002 { return parseAVS(bytes, end: end) }
        let little = bytes.u32le(0)
        guard code == 0x44 || code == 0x41 || little == 0x44 || little == 0x41 else {
            return IEEE80211.parse(bytes, end: end, radio: IEEE80211.RadioInfo())
        }
        guard bytes.has(144) else { return .truncated }
        return IEEE80211.parse(bytes.dropFirst(144), end: end - 144, radio: IEEE80211.RadioInfo()).shifted(by: 144)
    }

    static func parseAVS(_ bytes: ByteView, end: Int) -> LinkResult {
        guard bytes.has(8) else { return .truncated }
        let version = bytes.u32be(0) &- 0x8021_1000
        let length = Int(bytes.u32be(4))
        if version <= 2 {
            guard bytes.has(version > 1 ? 80 : 64) else { return .truncated }
        }
        guard length <= end else { return .truncated }
        return IEEE80211.parse(bytes.dropFirst(length), end: end - length, radio: IEEE80211.RadioInfo()).shifted(by: length)
    }
}
