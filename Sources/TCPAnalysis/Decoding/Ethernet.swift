import PacketCore

///     +-------------------+-------------------+-----------+
///     | destination (6)   | source (6)        | type (2)  |  then 802.1Q/802.1ad tags, or an
///     +-------------------+-------------------+-----------+  802.3 length and LLC (type <= 1500)
///
/// dissect_eth_common: a type of 1501...1535 is invalid; a length is an 802.3 frame whose payload
/// the length bounds (the rest is a trailer, dissect_802_3); Cisco ISL frames (destination
/// 01-00-0C-00-00 or 0C-00-0C-00-00 with a length) are not read. FabricPath is Wireshark's
/// enabled-by-default "eth" heuristic, tried before anything else.
enum Ethernet {
    static func parse(_ bytes: ByteView, at offset: Int, end: inout Int) -> LinkNext {
        guard bytes.has(14, at: offset) else { return .done(.truncated) }
        let type = bytes.u16be(offset + 12)
        if let fabricPath = FabricPath.header(bytes, at: offset, type: type) {
            // dissect_fp_common: the encapsulated frame runs to 4 bytes (the outer FCS) before the end.
            guard bytes.has(fabricPath, at: offset), end - 4 >= offset + fabricPath else { return .done(.truncated) }
            end -= 4
            return .next(.ethernet, offset: offset + fabricPath)
        }
        if type <= 1500 {
            if isISL(bytes, at: offset) { return .done(.notIP) }
            if type != 0 { return ieee8023(length: type, bytes, at: offset + 14, end: &end) }
        } else if type < 1536 {
            return .done(.notIP)  // invalid length/type
        }
        return .next(.etherType(type), offset: offset + 14)
    }

    /// An 802.3 length field: the payload ends there (dissect_802_3 cuts it to the length, or keeps
    /// what there is when the length runs past the frame); 0xFFFF first is Novell raw IPX, else LLC.
    static func ieee8023(length: UInt16, _ bytes: ByteView, at offset: Int, end: inout Int) -> LinkNext {
        end = min(end, offset + Int(length))
        if bytes.has(2, at: offset) && bytes.u16be(offset) == 0xFFFF { return .done(.notIP) }
        return .next(.llc, offset: offset)
    }

    private static func isISL(_ bytes: ByteView, at offset: Int) -> Bool {
        let first = bytes.u8(offset)
        return (first == 0x01 || first == 0x0C) && bytes.u8(offset + 1) == 0x00 && bytes.u8(offset + 2) == 0x0C
            && bytes.u8(offset + 3) == 0x00 && bytes.u8(offset + 4) == 0x00
    }
}
