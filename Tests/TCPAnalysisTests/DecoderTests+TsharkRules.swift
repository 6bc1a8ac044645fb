import PacketCore
import TCPAnalysis
import TestSupport
import Testing

extension DecoderTests {
    /// Rules of tshark 4.0.17 the decoder once got wrong (they were known issues) and now follows.
    /// Each test holds the smallest input that shows the rule, checked with tshark as the known issues
    /// were.
    @Suite struct TsharkLinkRules {
        /// LINKTYPE_PPP frames that start with 0x0F or 0x8F are Cisco HDLC to Wireshark
        /// (dissect_ppp_hdlc hands them to chdlc), not a compressed PPP protocol 0x0F.
        @Test("PPP link type carrying Cisco HDLC framing", arguments: [4, 6], [UInt8(0x0F), 0x8F])
        func pppCarryingCiscoHDLC(ipVersion: Int, address: UInt8) {
            let frame = LinkFraming.ciscoHDLC(address: address).frame(Sample.packet(ipVersion: ipVersion))
            var decoder = PacketDecoder()
            let decoded = decoder.decode(frame, .ppp)
            Sample.expectFields(decoded, ipVersion: ipVersion)
        }

        /// Wireshark takes a first byte of 0xFF as the address and skips two bytes whatever the
        /// control byte (not only FF 03).
        @Test("PPP with FF and a control byte other than 03")
        func pppAddressWithOddControl() {
            var decoder = PacketDecoder()
            let decoded = decoder.decode([0xFF, 0x01, 0x00, 0x21] + Sample.packet(ipVersion: 4), .ppp)
            Sample.expectFields(decoded, ipVersion: 4)
        }

        /// SNAP names an EtherType only with OUI 00-00-00 (or Cisco's 00-00-F8); with any other OUI
        /// the PID belongs to that organisation and tshark shows the payload as data.
        @Test("LLC/SNAP with an organisation's OUI is not an EtherType", arguments: [[UInt8(0x00), 0x00, 0x0C], [0x00, 0x20, 0x00], [0x00, 0x80, 0xC2]])
        func snapOtherOUI(oui: [UInt8]) {
            var decoder = PacketDecoder()
            let frame = LinkHeader.ethernet8023([0xAA, 0xAA, 0x03] + oui + [0x08, 0x00] + Sample.packet(ipVersion: 4))
            let decoded = decoder.decode(frame, .ethernet)
            #expect(decoded == nil)
            #expect(decoder.weirds.asDictionary == [:])
            // Cisco's OUI does carry EtherTypes (and is decoded).
            let cisco = LinkHeader.ethernet8023([0xAA, 0xAA, 0x03, 0x00, 0x00, 0xF8, 0x08, 0x00] + Sample.packet(ipVersion: 4))
            Sample.expectFields(decoder.decode(cisco, .ethernet), ipVersion: 4)
        }

        /// An 802.3 length field shorter than the frame ends the frame there for Wireshark (the rest is
        /// a trailer), so the IP packet, and tcp.len, are cut to it.
        @Test("an 802.3 length shorter than the frame bounds the packet")
        func ieee8023LengthBoundsThePacket() {
            var frame = LinkHeader.ethernet8023(LinkHeader.llcSNAP(Sample.packet(ipVersion: 4), etherType: 0x0800))
            frame[13] -= 4  // the length field now leaves the last 4 payload bytes outside the frame
            var decoder = PacketDecoder()
            let decoded = decoder.decode(frame, .ethernet)
            #expect(decoded != nil)
            #expect(decoded?.segment.payloadLength == Sample.payload.count - 4)
        }

        /// tshark 4.0.17 treats 0x8100, 0x88A8 and 0x9100 as tags, but not 0x9200: that frame is data.
        @Test("TPID 0x9200 is not a VLAN tag to tshark")
        func tpid9200() {
            var decoder = PacketDecoder()
            let decoded = decoder.decode(LinkFraming.ethernet(tags: [VLANTag(tpid: 0x9200)]).frame(Sample.packet(ipVersion: 4)), .ethernet)
            #expect(decoded == nil)
        }

        /// Wireshark's NULL/LOOP dissector knows AF_INET6 as 24, 28 and 30 (the BSDs); Linux's 10 is
        /// not in its table, so the frame is data.
        @Test("NULL and LOOP with address family 10", arguments: [
            LinkFraming.null(bigEndian: false, ipv6Family: 10), .null(bigEndian: true, ipv6Family: 10), .loop(ipv6Family: 10),
        ])
        func loopbackFamily10(framing: LinkFraming) {
            var decoder = PacketDecoder()
            let decoded = decoder.decode(framing.frame(Sample.packet(ipVersion: 6)), framing.linkType(ipVersion: 6))
            #expect(decoded == nil)
        }

        /// dissect_ip_v4 hands a packet whose version is 6 to IPv6 (a Linux cooked capture labelled
        /// IPv4 holding IPv6 was the reason); the IPv6 dissector takes nothing but version 6.
        @Test("EtherType IPv4 carrying IPv6 is decoded; EtherType IPv6 carrying IPv4 is not")
        func etherTypeVersionMismatch() {
            var decoder = PacketDecoder()
            Sample.expectFields(decoder.decode(LinkHeader.ethernet(Sample.packet(ipVersion: 6), etherType: LinkHeader.etherTypeIPv4), .ethernet),
                                ipVersion: 6)
            #expect(decoder.decode(LinkHeader.ethernet(Sample.packet(ipVersion: 4), etherType: LinkHeader.etherTypeIPv6), .ethernet) == nil)
            #expect(decoder.weirds.asDictionary == [.badIPVersion: 1])
        }
    }
}
