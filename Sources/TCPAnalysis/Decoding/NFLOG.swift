import PacketCore

/// Linux NFLOG (LINKTYPE_NFLOG, packet-nflog.c):
///
///     family (1) | version (1) | resource ID (2) | TLVs: length (2) | type (2) | value, padded to 4
///
/// The packet is the payload TLV (type 9). When a packet-header TLV (type 1, 4 bytes of value) gives a
/// hardware protocol, it is looked up as an EtherType; otherwise the family says IPv4 (2) or IPv6
/// (10). A TLV shorter than its own header ends the list.
///
/// TLV lengths and types are in the capturing host's byte order; Wireshark's file reader swaps them to
/// the reading host's. Records do not say which order the file had, so the order is taken from the
/// first TLV: little-endian when its length fits the record, else big-endian.
enum NFLOG {
    static let packetHeader: UInt16 = 1
    static let payload: UInt16 = 9

    static func parse(_ bytes: ByteView, end: Int) -> LinkResult {
        guard bytes.has(4) else { return .truncated }
        let family = bytes.u8(0)
        let reported = end
        var bigEndian = false
        if bytes.has(2, at: 4) {
            let little = Int(bytes.u16le(4))
            bigEndian = !(little >= 4 && little <= reported - 4) && Int(bytes.u16be(4)) <= reported - 4
        }
        var offset = 4
        var hardwareProtocol: UInt16 = 0
        var packet: (offset: Int, length: Int)?
        while reported - offset >= 4 {
            guard bytes.has(4, at: offset) else { return .truncated }
            let length = Int(bytes.u16(offset, bigEndian: bigEndian))
            guard length >= 4 else { break }
            let type = bytes.u16(offset + 2, bigEndian: bigEndian) & 0x7FFF
            if type == packetHeader && length == 8 {
                guard bytes.has(2, at: offset + 4) else { return .truncated }
                hardwareProtocol = bytes.u16be(offset + 4)
            }
            if type == payload {
                // tvb_new_subset_length: a value running past the record is an exception.
                guard offset + length <= reported else { return .truncated }
                packet = (offset + 4, length - 4)
            }
            offset += (length + 3) & ~3
        }
        guard let packet else { return .notIP }
        let packetEnd = packet.offset + packet.length
        if hardwareProtocol != 0 { return LinkLayer.walk(.etherType(hardwareProtocol), bytes, at: packet.offset, end: packetEnd) }
        switch family {
        case 2: return .network(.ipv4, offset: packet.offset, end: packetEnd)
        case 10: return .network(.ipv6, offset: packet.offset, end: packetEnd)
        default: return .notIP
        }
    }
}
