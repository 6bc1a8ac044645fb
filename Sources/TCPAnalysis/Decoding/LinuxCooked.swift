import PacketCore

/// Linux "cooked" captures (`tcpdump -i any`).
///
///     SLL (16 bytes)                          SLL2 (20 bytes)
///     packet type (2) | ARPHRD type (2)       protocol (2) | reserved (2)
///     address length (2) | address (8)       interface index (4)
///     protocol (2)                            ARPHRD (2) | packet type (1) | addr len (1)
///                                             address (8)
enum LinuxCooked {
    static func parseSLL(_ bytes: ByteView) -> LinkResult {
        guard bytes.has(16) else { return .truncated }
        return dispatch(bytes.u16be(14), bytes, at: 16)
    }

    static func parseSLL2(_ bytes: ByteView) -> LinkResult {
        guard bytes.has(20) else { return .truncated }
        return dispatch(bytes.u16be(0), bytes, at: 20)
    }

    /// The protocol field is an EtherType, except for a few Linux pseudo-types below 1536
    /// (0x0004 is 802.2 LLC).
    static func dispatch(_ type: UInt16, _ bytes: ByteView, at offset: Int) -> LinkResult {
        if type == 0x0004 { return LLC.parse(bytes, at: offset) }
        return EtherType.dispatch(type, bytes, at: offset)
    }
}
