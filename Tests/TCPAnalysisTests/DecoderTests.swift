import PacketCore
import TCPAnalysis
import TestSupport
import Testing

/// PacketDecoder on hand-built bytes: every field it reads, on every link type it reads, and the
/// rules (from tshark 4.0.17) that decide whether a frame counts as a TCP segment at all.
/// Which frames are TCP (and which carry RST, and their tcp.len) was checked by writing the same bytes
/// to pcaps and reading them with tshark 4.0.17; where the decoder disagrees, the test is in
/// DecoderTests+KnownIssues.swift. Fragments, truncation and random input have files of their own.
@Suite struct DecoderTests {
    // MARK: Link layers

    @Test("every link type carries IPv4 and IPv6", arguments: LinkFraming.all, [4, 6])
    func everyLinkType(framing: LinkFraming, version: Int) {
        var decoder = PacketDecoder()
        let bytes = framing.frame(Sample.packet(ipVersion: version))
        let decoded = decoder.decode(bytes, framing.linkType(ipVersion: version))
        Sample.expectFields(decoded, ipVersion: version)
        #expect(decoder.weirds.asDictionary == [:])
    }

    @Test("record metadata is copied into the segment")
    func recordMetadata() {
        var decoder = PacketDecoder()
        let segment = Sample.packet(ipVersion: 4).withRecord(.raw, frame: 42, timestamp: 1_700_000_000_123_456_789, interface: 3) {
            decoder.decode($0)
        }
        #expect(segment?.frame == 42)
        #expect(segment?.timestamp == 1_700_000_000_123_456_789)
        #expect(segment?.interface == 3)
    }

    /// The AF_INET6 values of the BSDs (NetBSD/OpenBSD, FreeBSD, macOS), in both byte orders for
    /// NULL. (Linux's 10 is not one tshark takes: see TsharkLinkRules.)
    @Test("NULL and LOOP IPv6 address families",
          arguments: [UInt32(24), 28, 30].flatMap { family in
              [LinkFraming.null(bigEndian: false, ipv6Family: family), .null(bigEndian: true, ipv6Family: family),
               .loop(ipv6Family: family)]
          })
    func loopbackFamilies(framing: LinkFraming) {
        var decoder = PacketDecoder()
        let decoded = decoder.decode(framing.frame(Sample.packet(ipVersion: 6)), framing.linkType(ipVersion: 6))
        Sample.expectFields(decoded, ipVersion: 6)
    }

    @Test("VLAN stacks of 1, 2 and 3 tags", arguments: [
        [0x8100], [0x88A8], [0x9100],
        [0x88A8, 0x8100], [0x9100, 0x8100], [0x8100, 0x8100],
        [0x88A8, 0x8100, 0x8100], [0x9100, 0x88A8, 0x8100], [0x88A8, 0x88A8, 0x88A8],
    ] as [[UInt16]], [4, 6])
    func vlanStacks(tpids: [UInt16], version: Int) {
        let tags = tpids.enumerated().map { VLANTag(tpid: $0.element, vlan: UInt16(10 + $0.offset), priority: 5) }
        var decoder = PacketDecoder()
        let decoded = decoder.decode(LinkFraming.ethernet(tags: tags).frame(Sample.packet(ipVersion: version)), .ethernet)
        Sample.expectFields(decoded, ipVersion: version)
    }

    /// A tag may be followed by an 802.3 length and LLC/SNAP, as on an untagged frame.
    @Test("802.3 + LLC/SNAP, untagged and behind VLAN tags", arguments: [0, 1, 2], [4, 6])
    func llcSnap(tagCount: Int, version: Int) {
        let tags = (0..<tagCount).map { VLANTag(tpid: $0 == 0 && tagCount > 1 ? 0x88A8 : 0x8100, vlan: 7) }
        var decoder = PacketDecoder()
        let decoded = decoder.decode(LinkFraming.ethernetLLCSNAP(tags: tags).frame(Sample.packet(ipVersion: version)), .ethernet)
        Sample.expectFields(decoded, ipVersion: version)
    }

    @Test("IPv4 straight in LLC (SAP 0x06, RFC 948)")
    func llcSap6() {
        var decoder = PacketDecoder()
        let frame = LinkHeader.ethernet8023(LinkHeader.llc(Sample.packet(ipVersion: 4), dsap: 0x06, ssap: 0x06))
        Sample.expectFields(decoder.decode(frame, .ethernet), ipVersion: 4)
    }

    /// Frames that are well formed but carry no IP: nothing decoded and nothing counted as a weird
    /// (they are not anomalies).
    @Test("non-IP frames are skipped quietly", arguments: [
        Case("ARP on Ethernet", LinkHeader.ethernet(Sample.arp, etherType: 0x0806), .ethernet),
        Case("ARP behind a VLAN tag", LinkHeader.ethernet(Sample.arp, etherType: 0x0806, tags: [VLANTag()]), .ethernet),
        Case("STP in LLC", LinkHeader.ethernet8023(LinkHeader.llc([0, 0, 0, 0], dsap: 0x42, ssap: 0x42)), .ethernet),
        Case("ARP in SNAP", LinkHeader.ethernet8023(LinkHeader.llcSNAP(Sample.arp, etherType: 0x0806)), .ethernet),
        Case("SLL ARP", LinkHeader.linuxSLL(Sample.arp, protocolType: 0x0806), .linuxSLL),
        Case("SLL2 ARP", LinkHeader.linuxSLL2(Sample.arp, protocolType: 0x0806), .linuxSLL2),
        Case("NULL AF 7", LinkHeader.null(Sample.packet(ipVersion: 4), family: 7, bigEndian: false), .null),
        // LOOP is always network order: a little-endian AF_INET is not AF_INET there.
        Case("LOOP with a little-endian family", LinkHeader.null(Sample.packet(ipVersion: 4), family: 2, bigEndian: false), .loop),
        Case("PPP LCP", LinkHeader.ppp([1, 1, 0, 4], protocolID: 0xC021, addressAndControl: true, compressed: false), .ppp),
        Case("PPP compressed IPCP-like 0x23", LinkHeader.ppp([0, 0, 0, 0], protocolID: 0x23, addressAndControl: false, compressed: true), .ppp),
        Case("Cisco SLARP", LinkHeader.ciscoHDLC([UInt8](repeating: 0, count: 20), etherType: 0x8035, address: 0x8F), .ciscoHDLC),
    ])
    func nonIP(input: Case) {
        var decoder = PacketDecoder()
        #expect(decoder.decode(input.bytes, input.linkType) == nil)
        #expect(decoder.weirds.asDictionary == [:])
        #expect(decoder.unsupportedLinkType == 0)
    }

    @Test("a link type the decoder does not read is counted, not guessed")
    func unsupportedLinkType() {
        var decoder = PacketDecoder()
        #expect(decoder.decode(Sample.packet(ipVersion: 4), LinkType(147)) == nil)  // LINKTYPE_USER0
        #expect(decoder.unsupportedLinkType == 1)
        #expect(decoder.weirds.asDictionary == [:])
    }

    // MARK: TCP header fields

    @Test("every flag bit, alone and together", arguments: [
        TCPBuilder.fin, TCPBuilder.syn, TCPBuilder.rst, TCPBuilder.psh, TCPBuilder.ack, TCPBuilder.urg,
        TCPBuilder.ece, TCPBuilder.cwr, TCPBuilder.ns, 0x0E00, 0x0FFF, TCPBuilder.rst | TCPBuilder.ack, 0,
    ])
    func flags(bits: UInt16) {
        var decoder = PacketDecoder()
        let decoded = decoder.decode(Sample.packet(ipVersion: 4, TCPBuilder(flags: bits)), .raw)
        #expect(decoded?.segment.flags.rawValue == bits)
        #expect(decoded?.segment.isReset == (bits & TCPBuilder.rst != 0))
        #expect(decoded?.segment.flags.contains(.syn) == (bits & TCPBuilder.syn != 0))
    }

    @Test("extreme field values", arguments: [4, 6])
    func extremeValues(version: Int) throws {
        var decoder = PacketDecoder()
        let tcp = TCPBuilder(sourcePort: 0, destinationPort: 65535, sequence: 0xFFFF_FFFF, acknowledgment: 0,
                             flags: TCPBuilder.fin, window: 0xFFFF)
        let ip = version == 4
            ? IPv4Builder(source: [255, 255, 255, 255], destination: [0, 0, 0, 0], ttl: 255, identification: 0xFFFF).packet(tcp.bytes)
            : IPv6Builder(source: [UInt8](repeating: 0xFF, count: 16), destination: [UInt8](repeating: 0, count: 15) + [1],
                          hopLimit: 0).packet(tcp.bytes)
        let segment = try decoder.requireSegment(ip, .raw).segment
        #expect(segment.sourcePort == 0)
        #expect(segment.destinationPort == 65535)
        #expect(segment.sequence == 0xFFFF_FFFF)
        #expect(segment.acknowledgment == 0)
        #expect(segment.window == 0xFFFF)
        #expect(segment.headerLength == 20)
        #expect(segment.payloadLength == 0)
        if version == 4 {
            #expect(segment.source.description == "255.255.255.255")
            #expect(segment.destination.description == "0.0.0.0")
            #expect(segment.ttl == 255)
            #expect(segment.ipID == 0xFFFF)
        } else {
            #expect(segment.source.description == "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff")
            #expect(segment.destination.description == "::1")
            #expect(segment.ttl == 0)
            #expect(segment.ipID == 0)
        }
    }

    // MARK: TCP options

    @Test("SYN options: MSS, window scale, SACK permitted, timestamps")
    func synOptions() throws {
        let tcp = TCPBuilder(flags: TCPBuilder.syn, options: TCPOption.mss(1460) + TCPOption.sackPermitted
                             + TCPOption.timestamps(0xDEAD_BEEF, echo: 0) + TCPOption.nop + TCPOption.windowScale(7))
        var decoder = PacketDecoder()
        let segment = try decoder.requireSegment(Sample.packet(ipVersion: 4, tcp), .raw).segment
        #expect(segment.headerLength == 40)
        #expect(segment.options.mss == 1460)
        #expect(segment.options.sackPermitted)
        #expect(segment.options.timestampValue == 0xDEAD_BEEF)
        #expect(segment.options.timestampEcho == 0)
        #expect(segment.options.windowScale == 7)
        #expect(segment.options.sackBlockCount == 0)
        #expect(!segment.options.malformed)
        #expect(decoder.weirds.asDictionary == [:])
    }

    @Test("no options leaves every option unset")
    func noOptions() throws {
        var decoder = PacketDecoder()
        let segment = try decoder.requireSegment(Sample.packet(ipVersion: 4, TCPBuilder()), .raw).segment
        #expect(segment.options == TCPOptions())
        #expect(segment.options.mss == nil && segment.options.windowScale == nil && segment.options.timestampValue == nil)
    }

    @Test("SACK blocks", arguments: 1...4)
    func sackBlocks(count: Int) throws {
        // Edges near 2^32, so a block may wrap around.
        let blocks = (0..<count).map { i -> (left: UInt32, right: UInt32) in
            let left = UInt32(0xFFFF_0000) &+ UInt32(i * 30_000)
            return (left, left &+ 1448)
        }
        // Four blocks (34 bytes) leave no room for timestamps in the 40-byte option space.
        var options = TCPOption.nop + TCPOption.nop
        if count < 4 { options += TCPOption.timestamps(5, echo: 6) + TCPOption.nop + TCPOption.nop }
        options += TCPOption.sack(blocks)
        var decoder = PacketDecoder()
        let segment = try decoder.requireSegment(Sample.packet(ipVersion: 6, TCPBuilder(options: options)), .raw).segment
        #expect(segment.options.sackBlockCount == UInt8(count))
        for i in 0..<count {
            #expect(segment.options.sackBlock(i)?.left == blocks[i].left)
            #expect(segment.options.sackBlock(i)?.right == blocks[i].right)
        }
        #expect(segment.options.sackBlock(count) == nil)
        #expect(segment.options.timestampValue == (count < 4 ? 5 : nil))
        #expect(!segment.options.malformed)
    }

    /// Unknown kinds (MPTCP, experimental, anything) are stepped over by their length, so the
    /// options after them are still read.
    @Test("unknown options are skipped by their length")
    func unknownOptions() throws {
        let options = TCPOption.raw(kind: 30, data: [0x21, 0x81] + [UInt8](repeating: 9, count: 10))  // MPTCP
            + TCPOption.raw(kind: 254, data: [0xF9, 0x89, 1, 2])                                     // experimental
            + TCPOption.mss(1400)
            + TCPOption.raw(kind: 99)                                                                // empty, length 2
            + TCPOption.windowScale(3)
        var decoder = PacketDecoder()
        let segment = try decoder.requireSegment(Sample.packet(ipVersion: 4, TCPBuilder(options: options)), .raw).segment
        #expect(segment.options.mss == 1400)
        #expect(segment.options.windowScale == 3)
        #expect(!segment.options.malformed)
        #expect(decoder.weirds.asDictionary == [:])
    }

    @Test("EOL ends the option list")
    func endOfOptions() throws {
        var decoder = PacketDecoder()
        let tcp = TCPBuilder(options: TCPOption.nop + TCPOption.eol + TCPOption.mss(1200) + TCPOption.windowScale(2))
        let segment = try decoder.requireSegment(Sample.packet(ipVersion: 4, tcp), .raw).segment
        #expect(segment.options.mss == nil)
        #expect(segment.options.windowScale == nil)
        #expect(!segment.options.malformed)
    }

    /// A known option with the wrong length, a length below 2, or one running past the header: the
    /// segment is still a segment, its options are flagged and the weird is counted once.
    @Test("malformed option lengths are flagged and counted", arguments: [
        OptionCase("MSS of length 3", TCPOption.raw(kind: 2, data: [5]), expectWindowScale: false),
        OptionCase("MSS of length 5", TCPOption.raw(kind: 2, data: [5, 180, 0]), expectWindowScale: false),
        OptionCase("window scale of length 2", TCPOption.raw(kind: 3), expectWindowScale: false),
        OptionCase("SACK permitted of length 3", TCPOption.raw(kind: 4, data: [0]), expectWindowScale: false),
        OptionCase("timestamps of length 9", TCPOption.raw(kind: 8, data: [UInt8](repeating: 1, count: 7)), expectWindowScale: false),
        OptionCase("SACK of length 11", TCPOption.raw(kind: 5, data: [UInt8](repeating: 1, count: 9)), expectWindowScale: false),
        OptionCase("length 0", TCPOption.raw(kind: 30, length: 0, data: [0, 0]), expectWindowScale: false),
        OptionCase("length 1", TCPOption.raw(kind: 30, length: 1, data: [0, 0]), expectWindowScale: false),
        OptionCase("length past the header", TCPOption.raw(kind: 30, length: 40, data: [0, 0]), expectWindowScale: false),
        OptionCase("a kind byte alone at the end", TCPOption.windowScale(9) + TCPOption.nop + TCPOption.nop + TCPOption.nop
                   + TCPOption.nop + [2], expectWindowScale: true),
    ])
    func malformedOptions(input: OptionCase) throws {
        var decoder = PacketDecoder()
        let tcp = TCPBuilder(sequence: 77, options: input.options)
        let segment = try decoder.requireSegment(Sample.packet(ipVersion: 4, tcp), .raw).segment
        #expect(segment.sequence == 77)
        #expect(segment.options.malformed)
        #expect(segment.options.windowScale == (input.expectWindowScale ? 9 : nil))
        #expect(decoder.weirds.asDictionary == [.tcpOptionBadLength: 1])
    }

    /// A known option whose length is wrong but fits is stepped over; a length below 2 cannot be
    /// stepped over, so the walk stops there.
    @Test("the walk goes on after a wrong-length known option and stops at a length below 2")
    func walkAfterMalformed() throws {
        var decoder = PacketDecoder()
        let goesOn = TCPBuilder(options: TCPOption.raw(kind: 2, data: [5]) + TCPOption.windowScale(4))
        let stops = TCPBuilder(options: TCPOption.raw(kind: 77, length: 1) + TCPOption.mss(1000))
        let first = try decoder.requireSegment(Sample.packet(ipVersion: 4, goesOn), .raw).segment
        #expect(first.options.malformed && first.options.windowScale == 4 && first.options.mss == nil)
        let second = try decoder.requireSegment(Sample.packet(ipVersion: 4, stops), .raw).segment
        #expect(second.options.malformed && second.options.mss == nil)
        #expect(decoder.weirds.asDictionary == [.tcpOptionBadLength: 2])
    }

    // MARK: IPv4

    @Test("IPv4 options are stepped over", arguments: [
        OptionCase("four NOPs", IPv4Option.nop + IPv4Option.nop + IPv4Option.nop + IPv4Option.nop),
        OptionCase("record route", IPv4Option.recordRoute(slots: 3)),
        OptionCase("router alert", IPv4Option.routerAlert),
        OptionCase("security, 11 bytes (RFC 791)", IPv4Option.raw(type: 130, data: [UInt8](repeating: 0, count: 9))),
        OptionCase("security, 12 bytes", IPv4Option.raw(type: 130, data: [UInt8](repeating: 0, count: 10))),
        OptionCase("timestamp", IPv4Option.raw(type: 68, data: [5, 0] + [UInt8](repeating: 0, count: 8))),
        OptionCase("an unknown option", IPv4Option.raw(type: 0x9E, data: [1, 2, 3, 4, 5, 6])),
        OptionCase("EOL, then junk", IPv4Option.eol + [130, 3, 0]),
        // Wireshark stops reading options quietly when one runs past the header.
        OptionCase("an option running past the header", IPv4Option.raw(type: 68, length: 40, data: [5, 0])),
        OptionCase("40 bytes of options", IPv4Option.recordRoute(slots: 9) + IPv4Option.eol),
    ])
    func ipv4Options(input: OptionCase) {
        var decoder = PacketDecoder()
        let ip = IPv4Builder(ttl: 57, identification: 0xBEEF, options: input.options).packet(Sample.tcp.bytes)
        Sample.expectFields(decoder.decode(LinkFraming.ethernet().frame(ip), .ethernet), ipVersion: 4)
        #expect(decoder.weirds.asDictionary == [:])
    }

    /// Options that announce fewer bytes than their fields take: Wireshark reads past the option,
    /// marks the packet malformed and never reaches TCP. (Checked against tshark 4.0.17.)
    @Test("IPv4 options too short for their fields drop the packet", arguments: [
        OptionCase("security of length 2", IPv4Option.raw(type: 130)),
        OptionCase("stream identifier of length 3", IPv4Option.raw(type: 136, data: [0])),
        OptionCase("router alert of length 2", IPv4Option.raw(type: 148)),
        OptionCase("MTU probe of length 3", IPv4Option.raw(type: 11, data: [0])),
        OptionCase("quick-start of length 6", IPv4Option.raw(type: 25, data: [0, 0, 0, 0])),
        OptionCase("record route of length 2", IPv4Option.raw(type: 7)),
        OptionCase("timestamp of length 3", IPv4Option.raw(type: 68, data: [5])),
        OptionCase("loose source route of length 2", IPv4Option.raw(type: 131)),
        OptionCase("a good option, then a bad security", IPv4Option.routerAlert + IPv4Option.nop + IPv4Option.raw(type: 130)),
    ])
    func ipv4BadOptions(input: OptionCase) {
        var decoder = PacketDecoder()
        let ip = IPv4Builder(options: input.options).packet(Sample.tcp.bytes)
        #expect(decoder.decode(LinkFraming.ethernet().frame(ip), .ethernet) == nil)
        #expect(decoder.weirds.asDictionary == [.ipv4OptionBadLength: 1])
    }

    @Test("IPv4 header anomalies", arguments: [
        HeaderCase("IHL 4", IPv4Builder(headerLengthWords: 4), .badIPv4HeaderLength),
        HeaderCase("IHL 0", IPv4Builder(headerLengthWords: 0), .badIPv4HeaderLength),
        HeaderCase("total length 19", IPv4Builder(totalLength: 19), .ipv4TotalLengthTooSmall),
        HeaderCase("total length below the options", IPv4Builder(options: IPv4Option.routerAlert, totalLength: 20), .ipv4TotalLengthTooSmall),
        HeaderCase("version 5", IPv4Builder(version: 5), .badIPVersion),
    ])
    func ipv4Anomalies(input: HeaderCase) {
        var decoder = PacketDecoder()
        let frame = LinkHeader.ethernet(input.ipv4.packet(Sample.tcp.bytes), etherType: LinkHeader.etherTypeIPv4)
        #expect(decoder.decode(frame, .ethernet) == nil)
        #expect(decoder.weirds.asDictionary == [input.weird: 1])
    }

    @Test("raw IP with a version that is neither 4 nor 6", arguments: [UInt8(0), 5, 7, 15])
    func rawBadVersion(version: UInt8) {
        var decoder = PacketDecoder()
        #expect(decoder.decode(IPv4Builder(version: version).packet(Sample.tcp.bytes), .raw) == nil)
        #expect(decoder.weirds.asDictionary == [.badIPVersion: 1])
    }

    /// TSO/GRO captures show a total length of 0: the frame's length stands in for it, captured or not.
    @Test("IPv4 total length 0 (TSO) takes the length from the frame")
    func tsoTotalLength() throws {
        var decoder = PacketDecoder()
        let tcp = TCPBuilder(payload: [UInt8](repeating: 0x5A, count: 3000))
        let frame = LinkFraming.ethernet().frame(IPv4Builder(totalLength: 0).packet(tcp.bytes))
        let whole = try decoder.requireSegment(frame, .ethernet)
        #expect(whole.segment.payloadLength == 3000)
        #expect(whole.payload == tcp.payload)
        // The same super-frame cut to 200 bytes by the snaplen: the wire length still counts.
        let cut = try decoder.requireSegment(Array(frame.prefix(200)), .ethernet, wireLength: frame.count)
        #expect(cut.segment.payloadLength == 3000)
        #expect(cut.payload.count == 200 - 14 - 20 - 20)
        #expect(!cut.segment.headerTruncated)
        #expect(decoder.weirds.asDictionary == [:])
    }

    /// A bare ACK is padded to Ethernet's 60-byte minimum; a trailer may follow any packet. Neither
    /// is TCP payload: the IP length bounds the segment.
    @Test("Ethernet padding and trailers are not payload", arguments: [4, 6])
    func padding(version: Int) throws {
        var decoder = PacketDecoder()
        let bare = LinkFraming.ethernet().frame(Sample.packet(ipVersion: version, TCPBuilder()))
        let padded = bare + [UInt8](repeating: 0xEE, count: max(0, 60 - bare.count) + 4)
        let decoded = try decoder.requireSegment(padded, .ethernet)
        #expect(decoded.segment.payloadLength == 0)
        #expect(decoded.payload.isEmpty)
        let data = LinkFraming.ethernet().frame(Sample.packet(ipVersion: version)) + [1, 2, 3, 4]
        let withData = try decoder.requireSegment(data, .ethernet)
        #expect(withData.segment.payloadLength == Sample.tcp.payload.count)
        #expect(withData.payload == Sample.tcp.payload)
    }

    /// An IP length beyond the frame is bounded by the frame's wire length.
    @Test("an IPv4 total length past the frame is bounded by the wire length")
    func totalLengthPastFrame() throws {
        var decoder = PacketDecoder()
        let ip = IPv4Builder(totalLength: 1500).packet(Sample.tcp.bytes)
        let decoded = try decoder.requireSegment(ip, .raw)
        #expect(decoded.segment.payloadLength == Sample.tcp.payload.count)
        #expect(decoded.payload == Sample.tcp.payload)
    }

    // MARK: IPv6

    @Test("IPv6 extension header chains", arguments: [
        [], [.hopByHop()], [.destinationOptions()], [.routing()], [.authentication()],
        [.hopByHop(options: [5, 2, 0, 0])], // router alert
        [.hopByHop(), .destinationOptions()], [.hopByHop(), .routing(), .destinationOptions()],
        [.hopByHop(), .destinationOptions(options: [0x1E, 12] + [UInt8](repeating: 0, count: 12)), .routing(type: 2, segmentsLeft: 1),
         .authentication(), .destinationOptions()],
        [.fragment(offset: 0, more: false, identification: 99)],  // an atomic fragment is a whole packet
        [.hopByHop(), .fragment(offset: 0, more: false, identification: 7), .destinationOptions()],
    ] as [[IPv6Extension]])
    func ipv6Chains(chain: [IPv6Extension]) {
        var decoder = PacketDecoder()
        let ip = IPv6Builder(hopLimit: 57, extensionHeaders: chain).packet(Sample.tcp.bytes)
        Sample.expectFields(decoder.decode(LinkFraming.ethernet().frame(ip), .ethernet), ipVersion: 6)
        #expect(decoder.weirds.asDictionary == [:])
        #expect(decoder.ipFragments == 0)
    }

    @Test("an extension header chain ending in No Next Header carries no TCP")
    func noNextHeader() {
        var decoder = PacketDecoder()
        let ip = IPv6Builder(nextHeader: 59, extensionHeaders: [.hopByHop(), .destinationOptions()]).packet(Sample.tcp.bytes)
        #expect(decoder.decode(ip, .raw) == nil)
        #expect(decoder.weirds.asDictionary == [:])
    }

    /// A jumbogram (RFC 2675): payload length 0 and a hop-by-hop Jumbo Payload option, for more than
    /// 65,535 bytes. (Payload length 0 without one: see TsharkIPRules.)
    @Test("an IPv6 jumbogram takes its length from the frame")
    func ipv6Jumbogram() throws {
        var decoder = PacketDecoder()
        let tcp = TCPBuilder(payload: [UInt8](repeating: 0x33, count: 70_000))
        var jumbo: [UInt8] = [0xC2, 4]
        jumbo.append32(UInt32(8 + tcp.bytes.count))
        let frame = LinkFraming.linuxSLL.frame(IPv6Builder(extensionHeaders: [.hopByHop(options: jumbo)], payloadLength: 0).packet(tcp.bytes))
        let decoded = try decoder.requireSegment(frame, .linuxSLL)
        #expect(decoded.segment.payloadLength == 70_000)
        #expect(decoded.payload == tcp.payload)
    }

    @Test("bad version under EtherType IPv6")
    func ipv6BadVersion() {
        var decoder = PacketDecoder()
        let frame = LinkHeader.ethernet(IPv6Builder(version: 4).packet(Sample.tcp.bytes), etherType: LinkHeader.etherTypeIPv6)
        #expect(decoder.decode(frame, .ethernet) == nil)
        #expect(decoder.weirds.asDictionary == [.badIPVersion: 1])
    }

    // MARK: Which frames count as TCP

    /// tshark counts a frame as TCP when the 16 bytes up to the window are there: bounded by the IP
    /// length here (the frame carries more bytes as a trailer). Below 20 the header is bogus.
    /// (An IPv6 payload length of 0 is a case of its own, in TsharkIPRules.)
    @Test("the 16-byte rule, by IP length", arguments: (0...28).map { (4, $0) } + (1...28).map { (6, $0) })
    func sixteenByteRuleByIPLength(version: Int, tcpBytes: Int) {
        let tcp = TCPBuilder(flags: TCPBuilder.rst | TCPBuilder.ack, payload: [1, 2, 3, 4, 5, 6, 7, 8]).bytes
        let ip = version == 4 ? IPv4Builder(totalLength: UInt16(20 + tcpBytes)).packet(tcp)
                              : IPv6Builder(payloadLength: UInt16(tcpBytes)).packet(tcp)
        var decoder = PacketDecoder()
        let decoded = decoder.decode(LinkFraming.ethernet().frame(ip), .ethernet)
        #expect((decoded != nil) == (tcpBytes >= 16))
        guard let segment = decoded?.segment else {
            #expect(decoder.weirds.asDictionary == [.tcpTooShort: 1])
            return
        }
        #expect(segment.headerBogus == (tcpBytes < 20))
        #expect(segment.payloadLength == max(0, tcpBytes - 20))
        #expect(decoded?.payload == Array(tcp[20..<max(20, tcpBytes)]))
        #expect(segment.isReset)
        if tcpBytes >= 20 { #expect(!segment.headerTruncated) }
        #expect(decoder.weirds.asDictionary == (tcpBytes < 20 ? [.badTCPHeaderLength: 1] : [:]))
    }

    /// The same rule bounded by the captured bytes (the IP length is whole, the snaplen cuts).
    @Test("the 16-byte rule, by captured bytes", arguments: [4, 6], 0...28)
    func sixteenByteRuleByCapture(version: Int, tcpBytes: Int) {
        let tcp = TCPBuilder(payload: [1, 2, 3, 4, 5, 6, 7, 8]).bytes
        let frame = LinkFraming.ethernet().frame(Sample.packet(ipVersion: version, tcp: tcp))
        let captured = 14 + (version == 4 ? 20 : 40) + tcpBytes
        var decoder = PacketDecoder()
        let decoded = decoder.decode(Array(frame.prefix(captured)), .ethernet, wireLength: frame.count)
        #expect((decoded != nil) == (tcpBytes >= 16))
        guard let segment = decoded?.segment else {
            #expect(decoder.weirds.asDictionary == [.tcpTooShort: 1])
            return
        }
        #expect(segment.headerTruncated == (tcpBytes < 20))
        #expect(!segment.headerBogus)
        #expect(segment.payloadLength == 8)
        #expect(decoded?.payload == Array(tcp[20..<max(20, tcpBytes)]))
        #expect(decoder.weirds.asDictionary == [:])
    }

    /// The data offset does not decide whether a frame is TCP; below 5 words Wireshark shows no
    /// flags, so such a header is never a reset.
    @Test("any data offset counts; below 20 bytes the RST bit is not a reset", arguments: 0...15)
    func dataOffsets(words: UInt8) throws {
        let tcp = TCPBuilder(flags: TCPBuilder.rst, dataOffset: words, payload: [UInt8](repeating: 0, count: 40))
        var decoder = PacketDecoder()
        let segment = try decoder.requireSegment(Sample.packet(ipVersion: 4, tcp), .raw).segment
        #expect(segment.headerLength == Int(words) * 4)
        #expect(segment.flags.contains(.rst))
        #expect(segment.isReset == (words >= 5))
        #expect(segment.headerBogus == (words < 5))
        #expect(segment.payloadLength == (words < 5 ? 0 : 60 - Int(words) * 4))
        #expect(decoder.weirds.asDictionary == (words < 5 ? [.badTCPHeaderLength: 1] : [:]))
    }

    /// A data offset past the end of the segment is bogus too (no payload), but the flags were
    /// read: Wireshark's "short segment" still shows the RST.
    @Test("a data offset past the segment is bogus")
    func dataOffsetPastSegment() throws {
        var decoder = PacketDecoder()
        let tcp = TCPBuilder(flags: TCPBuilder.rst, dataOffset: 15, payload: [0, 0, 0, 0])
        let segment = try decoder.requireSegment(Sample.packet(ipVersion: 6, tcp), .raw).segment
        #expect(segment.headerBogus)
        #expect(segment.headerLength == 60)
        #expect(segment.payloadLength == 0)
        #expect(segment.isReset)
        #expect(decoder.weirds.asDictionary == [.badTCPHeaderLength: 1])
    }

    /// Cut by the snaplen inside the payload: the payload length still comes from the IP length.
    @Test("snaplen-cut segments keep their IP-derived payload length", arguments: [4, 6])
    func snaplenCut(version: Int) throws {
        let tcp = TCPBuilder(options: TCPOption.mss(1460) + TCPOption.windowScale(8) + TCPOption.nop + TCPOption.sackPermitted
                             + TCPOption.nop + TCPOption.nop + TCPOption.timestamps(1, echo: 2),
                             payload: [UInt8](repeating: 0xAB, count: 1200))
        let frame = LinkFraming.ethernet(tags: [VLANTag()]).frame(Sample.packet(ipVersion: version, tcp: tcp.bytes))
        let tcpStart = 18 + (version == 4 ? 20 : 40)
        var decoder = PacketDecoder()
        let inPayload = try decoder.requireSegment(Array(frame.prefix(tcpStart + 44 + 10)), .ethernet, wireLength: frame.count)
        #expect(inPayload.segment.payloadLength == 1200)
        #expect(inPayload.payload == [UInt8](repeating: 0xAB, count: 10))
        #expect(!inPayload.segment.headerTruncated)
        #expect(inPayload.segment.options.timestampValue == 1)
        // Cut after the MSS, window scale and SACK-permitted options: header truncated, the payload
        // length unchanged, and the options that were captured are read.
        let inOptions = try decoder.requireSegment(Array(frame.prefix(tcpStart + 30)), .ethernet, wireLength: frame.count)
        #expect(inOptions.segment.headerTruncated)
        #expect(inOptions.segment.headerLength == 44)
        #expect(inOptions.segment.payloadLength == 1200)
        #expect(inOptions.payload.isEmpty)
        #expect(inOptions.segment.options.mss == 1460)
        #expect(inOptions.segment.options.windowScale == 8)
        #expect(inOptions.segment.options.sackPermitted)
        #expect(decoder.weirds.asDictionary == [:])
    }

    /// ICMP errors quote the IP header and the start of the TCP header of the packet they are about;
    /// tshark does not count that quoted TCP as a TCP frame, but it does give it a stream (so the
    /// decoder hands it on, marked as quoted).
    @Test("ICMP quoting a TCP header is not a TCP frame", arguments: [4, 6])
    func icmpQuote(version: Int) {
        let quoted = Sample.packet(ipVersion: version, tcp: TCPBuilder(flags: TCPBuilder.rst).bytes)
        let icmp: [UInt8] = version == 4 ? [3, 3, 0, 0, 0, 0, 0, 0] : [1, 4, 0, 0, 0, 0, 0, 0]  // port unreachable
        let ip = version == 4 ? IPv4Builder(protocolNumber: 1).packet(icmp + quoted)
                              : IPv6Builder(nextHeader: 58).packet(icmp + quoted)
        var decoder = PacketDecoder()
        let decoded = decoder.decode(LinkFraming.ethernet().frame(ip), .ethernet)
        #expect(decoded?.segment.context == .quotedInICMPError)
        #expect(decoded?.segment.isTCPFrame == false)
        #expect(decoded?.segment.isReset == true)
        #expect(decoder.weirds.asDictionary == [:])
    }

    /// IP in IP (protocols 4 and 41): the innermost header names the segment's endpoints.
    @Test("IP in IP decodes the inner packet", arguments: [4, 6], [4, 6])
    func ipInIP(outer: Int, inner: Int) {
        let innerPacket = Sample.packet(ipVersion: inner)
        let protocolNumber: UInt8 = inner == 4 ? 4 : 41
        let outerPacket = outer == 4
            ? IPv4Builder(source: [10, 0, 0, 1], destination: [10, 0, 0, 2], ttl: 3, protocolNumber: protocolNumber).packet(innerPacket)
            : IPv6Builder(source: [0xFE, 0x80] + [UInt8](repeating: 0, count: 13) + [1], hopLimit: 3, nextHeader: protocolNumber)
                .packet(innerPacket)
        var decoder = PacketDecoder()
        Sample.expectFields(decoder.decode(LinkFraming.ethernet().frame(outerPacket), .ethernet), ipVersion: inner)
    }
}

// MARK: - Helpers

/// A decoded segment with its payload copied out: the segment's own `payload` points into the
/// record, which lives only while it is decoded, so it is emptied here.
struct Decoded {
    var segment: TCPSegment
    var payload: [UInt8]
}

extension PacketDecoder {
    /// Decodes `bytes` as one record (captured whole unless `wireLength` says the wire had more).
    mutating func decode(_ bytes: [UInt8], _ linkType: LinkType, wireLength: Int? = nil, frame: Int = 1) -> Decoded? {
        bytes.withRecord(linkType, wireLength: wireLength, frame: frame) { record in
            guard var segment = decode(record) else { return nil }
            let payload = segment.payload.toArray()
            segment.payload = .empty
            return Decoded(segment: segment, payload: payload)
        }
    }
}

extension PacketDecoder {
    /// Decodes `bytes` and requires a segment (the test stops here when there is none).
    mutating func requireSegment(_ bytes: [UInt8], _ linkType: LinkType, wireLength: Int? = nil, frame: Int = 1,
                                 sourceLocation: SourceLocation = #_sourceLocation) throws -> Decoded {
        let decoded = decode(bytes, linkType, wireLength: wireLength, frame: frame)
        return try #require(decoded, "no segment decoded", sourceLocation: sourceLocation)
    }
}

extension WeirdCounts {
    /// The non-zero counters, comparable in one expectation.
    var asDictionary: [DecodeWeird: Int] { Dictionary(uniqueKeysWithValues: nonZero) }
}

/// The packet most tests decode, and the checks of every field it sets.
enum Sample {
    static let payload = Array("hello, decoder".utf8)
    static let tcp = TCPBuilder(sourcePort: 51234, destinationPort: 8443, sequence: 0xA1B2_C3D4, acknowledgment: 0x0102_0304,
                                flags: TCPBuilder.psh | TCPBuilder.ack, window: 501,
                                options: TCPOption.nop + TCPOption.nop + TCPOption.timestamps(0x1111_2222, echo: 0x3333_4444),
                                payload: payload)
    /// An ARP request body, for frames that are not IP.
    static let arp: [UInt8] = [0, 1, 8, 0, 6, 4, 0, 1] + [UInt8](repeating: 0, count: 20)

    static func packet(ipVersion: Int, _ tcp: TCPBuilder = Sample.tcp) -> [UInt8] {
        packet(ipVersion: ipVersion, tcp: tcp.bytes)
    }

    static func packet(ipVersion: Int, tcp: [UInt8]) -> [UInt8] {
        ipVersion == 4 ? IPv4Builder(ttl: 57, identification: 0xBEEF).packet(tcp) : IPv6Builder(hopLimit: 57).packet(tcp)
    }

    /// Checks every field of `Sample.tcp` in the default IPv4/IPv6 headers (TTL/hop limit 57).
    static func expectFields(_ decoded: Decoded?, ipVersion: Int, sourceLocation: SourceLocation = #_sourceLocation) {
        guard let decoded else {
            Issue.record("no segment decoded", sourceLocation: sourceLocation)
            return
        }
        let segment = decoded.segment
        let v6 = ipVersion == 6
        #expect(segment.isIPv6 == v6, sourceLocation: sourceLocation)
        #expect(segment.source.description == (v6 ? "2001:db8::1" : "192.0.2.1"), sourceLocation: sourceLocation)
        #expect(segment.destination.description == (v6 ? "2001:db8::2" : "198.51.100.2"), sourceLocation: sourceLocation)
        #expect(segment.sourcePort == 51234, sourceLocation: sourceLocation)
        #expect(segment.destinationPort == 8443, sourceLocation: sourceLocation)
        #expect(segment.sequence == 0xA1B2_C3D4, sourceLocation: sourceLocation)
        #expect(segment.acknowledgment == 0x0102_0304, sourceLocation: sourceLocation)
        #expect(segment.flags == [.psh, .ack], sourceLocation: sourceLocation)
        #expect(!segment.isReset, sourceLocation: sourceLocation)
        #expect(segment.window == 501, sourceLocation: sourceLocation)
        #expect(segment.headerLength == 32, sourceLocation: sourceLocation)
        #expect(segment.payloadLength == payload.count, sourceLocation: sourceLocation)
        #expect(decoded.payload == payload, sourceLocation: sourceLocation)
        #expect(segment.ttl == 57, sourceLocation: sourceLocation)
        #expect(segment.ipID == (v6 ? 0 : 0xBEEF), sourceLocation: sourceLocation)
        #expect(segment.options.timestampValue == 0x1111_2222, sourceLocation: sourceLocation)
        #expect(segment.options.timestampEcho == 0x3333_4444, sourceLocation: sourceLocation)
        #expect(segment.options.mss == nil && !segment.options.malformed, sourceLocation: sourceLocation)
        #expect(!segment.headerTruncated && !segment.headerBogus, sourceLocation: sourceLocation)
    }
}

/// A named input for parameterized tests (the name is what the test report shows).
struct Case: Sendable, CustomStringConvertible {
    var description: String
    var bytes: [UInt8]
    var linkType: LinkType
    init(_ description: String, _ bytes: [UInt8], _ linkType: LinkType) {
        self.description = description
        self.bytes = bytes
        self.linkType = linkType
    }
}

/// Named option bytes (TCP or IPv4).
struct OptionCase: Sendable, CustomStringConvertible {
    var description: String
    var options: [UInt8]
    var expectWindowScale = false
    init(_ description: String, _ options: [UInt8], expectWindowScale: Bool = false) {
        self.description = description
        self.options = options
        self.expectWindowScale = expectWindowScale
    }
}

/// A named IPv4 header and the weird it should be counted as.
struct HeaderCase: Sendable, CustomStringConvertible {
    var description: String
    var ipv4: IPv4Builder
    var weird: DecodeWeird
    init(_ description: String, _ ipv4: IPv4Builder, _ weird: DecodeWeird) {
        self.description = description
        self.ipv4 = ipv4
        self.weird = weird
    }
}
