import PacketCore

/// FDDI (LINKTYPE_FDDI): frame control (1), destination (6), source (6), then LLC for the
/// asynchronous LLC frame controls 0x50-0x5F (packet-fddi.c; the 3-byte padding preference is off
/// by default). Bit-swapped addresses do not matter here.
enum FDDI {
    static func parse(_ bytes: ByteView, end: Int) -> LinkResult {
        guard bytes.has(13) else { return .truncated }
        guard bytes.u8(0) & 0xF0 == 0x50 else { return .notIP }
        return LinkLayer.walk(.llc, bytes, at: 13, end: end)
    }
}
