import PacketCore

/// libpcap's names for the link types we decode (`pcap_datalink_val_to_name` and
/// `_description` of libpcap 1.10, by DLT), so that naming a capture's link type does not load
/// libpcap (loaded on first use: see CPcap) and does not change with the installed version.
/// A test holds the table to the installed libpcap's answers.
enum LinkTypeNames {
    /// `dlt`'s name and description; empty where libpcap has none; nil for a type not listed.
    static func lookup(_ dlt: Int32) -> (name: String, description: String)? {
        switch dlt {
        case 0: ("NULL", "BSD loopback")
        case 1: ("EN10MB", "Ethernet")
        case 7: ("ARCNET", "BSD ARCNET")
        case 9: ("PPP", "PPP")
        case 10: ("FDDI", "FDDI")
        case 11: ("ATM_RFC1483", "RFC 1483 LLC-encapsulated ATM")
        case 12: ("RAW", "Raw IP")
        case 50: ("PPP_SERIAL", "PPP over serial")
        case 51: ("PPP_ETHER", "PPPoE")
        case 104: ("C_HDLC", "Cisco HDLC")
        case 105: ("IEEE802_11", "802.11")
        case 108: ("LOOP", "OpenBSD loopback")
        case 109: ("ENC", "OpenBSD encapsulated IP")
        case 113: ("LINUX_SLL", "Linux cooked v1")
        case 117: ("PFLOG", "OpenBSD pflog file")
        case 119: ("PRISM_HEADER", "802.11 plus Prism header")
        case 127: ("IEEE802_11_RADIO", "802.11 plus radiotap header")
        case 129: ("ARCNET_LINUX", "Linux ARCNET")
        case 163: ("IEEE802_11_RADIO_AVS", "802.11 plus AVS radio information header")
        case 167: ("JUNIPER_PPPOE", "Juniper PPPoE")
        case 178: ("JUNIPER_ETHER", "Juniper Ethernet")
        case 179: ("JUNIPER_PPP", "Juniper PPP")
        case 181: ("JUNIPER_CHDLC", "Juniper C-HDLC")
        case 192: ("PPI", "Per-Packet Information")
        case 226: ("IPNET", "Solaris ipnet")
        case 228: ("IPV4", "Raw IPv4")
        case 229: ("IPV6", "Raw IPv6")
        case 239: ("NFLOG", "Linux netfilter log messages")
        case 242: ("IPOIB", "RFC 4391 IP-over-Infiniband")
        case 258: ("PKTAP", "Apple DLT_PKTAP")
        case 276: ("LINUX_SLL2", "Linux cooked v2")
        // Decoded, but unnamed in libpcap (OpenBSD's DLT_RAW, ATM CLIP, NetBSD's Cisco HDLC, PPP with direction).
        case 14, 106, 112, 204: ("", "")
        default: nil
        }
    }
}
