import PacketCore

/// Apple's PKTAP (LINKTYPE_PKTAP, packet-pktap.c): a little-endian header of at least 108 bytes
/// (length, record type, DLT, interface name, flags, ... process names), all of it shown; a record of
/// type 1 holds a packet of that DLT after the header.
enum PKTAP {
    static func parse(_ bytes: ByteView, end: Int) -> LinkResult {
        guard bytes.has(4) else { return .truncated }
        let headerLength = Int(bytes.u32le(0))
        guard headerLength >= 108 else { return .notIP }
        guard bytes.has(108) else { return .truncated }
        guard bytes.u32le(4) == 1, headerLength <= end else { return .notIP }
        let linkType = LinkType(bytes.u32le(8))
        guard linkType != .pktap,
              let inner = LinkLayer.parse(bytes.dropFirst(headerLength), reported: end - headerLength, linkType) else { return .notIP }
        return inner.shifted(by: headerLength)
    }
}
