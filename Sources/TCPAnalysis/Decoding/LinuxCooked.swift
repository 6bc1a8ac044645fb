import PacketCore

/// Linux "cooked" captures (`tcpdump -i any`).
///
///     SLL (16 bytes)                          SLL2 (20 bytes)
///     packet type (2) | ARPHRD type (2)       protocol (2) | reserved (2)
///     address length (2) | address (8)       interface index (4)
///     protocol (2)                            ARPHRD (2) | packet type (1) | addr len (1)
///                                             address (8)
enum LinuxCooked {
    static func parseSLL(_ bytes: ByteView, end: Int) -> LinkResult {
        guard bytes.has(16) else { return .truncated }
        return payload(protocol: bytes.u16be(14), hardwareType: bytes.u16be(2), bytes, at: 16, end: end)
    }

    static func parseSLL2(_ bytes: ByteView, end: Int) -> LinkResult {
        guard bytes.has(20) else { return .truncated }
        return payload(protocol: bytes.u16be(0), hardwareType: bytes.u16be(8), bytes, at: 20, end: end)
    }

    /// packet-sll.c, dissect_payload: a protocol up to 1536 is a Linux pseudo-type (2 = 802.3 without
    /// LLC ... 3 Ethernet, 4 802.2 LLC, 7 PPP in HDLC), looked up after the hardware type (802.11 with
    /// radiotap, 803); Netlink (824) is never IP; above 1536 it is an EtherType, except on GRE interfaces (ARPHRD_IPGRE, 778),
    /// where it is GRE's protocol type with the GRE header gone.
    static func payload(protocol type: UInt16, hardwareType: UInt16, _ bytes: ByteView, at offset: Int, end: Int) -> LinkResult {
        // Netlink (ARPHRD_NETLINK): the protocol field is a netlink message type.
        if hardwareType == 824 { return .notIP }
        if type <= 1536 {
            if hardwareType == 803 { return Radiotap.parse(bytes.dropFirst(offset), end: end - offset).shifted(by: offset) }
            switch type {
            case 0x0003: return LinkLayer.walk(.ethernet, bytes, at: offset, end: end)
            case 0x0004: return LinkLayer.walk(.llc, bytes, at: offset, end: end)
            case 0x0007: return LinkLayer.walk(.pppInHDLC, bytes, at: offset, end: end)
            default: return .notIP
            }
        }
        if hardwareType == 778 {
            // No GRE flags: 0x88BE is then ERSPAN type I (dissect_erspan_88BE without GRE data).
            guard let step = GRE.payloadStep(type, sequencePresent: false) else { return .notIP }
            return LinkLayer.walk(step, bytes, at: offset, end: end)
        }
        return LinkLayer.walk(.etherType(type), bytes, at: offset, end: end)
    }
}
