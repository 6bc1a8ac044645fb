/// A pcap / pcapng LINKTYPE_ value (tcpdump.org's link-layer header types), as stored in capture files.
public struct LinkType: RawRepresentable, Hashable, Sendable, Comparable {
    public var rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }
    public init(_ rawValue: UInt32) { self.rawValue = rawValue }

    public static func < (a: LinkType, b: LinkType) -> Bool { a.rawValue < b.rawValue }

    public static let null = LinkType(0)            // BSD loopback, AF in host byte order
    public static let ethernet = LinkType(1)
    public static let arcnetBSD = LinkType(7)       // ARCnet (BSD): no offset field
    public static let ppp = LinkType(9)
    public static let fddi = LinkType(10)
    public static let rawDLT12 = LinkType(12)       // DLT_RAW on most systems, seen in old files
    public static let rawDLT14 = LinkType(14)       // DLT_RAW on OpenBSD
    public static let pppHDLC = LinkType(50)        // PPP in HDLC-like framing
    public static let pppoe = LinkType(51)          // PPPoE session header, then PPP (PPP_ETHER)
    public static let raw = LinkType(101)           // LINKTYPE_RAW: IPv4 or IPv6 by version nibble
    public static let ciscoHDLC = LinkType(104)
    public static let ieee80211 = LinkType(105)     // 802.11 frames, no radio header
    public static let linuxATMClip = LinkType(106)  // Linux Classical IP over ATM: IP, no header
    public static let enc = LinkType(109)           // OpenBSD IPsec enc
    public static let ciscoHDLCNetBSD = LinkType(112)
    public static let pflog = LinkType(117)         // OpenBSD pf log
    public static let prism = LinkType(119)         // 802.11 behind a Prism (or AVS) header
    public static let loop = LinkType(108)          // OpenBSD loopback, AF in network byte order
    public static let linuxSLL = LinkType(113)
    public static let radiotap = LinkType(127)      // 802.11 behind a radiotap header
    public static let arcnetLinux = LinkType(129)
    public static let avs = LinkType(163)           // 802.11 behind an AVS header
    public static let juniperPPPoE = LinkType(167)
    public static let juniperEther = LinkType(178)
    public static let juniperPPP = LinkType(179)
    public static let juniperCiscoHDLC = LinkType(181)
    public static let ppi = LinkType(192)           // Per-Packet Information header, then its DLT
    public static let pppWithDirection = LinkType(204)  // a direction byte, then PPP in HDLC framing
    public static let ipnet = LinkType(226)         // Solaris ipnet
    public static let ipv4 = LinkType(228)
    public static let ipv6 = LinkType(229)
    public static let nflog = LinkType(239)         // Linux NFLOG: a TLV list holding the packet
    public static let ipOverInfiniBand = LinkType(242)
    public static let pktap = LinkType(258)         // Apple PKTAP: a header, then a packet of its own DLT
    public static let linuxSLL2 = LinkType(276)

    /// The DLT_ value libpcap uses in memory for this file LINKTYPE_ (they differ for a few types).
    public var dlt: Int32 {
        switch rawValue {
        case 100: return 11     // ATM_RFC1483
        case 101: return 12     // RAW
        case 102: return 15     // SLIP_BSDOS
        case 103: return 16     // PPP_BSDOS
        default: return Int32(truncatingIfNeeded: rawValue)
        }
    }
}
