@testable import PacketCapture
import PacketCore
import Testing

/// Our table of link-type names stands in for libpcap's (not loaded to name a capture's link type):
/// it must say what the installed libpcap says, for every link type we decode.
@Test func linkTypeNamesAreLibpcaps() {
    let decoded: [LinkType] = [
        .null, .ethernet, .arcnetBSD, .ppp, .fddi, .rawDLT12, .rawDLT14, .pppHDLC, .pppoe, .raw, .ciscoHDLC, .ieee80211,
        .linuxATMClip, .enc, .ciscoHDLCNetBSD, .pflog, .prism, .loop, .linuxSLL, .radiotap, .arcnetLinux, .avs,
        .juniperPPPoE, .juniperEther, .juniperPPP, .juniperCiscoHDLC, .ppi, .pppWithDirection, .ipnet, .ipv4, .ipv6,
        .nflog, .ipOverInfiniBand, .pktap, .linuxSLL2, LinkType(100),
    ]
    for type in decoded { #expect(LinkTypeNames.lookup(type.dlt) != nil, "link type \(type.rawValue) is not in the table") }
    let listed = (Int32(0)...300).filter { LinkTypeNames.lookup($0) != nil }
    #expect(listed.count == 35)
    for dlt in listed {
        let ours = LinkTypeNames.lookup(dlt)!
        let libpcap = LinkType.askLibpcap(dlt)
        #expect(ours.name == (libpcap.name ?? ""), "DLT \(dlt)")
        #expect(ours.description == (libpcap.description ?? ""), "DLT \(dlt)")
    }
    // A type we do not list is still named, by libpcap.
    #expect(LinkType(220).libpcapName == "USB_LINUX_MMAPPED")
    #expect(LinkType(147).libpcapName == "LINKTYPE_147")
}
