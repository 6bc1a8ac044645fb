import PacketCore
import TCPAnalysis
import TestSupport
import Testing

extension DecoderTests {
    /// Rules of tshark 4.0.17 for IP, fragments and TCP options that the decoder once got wrong (they
    /// were known issues, checked by writing the bytes to a pcap and reading it with
    /// `tshark -T fields -e tcp.stream -e tcp.flags.reset -e tcp.len`) and now follows.
    @Suite struct TsharkIPRules {
        // MARK: IP

        /// Wireshark dissects the security option (130) as RFC 1108's variable-length option: it
        /// needs 3 bytes, not RFC 791's 11, and a longer one only earns "extraneous data".
        @Test("IPv4 security options of 3 to 10 bytes are fine", arguments: [3, 4, 10])
        func securityOptionLengths(length: Int) {
            let option = IPv4Option.raw(type: 130, data: [UInt8](repeating: 0, count: length - 2))
            var decoder = PacketDecoder()
            let decoded = decoder.decode(LinkFraming.ethernet().frame(IPv4Builder(ttl: 57, identification: 0xBEEF, options: option).packet(Sample.tcp.bytes)), .ethernet)
            Sample.expectFields(decoded, ipVersion: 4)
            #expect(decoder.weirds.asDictionary == [:])
        }

        /// Options tshark 4.0.17 rejects as too short for what its dissectors read: traceroute
        /// (82, 12 bytes) and extended security (133, at least 3).
        @Test("IPv4 options tshark rejects as too short", arguments: [
            OptionCase("traceroute of length 4", IPv4Option.raw(type: 82, data: [0, 0])),
            OptionCase("extended security of length 2", IPv4Option.raw(type: 133)),
        ])
        func unknownShortOptions(input: OptionCase) {
            var decoder = PacketDecoder()
            let decoded = decoder.decode(LinkFraming.ethernet().frame(IPv4Builder(options: input.options).packet(Sample.tcp.bytes)), .ethernet)
            #expect(decoded == nil)
            #expect(decoder.weirds.asDictionary == [.ipv4OptionBadLength: 1])
        }

        /// With ipv6.tso_support off (the default), Wireshark takes a payload length of 0 literally
        /// unless a Jumbo Payload option gives the length: no TCP bytes, no segment.
        @Test("IPv6 payload length 0 without a Jumbo Payload option", arguments: [[IPv6Extension](), [.hopByHop()]])
        func ipv6ZeroPayloadLength(extensions: [IPv6Extension]) {
            var decoder = PacketDecoder()
            let frame = LinkFraming.ethernet().frame(IPv6Builder(extensionHeaders: extensions, payloadLength: 0).packet(Sample.tcp.bytes))
            let decoded = decoder.decode(frame, .ethernet)
            #expect(decoded == nil)
        }

        /// Wireshark does not hand on past a Mobility (135) or HIP (139) header: they are upper-layer
        /// protocols to it, so a TCP header after one is not dissected.
        @Test("IPv6 Mobility and HIP headers end the chain", arguments: [UInt8(135), 139])
        func mobilityAndHIP(protocolNumber: UInt8) {
            var ip = IPv6Builder(nextHeader: protocolNumber).packet([6, 0, 0, 0, 0, 0, 0, 0] + Sample.tcp.bytes)
            ip[5] = UInt8(8 + Sample.tcp.bytes.count)
            var decoder = PacketDecoder()
            let decoded = decoder.decode(ip, .raw)
            #expect(decoded == nil)
        }

        // MARK: Fragments

        /// The fragmentable part of an IPv6 datagram may begin with extension headers (destination
        /// options for the final destination, RFC 8200 4.5). tshark reassembles, dissects them and
        /// then TCP.
        @Test("IPv6 reassembled payload that begins with destination options")
        func ipv6FragmentableExtensionHeaders() {
            let datagram = Fragments.datagram
            let fragmentable = IPv6Extension.destinationOptions().bytes(nextHeader: 6) + datagram
            var ip = IPv6Builder()
            ip.nextHeader = 60  // the fragment header names the destination options
            var decoder = PacketDecoder()
            let first = decoder.decode(LinkFraming.ethernet().frame(ip.fragment(of: fragmentable, 0..<48, identification: 3)), .ethernet)
            let second = decoder.decode(LinkFraming.ethernet().frame(ip.fragment(of: fragmentable, 48..<fragmentable.count, identification: 3)), .ethernet)
            #expect(first == nil)
            #expect(decoder.reassembler.pendingCount == 0)
            Fragments.expectWholeDatagram(second)
        }

        /// Unlike IPv4, Wireshark's IPv6 shows a fragment it could not reassemble as data, even the
        /// first one: a first fragment cut by the snaplen is not TCP.
        @Test("an IPv6 first fragment not captured whole is not TCP")
        func ipv6FirstFragmentCut() {
            let head = Fragments.v6(0..<48)
            var decoder = PacketDecoder()
            let decoded = decoder.decode(Array(head.prefix(14 + 48 + 30)), .ethernet, wireLength: head.count)
            #expect(decoded == nil)
        }

        /// Wireshark reassembles a fragment only when its payload, as the total length gives it, was
        /// captured (tvb_bytes_exist(ip_len - hlen)). A total length 1 byte past the frame fails that
        /// test: the first fragment is dissected as TCP there and then, not held for reassembly.
        @Test("an IPv4 first fragment whose total length runs past the frame")
        func ipv4FragmentLongerThanFrame() {
            let piece = Array(Fragments.datagram[0..<40])
            let frame = LinkFraming.ethernet().frame(IPv4Builder(moreFragments: true, totalLength: UInt16(20 + 40 + 1)).packet(piece))
            var decoder = PacketDecoder()
            let decoded = decoder.decode(frame, .ethernet)
            #expect(decoded?.segment.sequence == 0xC0FF_EE00)
            #expect(decoder.reassembler.pendingCount == 0)
        }

        /// When two last fragments disagree on the datagram's length, Wireshark keeps the first one's
        /// (the second is flagged as "multiple tails"), so a second, shorter tail does not complete a
        /// datagram: tshark waits for the real middle.
        @Test("conflicting last fragments: the first one sets the length")
        func conflictingLastFragments() {
            let datagram = Fragments.datagram
            let secondTail = LinkFraming.ethernet().frame(Fragments.ipv4.fragment(Array(datagram[40..<48]), offset: 40, more: false))
            let frames = [Fragments.v4(0..<40), Fragments.v4(64..<84), secondTail, Fragments.v4(48..<64)]
            var decoder = PacketDecoder()
            let result = Fragments.run(frames, &decoder)
            #expect(result.segmentsAt == [3])
            Fragments.expectWholeDatagram(result.last)
        }

        // MARK: TCP

        /// Cut by the snaplen in the middle of an option, the options are well formed but not all
        /// captured; tshark 4.0.17 reads what is there and reports no bad option length.
        @Test("a snaplen cut inside an option is not a malformed option")
        func cutInsideAnOption() throws {
            let tcp = TCPBuilder(flags: TCPBuilder.syn, options: TCPOption.windowScale(7) + TCPOption.nop + TCPOption.mss(1460))
            let frame = LinkFraming.ethernet().frame(Sample.packet(ipVersion: 4, tcp))
            var decoder = PacketDecoder()
            let decoded = try decoder.requireSegment(Array(frame.prefix(14 + 20 + 26)), .ethernet, wireLength: frame.count)  // MSS half there
            #expect(decoded.segment.headerTruncated)
            #expect(decoded.segment.options.windowScale == 7)
            #expect(decoded.segment.options.mss == nil)
            #expect(!decoded.segment.options.malformed)
            #expect(decoder.weirds.asDictionary == [:])
        }
    }
}
