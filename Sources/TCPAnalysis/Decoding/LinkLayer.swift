import PacketCore

/// The network-layer protocols the link layers hand on.
public enum NetworkProtocol: Sendable {
    case ipv4
    case ipv6
    /// Raw IP: the version nibble says which.
    case ipByVersion
}

/// What a link-layer parser found: where the network layer starts, nothing to decode, or a header
/// cut short.
enum LinkResult {
    /// `trailer` bytes at the end of the frame are not part of the network layer (an FCS).
    case network(NetworkProtocol, offset: Int, trailer: Int = 0)
    case notIP
    case truncated
}

enum LinkLayer {
    /// Dispatches on the record's link type.
    static func parse(_ bytes: ByteView, _ linkType: LinkType) -> LinkResult? {
        switch linkType.rawValue {
        case LinkType.ethernet.rawValue: return Ethernet.parse(bytes)
        case LinkType.linuxSLL.rawValue: return LinuxCooked.parseSLL(bytes)
        case LinkType.linuxSLL2.rawValue: return LinuxCooked.parseSLL2(bytes)
        case LinkType.null.rawValue: return Loopback.parse(bytes, networkOrder: false)
        case LinkType.loop.rawValue: return Loopback.parse(bytes, networkOrder: true)
        case LinkType.raw.rawValue, LinkType.rawDLT12.rawValue, LinkType.rawDLT14.rawValue:
            return .network(.ipByVersion, offset: 0)
        case LinkType.ipv4.rawValue: return .network(.ipv4, offset: 0)
        case LinkType.ipv6.rawValue: return .network(.ipv6, offset: 0)
        case LinkType.ppp.rawValue, LinkType.pppHDLC.rawValue: return PPP.parse(bytes)
        case LinkType.ciscoHDLC.rawValue: return CiscoHDLC.parse(bytes)
        default: return nil  // a link type we do not decode (yet)
        }
    }
}

/// EtherType dispatch, shared by every link layer that names its payload with an EtherType.
enum EtherType {
    static let ipv4: UInt16 = 0x0800
    static let ipv6: UInt16 = 0x86DD
    static let vlan: UInt16 = 0x8100       // 802.1Q
    static let qinq: UInt16 = 0x88A8       // 802.1ad
    static let qinqOld: UInt16 = 0x9100    // pre-standard QinQ
    static let qinqOld2: UInt16 = 0x9200
    static let fabricPath: UInt16 = 0x8903  // Cisco FabricPath (DCE): a 2-byte tag, then a whole Ethernet frame

    /// Follows `type` at `offset`: IP, or a stack of VLAN tags (each 4 bytes: TCI, then the next type).
    static func dispatch(_ type: UInt16, _ bytes: ByteView, at start: Int) -> LinkResult {
        var type = type
        var offset = start
        var trailer = 0
        while true {
            switch type {
            case ipv4: return .network(.ipv4, offset: offset, trailer: trailer)
            case ipv6: return .network(.ipv6, offset: offset, trailer: trailer)
            case vlan, qinq, qinqOld, qinqOld2:
                guard bytes.has(4, at: offset) else { return .truncated }
                type = bytes.u16be(offset + 2)
                offset += 4
                // An 802.1Q tag may be followed by an 802.3 length and LLC, as on untagged frames.
                if type <= 1500 { return LLC.parse(bytes, at: offset) }
            case fabricPath:
                // Wireshark's enabled-by-default FabricPath heuristic on Ethernet.
                guard bytes.has(16, at: offset + 2) else { return .truncated }
                type = bytes.u16be(offset + 14)
                offset += 16
                trailer = 4  // the encapsulated frame keeps its FCS, which Wireshark strips
                if type <= 1500 { return LLC.parse(bytes, at: offset) }
            default:
                return .notIP
            }
        }
    }
}

/// IEEE 802.2 LLC, with a SNAP header carrying an EtherType (DSAP/SSAP 0xAA, UI control).
enum LLC {
    static func parse(_ bytes: ByteView, at offset: Int) -> LinkResult {
        guard bytes.has(3, at: offset) else { return .truncated }
        let dsap = bytes.u8(offset), ssap = bytes.u8(offset + 1), control = bytes.u8(offset + 2)
        if dsap == 0xAA && ssap == 0xAA && control == 0x03 {
            guard bytes.has(8, at: offset) else { return .truncated }
            return EtherType.dispatch(bytes.u16be(offset + 6), bytes, at: offset + 8)
        }
        // SAP 0x06 is IP straight in LLC (RFC 948), rare but defined.
        if dsap == 0x06 && ssap == 0x06 && control == 0x03 { return .network(.ipv4, offset: offset + 3) }
        return .notIP
    }
}
