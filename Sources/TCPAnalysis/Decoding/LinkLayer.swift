import PacketCore

/// The network-layer protocols the link layers hand on.
public enum NetworkProtocol: Sendable {
    /// What Wireshark's IPv4 dissectors take: an IPv4 header, or an IPv6 one when the version nibble
    /// says 6 (dissect_ip and dissect_ip_v4 both hand a version-6 packet to IPv6).
    case ipv4
    /// IPv6 only: any other version is bogus (dissect_ipv6).
    case ipv6
    /// Raw IP: the version nibble says which (the same as `ipv4`).
    case ipByVersion
}

/// What the link-layer walk found: where the network layer starts and where its reported bytes end
/// (a length field, a trailer or an FCS may end them before the frame does), nothing to decode, or
/// a header cut short.
enum LinkResult {
    case network(NetworkProtocol, offset: Int, end: Int)
    case notIP
    case truncated
}

extension LinkResult {
    /// The same result with offsets counted from `shift` bytes earlier (for a parser that was handed
    /// a view starting there).
    func shifted(by shift: Int) -> LinkResult {
        switch self {
        case .network(let kind, let offset, let end): return .network(kind, offset: offset + shift, end: end + shift)
        case .notIP, .truncated: return self
        }
    }
}

/// The next header to read, named as Wireshark's dissector tables name it. Link types, tunnels and
/// encapsulations all hand on through these, so an Ethernet frame inside VXLAN is read by the same
/// code as one on the wire.
enum LinkStep {
    /// Ethernet II or 802.3, without an FCS (eth_withoutfcs).
    case ethernet
    /// Wireshark's "ethertype" table.
    case etherType(UInt16)
    /// IEEE 802.2 LLC (and SNAP).
    case llc
    /// PPP's protocol field (ppp.protocol).
    case ppp
    /// PPP that may be Cisco HDLC, with optional FF 03 in front (dissect_ppp_hdlc).
    case pppInHDLC
    /// Cisco HDLC: address, control, protocol (chdlc.protocol).
    case ciscoHDLC
    /// An MPLS label stack.
    case mpls
    /// A PPPoE session header.
    case pppoeSession
    /// An ERSPAN type II or III header, then Ethernet.
    case erspan
    /// The network layer itself.
    case network(NetworkProtocol)
}

/// One header's verdict: read `step` at `offset` next, or stop with a result.
enum LinkNext {
    case next(LinkStep, offset: Int)
    case done(LinkResult)
}

enum LinkLayer {
    /// Dispatches on the record's link type; nil for a link type the decoder does not read.
    /// `reported` is the frame's length on the wire.
    static func parse(_ bytes: ByteView, reported: Int, _ linkType: LinkType) -> LinkResult? {
        switch linkType.rawValue {
        case LinkType.ethernet.rawValue: return walk(.ethernet, bytes, at: 0, end: reported)
        case LinkType.linuxSLL.rawValue: return LinuxCooked.parseSLL(bytes, end: reported)
        case LinkType.linuxSLL2.rawValue: return LinuxCooked.parseSLL2(bytes, end: reported)
        case LinkType.null.rawValue: return Loopback.parseNull(bytes, end: reported)
        case LinkType.loop.rawValue: return Loopback.parseLoop(bytes, end: reported)
        case LinkType.raw.rawValue, LinkType.rawDLT12.rawValue, LinkType.rawDLT14.rawValue:
            return .network(.ipByVersion, offset: 0, end: reported)
        case LinkType.ipv4.rawValue: return .network(.ipv4, offset: 0, end: reported)
        case LinkType.ipv6.rawValue: return .network(.ipv6, offset: 0, end: reported)
        case LinkType.ppp.rawValue, LinkType.pppHDLC.rawValue: return walk(.pppInHDLC, bytes, at: 0, end: reported)
        case LinkType.pppoe.rawValue: return walk(.pppoeSession, bytes, at: 0, end: reported)
        case LinkType.ciscoHDLC.rawValue: return walk(.ciscoHDLC, bytes, at: 0, end: reported)
        case LinkType.fddi.rawValue: return FDDI.parse(bytes, end: reported)
        case LinkType.arcnetLinux.rawValue: return ARCnet.parse(bytes, end: reported, linux: true)
        case LinkType.arcnetBSD.rawValue: return ARCnet.parse(bytes, end: reported, linux: false)
        case LinkType.ieee80211.rawValue: return IEEE80211.parse(bytes, end: reported, radio: IEEE80211.RadioInfo())
        case LinkType.radiotap.rawValue: return Radiotap.parse(bytes, end: reported)
        case LinkType.ppi.rawValue: return PPI.parse(bytes, end: reported)
        case LinkType.juniperEther.rawValue, LinkType.juniperPPPoE.rawValue: return Juniper.parseEther(bytes, end: reported)
        case LinkType.juniperPPP.rawValue: return Juniper.parse(bytes, end: reported, layer2: .ppp, layer2Offset: 2)
        case LinkType.juniperCiscoHDLC.rawValue: return Juniper.parse(bytes, end: reported, layer2: .ciscoHDLC, layer2Offset: 0)
        case LinkType.ciscoHDLCNetBSD.rawValue: return walk(.ciscoHDLC, bytes, at: 0, end: reported)
        case LinkType.pppWithDirection.rawValue:
            // The direction byte is a pseudo-header Wireshark's reader strips; then PPP in HDLC framing.
            guard bytes.has(1) else { return .truncated }
            return walk(.pppInHDLC, bytes, at: 1, end: reported)
        case LinkType.linuxATMClip.rawValue: return .network(.ipv4, offset: 0, end: reported)
        case LinkType.pflog.rawValue: return PFLOG.parse(bytes, end: reported)
        case LinkType.enc.rawValue: return IPsecEnc.parse(bytes, end: reported)
        case LinkType.ipnet.rawValue: return IPNET.parse(bytes, end: reported)
        case LinkType.pktap.rawValue: return PKTAP.parse(bytes, end: reported)
        case LinkType.prism.rawValue: return Prism.parsePrism(bytes, end: reported)
        case LinkType.avs.rawValue: return Prism.parseAVS(bytes, end: reported)
        case LinkType.ipOverInfiniBand.rawValue: return IPoIB.parse(bytes, end: reported)
        case LinkType.nflog.rawValue: return NFLOG.parse(bytes, end: reported)
        default: return nil  // a link type we do not decode
        }
    }

    /// Reads headers from `start` on, one step after another, until the network layer (or a reason to
    /// stop). Reads are bounded by `end`, the reported end: bytes past it belong to a trailer.
    static func walk(_ first: LinkStep, _ bytes: ByteView, at start: Int, end reported: Int) -> LinkResult {
        var step = first
        var offset = start
        var end = reported
        var view = bytes.prefix(end)
        // Every step reads at least one byte or stops, so a bound on the steps only guards against
        // pathological stacks (Wireshark's own limit on nested layers is similar).
        for _ in 0..<64 {
            guard offset <= end else { return .truncated }
            let previousEnd = end
            let next: LinkNext
            switch step {
            case .network(let kind): return .network(kind, offset: offset, end: end)
            case .ethernet: next = Ethernet.parse(view, at: offset, end: &end)
            case .etherType(let type): next = EtherType.parse(type, view, at: offset, end: &end)
            case .llc: next = LLC.parse(view, at: offset, end: &end)
            case .ppp: next = PPP.parse(view, at: offset)
            case .pppInHDLC: next = PPP.parseHDLC(view, at: offset)
            case .ciscoHDLC: next = CiscoHDLC.parse(view, at: offset)
            case .mpls: next = MPLS.parse(view, at: offset, end: end)
            case .pppoeSession: next = PPPoE.parse(view, at: offset, end: &end)
            case .erspan: next = ERSPAN.parse(view, at: offset)
            }
            if end != previousEnd { view = bytes.prefix(end) }
            switch next {
            case .done(let result): return result
            case .next(let following, let at):
                step = following
                offset = at
            }
        }
        return .notIP
    }
}

/// The "ethertype" table: what an EtherType names when it follows Ethernet, a VLAN tag, SNAP, Linux
/// cooked headers, Geneve or NFLOG.
enum EtherType {
    static let ipv4: UInt16 = 0x0800
    static let ipv6: UInt16 = 0x86DD
    static let vlan: UInt16 = 0x8100        // 802.1Q (packet-vlan.c)
    static let qinqOld: UInt16 = 0x9100     // pre-standard QinQ: vlan.qinq_ethertype's default
    static let ieee8021ad: UInt16 = 0x88A8  // 802.1ad S-tag (packet-ieee8021ah.c)
    static let ieee8021ah: UInt16 = 0x88E7  // 802.1ah backbone I-tag: customer MACs, then an EtherType
    static let mplsUnicast: UInt16 = 0x8847
    static let mplsMulticast: UInt16 = 0x8848
    static let pppoeSession: UInt16 = 0x8864
    static let transparentEthernet: UInt16 = 0x6558  // RFC 1701 bridging: a whole Ethernet frame
    static let fabricPath: UInt16 = 0x8903  // Cisco FabricPath (DCE)

    static func parse(_ type: UInt16, _ bytes: ByteView, at offset: Int, end: inout Int) -> LinkNext {
        switch type {
        case ipv4: return .next(.network(.ipv4), offset: offset)
        case ipv6: return .next(.network(.ipv6), offset: offset)
        case vlan, qinqOld:
            // dissect_vlan: TCI, then an EtherType, or an 802.3 length and LLC.
            guard bytes.has(4, at: offset) else { return .done(.truncated) }
            let inner = bytes.u16be(offset + 2)
            if inner <= 1500 { return Ethernet.ieee8023(length: inner, bytes, at: offset + 4, end: &end) }
            return .next(.etherType(inner), offset: offset + 4)
        case ieee8021ad:
            // dissect_ieee8021ad: TCI, then the "ethertype" table (no 802.3 length here).
            guard bytes.has(4, at: offset) else { return .done(.truncated) }
            return .next(.etherType(bytes.u16be(offset + 2)), offset: offset + 4)
        case ieee8021ah:
            // I-TAG (4), customer destination and source (12), EtherType (2).
            guard bytes.has(18, at: offset) else { return .done(.truncated) }
            return .next(.etherType(bytes.u16be(offset + 16)), offset: offset + 18)
        case mplsUnicast, mplsMulticast: return .next(.mpls, offset: offset)
        case pppoeSession: return .next(.pppoeSession, offset: offset)
        case transparentEthernet: return .next(.ethernet, offset: offset)
        default: return .done(.notIP)
        }
    }
}
