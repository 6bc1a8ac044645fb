import PacketCore
import TCPAnalysis
import TestSupport
import Testing

/// Hand-built frames with what tshark 4.0.17 makes of them. The decoder tests check the decoder
/// against `expected`; OracleDecoderTests writes the same frames to pcaps and checks tshark itself
/// against `expected` (that is how each expectation was obtained, and how it stays honest).
struct DecoderCase: Sendable, CustomStringConvertible {
    enum Expected: Sendable, Equatable, CustomStringConvertible {
        /// A TCP frame (tcp in frame.protocols, not after icmp, with a stream): its TCP source port,
        /// raw sequence number, and tcp.len (nil where tshark shows none: TCP sampled by sFlow, or in
        /// a first fragment that was not reassembled).
        case tcp(port: UInt16, sequence: UInt32, length: Int?)
        case notTCP

        var description: String {
            switch self {
            case .tcp(let port, let sequence, let length):
                return "TCP(port \(port), seq 0x\(String(sequence, radix: 16)), len \(length.map(String.init) ?? "-"))"
            case .notTCP: return "not TCP"
            }
        }

        /// The decoder's answer for one frame.
        static func of(_ segment: TCPSegment?) -> Expected {
            guard let segment, segment.isTCPFrame else { return .notTCP }
            return .tcp(port: segment.sourcePort, sequence: segment.sequence,
                        length: segment.context == .normal ? segment.payloadLength : nil)
        }
    }

    var name: String
    var linkType: LinkType
    var bytes: [UInt8]
    var wireLength: Int?
    /// The capture file's byte order (NFLOG's TLVs are in the writing host's order).
    var bigEndianFile: Bool
    var expected: Expected

    var description: String { name }

    /// The sample packet (DecoderTests' Sample) decoded whole.
    static let sample = Expected.tcp(port: 51234, sequence: 0xA1B2_C3D4, length: Sample.payload.count)
    /// The sample packet with its payload cut to `length` bytes by a length field.
    static func sample(length: Int) -> Expected { .tcp(port: 51234, sequence: 0xA1B2_C3D4, length: length) }
    /// The sample packet as a copy (sFlow): no tcp.len.
    static let sampleCopy = Expected.tcp(port: 51234, sequence: 0xA1B2_C3D4, length: nil)

    init(_ name: String, _ linkType: LinkType, _ bytes: [UInt8], wireLength: Int? = nil, bigEndianFile: Bool = false, _ expected: Expected) {
        self.name = name
        self.linkType = linkType
        self.bytes = bytes
        self.wireLength = wireLength
        self.bigEndianFile = bigEndianFile
        self.expected = expected
    }

    func decode(_ decoder: inout PacketDecoder) -> Expected {
        bytes.withRecord(linkType, wireLength: wireLength) { Expected.of(decoder.decode($0)) }
    }
}

enum DecoderCases {
    static func ip(_ version: Int) -> [UInt8] { Sample.packet(ipVersion: version) }
    static func ethernet(_ packet: [UInt8]) -> [UInt8] { LinkFraming.ethernet().frame(packet) }
    static func outer(_ protocolNumber: UInt8, _ payload: [UInt8], version: Int = 4) -> [UInt8] {
        version == 6 ? IPv6Builder(hopLimit: 200, nextHeader: protocolNumber).packet(payload)
            : IPv4Builder(source: [203, 0, 113, 1], destination: [203, 0, 113, 2], ttl: 200, protocolNumber: protocolNumber).packet(payload)
    }
    static func udp(_ payload: [UInt8], source: UInt16 = 51000, destination: UInt16, length: UInt16? = nil, version: Int = 4) -> [UInt8] {
        ethernet(outer(17, UDPBuilder(sourcePort: source, destinationPort: destination, length: length).datagram(payload), version: version))
    }
    static func gre(_ payload: [UInt8]) -> [UInt8] { ethernet(outer(47, payload)) }

    /// Every link framing with both IP versions, every tunnel with both versions inside and out.
    static let framings: [DecoderCase] = LinkFraming.all.flatMap { framing in
        [4, 6].map { DecoderCase("\(framing) IPv\($0)", framing.linkType(ipVersion: $0), framing.frame(ip($0)), DecoderCase.sample) }
    }
    static let tunnels: [DecoderCase] = TunnelFraming.all.flatMap { tunnel in
        [4, 6].flatMap { outerVersion in
            (tunnel.carriesIPv4 ? [4, 6] : [6]).map { innerVersion in
                DecoderCase("\(tunnel) IPv\(innerVersion) in IPv\(outerVersion)", .ethernet,
                            ethernet(tunnel.packet(ip(innerVersion), outerVersion: outerVersion)),
                            tunnel.description == "sFlow" ? DecoderCase.sampleCopy : DecoderCase.sample)
            }
        }
    }

    /// Tunnel rules beyond the plain cases.
    static let tunnelRules: [DecoderCase] = {
        let v4 = ip(4), v6 = ip(6)
        let vxlanBody = TunnelHeader.vxlan(ethernet(v4))
        let sflowHeader = TunnelHeader.sflowRawHeader(ethernet(v4))
        let udpSample = TunnelHeader.sflowRawHeader(ethernet(IPv4Builder(protocolNumber: 17).packet(UDPBuilder(destinationPort: 53).datagram([1, 2, 3, 4]))))
        let secondTCP = TunnelHeader.sflowRawHeader(ethernet(IPv4Builder().packet(TCPBuilder(sourcePort: 7777, sequence: 99).bytes)))
        return [
            // UDP ports: Wireshark offers the datagram to the lower port's dissector first.
            DecoderCase("VXLAN from a high source port", .ethernet, udp(vxlanBody, source: 60000, destination: 4789), DecoderCase.sample),
            DecoderCase("VXLAN to a high destination port (source 4789)", .ethernet, udp(vxlanBody, source: 4789, destination: 60000), DecoderCase.sample),
            DecoderCase("VXLAN on port 4790 is read as VXLAN-GPE (next protocol 0: nothing)", .ethernet, udp(vxlanBody, destination: 4790), .notTCP),
            DecoderCase("VXLAN header on a non-tunnel port", .ethernet, udp(vxlanBody, source: 50000, destination: 8472), .notTCP),
            DecoderCase("VXLAN header, lower port Geneve", .ethernet, udp(vxlanBody, source: 4789, destination: 6081), DecoderCase.sample),
            DecoderCase("Geneve header, lower port VXLAN", .ethernet,
                        udp(TunnelHeader.geneve(v4, protocolType: 0x0800), source: 6081, destination: 4789), .notTCP),
            DecoderCase("UDP length shorter than the VXLAN frame cuts the inner packet", .ethernet,
                        udp(vxlanBody, destination: 4789, length: UInt16(8 + vxlanBody.count - 4)), DecoderCase.sample(length: Sample.payload.count - 4)),
            DecoderCase("UDP length 7", .ethernet, udp(vxlanBody, destination: 4789, length: 7), .notTCP),
            DecoderCase("UDP length past the IP payload is only a warning", .ethernet,
                        udp(vxlanBody, destination: 4789, length: UInt16(8 + vxlanBody.count + 100)), DecoderCase.sample),
            DecoderCase("VXLAN over IPv6 with UDP length 0 (jumbogram rule)", .ethernet,
                        udp(vxlanBody, destination: 4789, length: 0, version: 6), DecoderCase.sample),
            // GTP
            DecoderCase("GTP-U length shorter than the packet cuts it", .ethernet,
                        udp(TunnelHeader.gtpU(v4, length: UInt16(v4.count - 5)), source: 2152, destination: 2152), DecoderCase.sample(length: Sample.payload.count - 5)),
            DecoderCase("GTP-U echo request (not a T-PDU)", .ethernet,
                        udp(TunnelHeader.gtpU(v4, messageType: 1), source: 2152, destination: 2152), .notTCP),
            DecoderCase("GTP-U carrying Ethernet", .ethernet, udp(TunnelHeader.gtpU(ethernet(v4)), source: 2152, destination: 2152), DecoderCase.sample),
            DecoderCase("GTPv1 on the control port 2123", .ethernet, udp(TunnelHeader.gtpU(v6), source: 2123, destination: 2123), DecoderCase.sample),
            DecoderCase("GTP-U with a zero-length extension header", .ethernet,
                        udp(TunnelHeader.gtpU([0x00, 0x00, 0x00, 0x00] + v4, sequence: 1, extensions: [(0x85, [0x00, 0x00])]).enumerated()
                                .map { $0.offset == 12 ? 0 : $0.element }, source: 2152, destination: 2152), .notTCP),
            DecoderCase("GTPv2 on 2123", .ethernet, udp([0x48, 0x20, 0x00, 0x08, 0, 0, 0, 1, 0, 0, 1, 0] + v4, source: 2123, destination: 2123), .notTCP),
            // GRE
            DecoderCase("GRE without payload or sequence bit", .ethernet, gre(TunnelHeader.gre([], protocolType: 0x0800)), .notTCP),
            DecoderCase("GRE with an unknown protocol type", .ethernet, gre(TunnelHeader.gre(v4, protocolType: 0x1234)), .notTCP),
            DecoderCase("GRE WCCP (0x883E) carrying IPv4 directly", .ethernet, gre(TunnelHeader.gre(v4, protocolType: 0x883E)), DecoderCase.sample),
            DecoderCase("GRE WCCPv2 redirect header", .ethernet, gre(TunnelHeader.gre([0x00, 0x00, 0x00, 0x01] + v4, protocolType: 0x883E)), DecoderCase.sample),
            DecoderCase("ERSPAN III with a non-Ethernet frame type", .ethernet,
                        gre(TunnelHeader.gre(TunnelHeader.erspanIII(ethernet(v4), frameType: 2), protocolType: 0x22EB, sequence: 1)), .notTCP),
            DecoderCase("ERSPAN III without subheader", .ethernet,
                        gre(TunnelHeader.gre(TunnelHeader.erspanIII(ethernet(v6)), protocolType: 0x22EB, sequence: 1)), DecoderCase.sample),
            DecoderCase("ERSPAN version 3 (unknown)", .ethernet,
                        gre(TunnelHeader.gre([0x30, 0x64] + TunnelHeader.erspanII(ethernet(v4)).dropFirst(2), protocolType: 0x88BE, sequence: 1)), .notTCP),
            // MPLS
            DecoderCase("MPLS GAL at the bottom (associated channel)", .ethernet,
                        LinkHeader.ethernet(TunnelHeader.mpls(v4, labels: [16, 13]), etherType: 0x8847), .notTCP),
            DecoderCase("MPLS pseudowire with a control word", .ethernet,
                        LinkHeader.ethernet(TunnelHeader.mpls([0, 0, 0, 1] + ethernet(v4), labels: [16, 17]), etherType: 0x8847), DecoderCase.sample),
            DecoderCase("MPLS multicast EtherType, IPv6", .ethernet, LinkHeader.ethernet(TunnelHeader.mpls(v6, labels: [2]), etherType: 0x8848), DecoderCase.sample),
            DecoderCase("MPLS in PPP", .ppp, LinkHeader.ppp(TunnelHeader.mpls(v4, labels: [100]), protocolID: 0x0281, addressAndControl: true, compressed: false),
                        DecoderCase.sample),
            DecoderCase("MPLS in Cisco HDLC", .ciscoHDLC, LinkHeader.ciscoHDLC(TunnelHeader.mpls(v4, labels: [100]), etherType: 0x8847), DecoderCase.sample),
            DecoderCase("MPLS stack without a bottom", .ethernet,
                        LinkHeader.ethernet([UInt8](repeating: 0, count: 12), etherType: 0x8847), .notTCP),
            // PPPoE
            DecoderCase("PPPoE with a credits tag", .ethernet,
                        LinkHeader.ethernet(TunnelHeader.pppoeSession([0x00, 0x21] + v4, credits: true), etherType: 0x8864), DecoderCase.sample),
            DecoderCase("PPPoE length shorter than the packet cuts it", .ethernet,
                        LinkHeader.ethernet(TunnelHeader.pppoeSession([0x00, 0x21] + v4, length: UInt16(2 + v4.count - 3)), etherType: 0x8864),
                        DecoderCase.sample(length: Sample.payload.count - 3)),
            DecoderCase("PPPoE behind two VLAN tags, compressed PPP protocol", .ethernet,
                        LinkHeader.ethernet(TunnelHeader.pppoeSession([0x57] + v6), etherType: 0x8864, tags: [VLANTag(), VLANTag(vlan: 20)]), DecoderCase.sample),
            DecoderCase("PPPoE carrying LCP", .ethernet, LinkHeader.ethernet(TunnelHeader.pppoeSession([0xC0, 0x21, 1, 1, 0, 4]), etherType: 0x8864), .notTCP),
            // L2TP
            DecoderCase("L2TP data without optional fields", .ethernet,
                        udp(TunnelHeader.l2tp([0xFF, 0x03, 0x00, 0x21] + v4), source: 1701, destination: 1701), DecoderCase.sample),
            DecoderCase("L2TP data from a high port, compressed PPP", .ethernet,
                        udp(TunnelHeader.l2tp([0x21] + v4, length: true), source: 51000, destination: 1701), DecoderCase.sample),
            DecoderCase("L2TP length shorter than the packet cuts it", .ethernet,
                        udp(Array(TunnelHeader.l2tp([0xFF, 0x03, 0x00, 0x21] + v4, length: true).enumerated().map { $0.offset == 3 ? $0.element - 2 : $0.element }),
                            source: 1701, destination: 1701), DecoderCase.sample(length: Sample.payload.count - 2)),
            DecoderCase("L2TP control message", .ethernet,
                        udp(TunnelHeader.l2tp([0xFF, 0x03, 0x00, 0x21] + v4, length: true, control: true), source: 1701, destination: 1701), .notTCP),
            DecoderCase("L2TP version 1 is refused (the other port's dissector would be tried)", .ethernet,
                        udp([0x00, 0x01] + TunnelHeader.l2tp([0xFF, 0x03, 0x00, 0x21] + v4).dropFirst(2), source: 1701, destination: 4789), .notTCP),
            // Teredo, EtherIP, nesting
            DecoderCase("Teredo carrying IPv4 (only IPv6 is read)", .ethernet, udp(v4, source: 3544, destination: 50000), .notTCP),
            DecoderCase("VXLAN inside GRE inside IPv6", .ethernet,
                        ethernet(outer(47, TunnelHeader.gre(outer(17, UDPBuilder(destinationPort: 4789).datagram(vxlanBody)), protocolType: 0x0800), version: 6)),
                        DecoderCase.sample),
            DecoderCase("ICMP error quoting a VXLAN packet", .ethernet,
                        ethernet(outer(1, [3, 3, 0, 0, 0, 0, 0, 0] + outer(17, UDPBuilder(destinationPort: 4789).datagram(vxlanBody)))), .notTCP),
            // sFlow
            DecoderCase("sFlow: counters, a UDP sample, then TCP", .ethernet,
                        udp(TunnelHeader.sflow([TunnelHeader.sflowCountersSample(), TunnelHeader.sflowFlowSample([TunnelHeader.sflowSwitchRecord(), udpSample]),
                                                TunnelHeader.sflowFlowSample([sflowHeader])]), destination: 6343), DecoderCase.sampleCopy),
            DecoderCase("sFlow: two TCP samples count once, as the first", .ethernet,
                        udp(TunnelHeader.sflow([TunnelHeader.sflowFlowSample([secondTCP, sflowHeader])]), destination: 6343),
                        .tcp(port: 7777, sequence: 99, length: nil)),
            DecoderCase("sFlow IPv6 header protocol", .ethernet,
                        udp(TunnelHeader.sflow([TunnelHeader.sflowFlowSample([TunnelHeader.sflowRawHeader(v6, protocolID: 12)])]), destination: 6343),
                        DecoderCase.sampleCopy),
            DecoderCase("sFlow sample cut short (frame length larger)", .ethernet,
                        udp(TunnelHeader.sflow([TunnelHeader.sflowFlowSample([TunnelHeader.sflowRawHeader(Array(ethernet(v4).prefix(14 + 20 + 16)),
                                                                                                                 frameLength: 1500)])]), destination: 6343),
                        DecoderCase.sampleCopy),
            // XDR pads a header to 4 bytes, and the padding is captured data: 15 TCP bytes and 3 of
            // padding make a TCP header, 12 and 2 do not.
            DecoderCase("sFlow sample of 15 TCP bytes and 3 of padding", .ethernet,
                        udp(TunnelHeader.sflow([TunnelHeader.sflowFlowSample([TunnelHeader.sflowRawHeader(Array(ethernet(v4).prefix(14 + 20 + 15)),
                                                                                                                 frameLength: 1500)])]), destination: 6343),
                        DecoderCase.sampleCopy),
            DecoderCase("sFlow sample of 12 TCP bytes and 2 of padding", .ethernet,
                        udp(TunnelHeader.sflow([TunnelHeader.sflowFlowSample([TunnelHeader.sflowRawHeader(Array(ethernet(v4).prefix(14 + 20 + 12)),
                                                                                                                 frameLength: 1500)])]), destination: 6343),
                        .notTCP),
            DecoderCase("sFlow datagram cut by the snaplen inside a sampled header", .ethernet,
                        Array(udp(TunnelHeader.sflow([TunnelHeader.sflowFlowSample([sflowHeader])]), destination: 6343).dropLast(12)),
                        wireLength: udp(TunnelHeader.sflow([TunnelHeader.sflowFlowSample([sflowHeader])]), destination: 6343).count, .notTCP),
            DecoderCase("sFlow version 3 (not sFlow)", .ethernet,
                        udp([0, 0, 0, 3] + TunnelHeader.sflow([TunnelHeader.sflowFlowSample([sflowHeader])]).dropFirst(4), destination: 6343), .notTCP),
        ]
    }()

    /// Link-type rules beyond the plain cases.
    static let linkRules: [DecoderCase] = {
        let v4 = ip(4), v6 = ip(6)
        let snap4 = LinkHeader.llcSNAP(v4, etherType: 0x0800)
        return [
            // 802.11
            DecoderCase("802.11 protected frame", .ieee80211, Wireless.dataFrame(snap4, protected: true), .notTCP),
            DecoderCase("802.11 first fragment", .ieee80211, Wireless.dataFrame(snap4, moreFragments: true), .notTCP),
            DecoderCase("802.11 To DS", .ieee80211, Wireless.dataFrame(snap4, toDS: true, fromDS: false), DecoderCase.sample),
            DecoderCase("802.11 WDS (four addresses)", .ieee80211, Wireless.dataFrame(snap4, toDS: true, fromDS: true), DecoderCase.sample),
            DecoderCase("802.11 ad hoc", .ieee80211, Wireless.dataFrame(snap4, toDS: false, fromDS: false), DecoderCase.sample),
            DecoderCase("802.11 QoS with HT control", .ieee80211, Wireless.dataFrame(snap4, qos: true, order: true), DecoderCase.sample),
            DecoderCase("802.11 mesh control (From DS, flags 0)", .ieee80211,
                        Wireless.dataFrame([0, 5, 1, 0, 0, 0] + snap4, qos: true), DecoderCase.sample),
            DecoderCase("802.11 A-MSDU", .ieee80211,
                        Wireless.dataFrame(Wireless.amsduSubframe(snap4, last: false) + Wireless.amsduSubframe(snap4, last: true), qos: true, amsdu: true),
                        DecoderCase.sample),
            DecoderCase("802.11 body that is an Ethernet frame", .ieee80211, Wireless.dataFrame(ethernet(v4)), DecoderCase.sample),
            DecoderCase("802.11 body starting with an EtherType (EPD)", .ieee80211, Wireless.dataFrame([0x86, 0xDD] + v6), DecoderCase.sample),
            DecoderCase("802.11 body with 2 bytes of 00 00 before LLC", .ieee80211, Wireless.dataFrame([0, 0] + snap4), DecoderCase.sample),
            DecoderCase("802.11 management frame", .ieee80211, [0x80, 0x00] + Wireless.dataFrame(snap4).dropFirst(2), .notTCP),
            DecoderCase("radiotap with FCS", .radiotap, Wireless.radiotap(Wireless.dataFrame(snap4), flags: 0x10), DecoderCase.sample),
            DecoderCase("radiotap, TSFT, FCS, padded QoS header", .radiotap,
                        Wireless.radiotap(Wireless.dataFrame([0, 0] + snap4, qos: true), flags: 0x30, tsft: true), DecoderCase.sample),
            DecoderCase("PPI with FCS", .ppi, Wireless.ppi(Wireless.dataFrame(snap4), fcs: true), DecoderCase.sample),
            DecoderCase("PPI with an 802.11n MAC field, not aggregated", .ppi, Wireless.ppi(Wireless.dataFrame(snap4), aggregate: false), DecoderCase.sample),
            DecoderCase("PPI carrying Ethernet", .ppi, Wireless.ppi(ethernet(v4), dlt: 1), DecoderCase.sample),
            // Others
            DecoderCase("FDDI SMT frame", .fddi, LinkHeader.fddi(snap4, frameControl: 0x41), .notTCP),
            DecoderCase("ARCnet RFC 1051 IP (no split flag)", .arcnetLinux, LinkHeader.arcnetLinux(v4, protocolID: 240), DecoderCase.sample),
            DecoderCase("Juniper without the magic (read as Ethernet)", .juniperEther, ethernet(v4), DecoderCase.sample),
            DecoderCase("Juniper without L2, 0xA248 (its low byte, 0x48, is unknown)", .juniperEther,
                        LinkHeader.juniper([0, 0, 0, 0] + v4, flags: 0x03, protocolNumber: 0xA248), .notTCP),
            DecoderCase("Juniper without L2, protocol 0x0102 (its low byte, 2, is IPv4)", .juniperEther,
                        LinkHeader.juniper(v4, flags: 0x03, protocolNumber: 0x0102), DecoderCase.sample),
            DecoderCase("Juniper without L2, Cisco HDLC", .juniperEther,
                        LinkHeader.juniper(LinkHeader.ciscoHDLC(v6, etherType: 0x86DD), flags: 0x03, protocolNumber: 208), DecoderCase.sample),
            DecoderCase("IPoIB carrying ARP", .ipOverInfiniBand, LinkHeader.ipOverInfiniBand(Sample.arp, type: 0x0806), .notTCP),
            DecoderCase("NFLOG with a hardware protocol (IPv6 by EtherType)", .nflog,
                        LinkHeader.nflog(v6, family: 2, hardwareProtocol: 0x86DD), DecoderCase.sample),
            DecoderCase("NFLOG written by a big-endian host", .nflog, LinkHeader.nflog(v4, family: 2, bigEndian: true), bigEndianFile: true,
                        DecoderCase.sample),
            DecoderCase("NFLOG family 7", .nflog, LinkHeader.nflog(v4, family: 7), .notTCP),
            DecoderCase("802.1ah backbone tag", .ethernet,
                        LinkHeader.ethernet([0, 0x12, 0x34, 0x56] + LinkHeader.ethernet(v4, etherType: 0x0800), etherType: 0x88E7), DecoderCase.sample),
            DecoderCase("802.1ad then 802.1ah", .ethernet,
                        LinkHeader.ethernet([0, 0x12, 0x34, 0x56] + LinkHeader.ethernet(v6, etherType: 0x86DD), etherType: 0x88E7,
                                            tags: [VLANTag(tpid: 0x88A8)]), DecoderCase.sample),
            DecoderCase("transparent Ethernet bridging EtherType", .ethernet, LinkHeader.ethernet(ethernet(v4), etherType: 0x6558), DecoderCase.sample),
            DecoderCase("FabricPath", .ethernet,
                        LinkHeader.ethernet([0x00, 0x3F] + ethernet(v4) + [0xDE, 0xAD, 0xBE, 0xEF], etherType: 0x8903), DecoderCase.sample),
            DecoderCase("FabricPath behind an 802.1Q tag", .ethernet,
                        LinkHeader.ethernet([0x00, 0x3F] + ethernet(v4) + [0xDE, 0xAD, 0xBE, 0xEF], etherType: 0x8903, tags: [VLANTag()]),
                        DecoderCase.sample),
            DecoderCase("NULL header holding an EtherType", .null, LinkHeader.null(v6, family: 0x86DD, bigEndian: false), DecoderCase.sample),
            DecoderCase("NULL header FF 03: PPP", .null, LinkHeader.ppp(v4, protocolID: 0x21, addressAndControl: true, compressed: false), DecoderCase.sample),
            DecoderCase("SLL protocol 3: Ethernet", .linuxSLL, LinkHeader.linuxSLL(ethernet(v4), protocolType: 0x0003), DecoderCase.sample),
            DecoderCase("Cisco HDLC with a VLAN EtherType (not in chdlc.protocol)", .ciscoHDLC,
                        LinkHeader.ciscoHDLC([0, 100, 0x08, 0x00] + v4, etherType: 0x8100), .notTCP),
            DecoderCase("LLC I frame (2-byte control) with SAP 6", .ethernet,
                        LinkHeader.ethernet8023([0x06, 0x06, 0x00, 0x00] + v4), DecoderCase.sample),
            DecoderCase("SNAP with OUI 00-80-C2 bridged Ethernet", .ethernet,
                        LinkHeader.ethernet8023([0xAA, 0xAA, 0x03, 0x00, 0x80, 0xC2, 0x00, 0x07, 0x00, 0x00] + ethernet(v4)), DecoderCase.sample),
        ]
    }()

    /// IP rules (options, extension headers, fragments) on Ethernet.
    static let ipRules: [DecoderCase] = {
        let tcp = Sample.tcp.bytes
        func options(_ name: String, _ option: [UInt8], _ expected: DecoderCase.Expected) -> DecoderCase {
            DecoderCase("IPv4 option " + name, .ethernet, ethernet(IPv4Builder(ttl: 57, identification: 0xBEEF, options: option).packet(tcp)), expected)
        }
        var mobility = IPv6Builder(hopLimit: 57, nextHeader: 135).packet([6, 0, 0, 0, 0, 0, 0, 0] + tcp)
        mobility[5] = UInt8(8 + tcp.count)
        let fragment = IPv4Builder(ttl: 57, identification: 0xBEEF, moreFragments: true, totalLength: UInt16(20 + 40 + 1)).packet(Array(tcp.prefix(40)))
        let fragment6 = IPv6Builder(hopLimit: 57).fragment(Array(tcp.prefix(40)), offset: 0, more: true, identification: 7)
        return [
            options("security, 3 bytes (RFC 1108)", IPv4Option.raw(type: 130, data: [0]), DecoderCase.sample),
            options("security, 2 bytes", IPv4Option.raw(type: 130), .notTCP),
            options("extended security, 2 bytes", IPv4Option.raw(type: 133), .notTCP),
            options("extended security, 3 bytes", IPv4Option.raw(type: 133, data: [1]), DecoderCase.sample),
            options("traceroute, 4 bytes", IPv4Option.raw(type: 82, data: [0, 0]), .notTCP),
            options("traceroute, 12 bytes", IPv4Option.raw(type: 82, data: [UInt8](repeating: 0, count: 10)), DecoderCase.sample),
            options("CIPSO, 5 bytes", IPv4Option.raw(type: 134, data: [0, 0, 0]), .notTCP),
            options("CIPSO, 6 bytes", IPv4Option.raw(type: 134, data: [0, 0, 0, 1]), DecoderCase.sample),
            options("quick-start request, 4 bytes", IPv4Option.raw(type: 25, data: [0x05, 0x40]), .notTCP),
            options("quick-start of another function, 4 bytes", IPv4Option.raw(type: 25, data: [0x35, 0x40]), DecoderCase.sample),
            options("timestamp, 3 bytes", IPv4Option.raw(type: 68, data: [5]), .notTCP),
            options("unknown option 99, 2 bytes", IPv4Option.raw(type: 99), DecoderCase.sample),
            DecoderCase("IPv6 Mobility header before TCP", .ethernet, ethernet(mobility), .notTCP),
            DecoderCase("IPv4 first fragment whose total length runs past the frame", .ethernet, ethernet(fragment),
                        .tcp(port: Sample.tcp.sourcePort, sequence: Sample.tcp.sequence, length: nil)),
            DecoderCase("IPv6 first fragment cut by the snaplen", .ethernet, Array(ethernet(fragment6).prefix(14 + 48 + 30)),
                        wireLength: ethernet(fragment6).count, .notTCP),
        ]
    }()

    /// Link types of BSD, Solaris, Apple, Juniper and monitor-mode radio headers.
    static let moreLinkTypes: [DecoderCase] = {
        let v4 = ip(4), v6 = ip(6)
        let snap4 = LinkHeader.llcSNAP(v4, etherType: 0x0800)
        func pflog(_ family: UInt8, length: UInt8 = 100) -> [UInt8] {
            [length, family, 0, 0] + [UInt8](repeating: 0x61, count: Int(length) - 4) + [UInt8](repeating: 0, count: (4 - Int(length) % 4) % 4)
        }
        var pktap: [UInt8] = []
        for value: UInt32 in [108, 1, 1] { pktap.append32le(value) }
        pktap += [UInt8](repeating: 0, count: 96)
        var prism: [UInt8] = []
        prism.append32le(0x44)
        prism.append32le(144)
        prism += [UInt8](repeating: 0x65, count: 16)
        for did: UInt32 in 1...10 { prism.append32le(0x1041 + did); prism += [1, 0, 4, 0, 0, 0, 0, 0] }
        var avs: [UInt8] = []
        avs.append32(0x8021_1001)
        avs.append32(64)
        avs += [UInt8](repeating: 0, count: 56)
        var ipnet: [UInt8] = [1, 26, 0, 2]
        ipnet.append32(UInt32(v6.count))
        ipnet += [UInt8](repeating: 0, count: 16)
        let juniper: [UInt8] = [0x4D, 0x47, 0x43, 0x01]
        return [
            DecoderCase("PFLOG IPv4", .pflog, pflog(2) + v4, DecoderCase.sample),
            DecoderCase("PFLOG IPv6 (FreeBSD's family 28)", .pflog, pflog(28) + v6, DecoderCase.sample),
            DecoderCase("PFLOG, OpenBSD 3.4 header (45 bytes, padded to 48)", .pflog, pflog(2, length: 45) + v4, DecoderCase.sample),
            DecoderCase("PFLOG family 7", .pflog, pflog(7) + v4, .notTCP),
            DecoderCase("ENC IPv4 (little-endian family)", .enc, [2, 0, 0, 0, 0, 0, 0x10, 0, 0, 0, 0, 0] + v4, DecoderCase.sample),
            DecoderCase("ENC IPv6 (big-endian family 24)", .enc, [0, 0, 0, 24, 0, 0, 0x10, 0, 0, 0, 0, 0] + v6, DecoderCase.sample),
            DecoderCase("IPNET IPv6", .ipnet, ipnet + v6, DecoderCase.sample),
            DecoderCase("PKTAP Ethernet", .pktap, pktap + ethernet(v4), DecoderCase.sample),
            DecoderCase("Prism header", .prism, prism + Wireless.dataFrame(snap4), DecoderCase.sample),
            DecoderCase("Prism link type without a Prism header", .prism, Wireless.dataFrame(snap4), DecoderCase.sample),
            DecoderCase("Prism link type with an AVS header", .prism, avs + Wireless.dataFrame(snap4), DecoderCase.sample),
            DecoderCase("AVS header", .avs, avs + Wireless.dataFrame(snap4, qos: true), DecoderCase.sample),
            DecoderCase("Juniper PPP", .juniperPPP, juniper + [0, 0, 0x00, 0x21] + v4, DecoderCase.sample),
            DecoderCase("Juniper C-HDLC", .juniperCiscoHDLC, juniper + LinkHeader.ciscoHDLC(v6, etherType: 0x86DD), DecoderCase.sample),
            DecoderCase("Juniper PPPoE", .juniperPPPoE, juniper + ethernet(v4), DecoderCase.sample),
            DecoderCase("PPP with direction", .pppWithDirection, [1, 0xFF, 0x03, 0x00, 0x21] + v4, DecoderCase.sample),
            DecoderCase("Linux ATM CLIP", .linuxATMClip, v6, DecoderCase.sample),
            DecoderCase("Cisco HDLC (NetBSD link type)", .ciscoHDLCNetBSD, LinkHeader.ciscoHDLC(v4, etherType: 0x0800), DecoderCase.sample),
        ]
    }()

    static var all: [DecoderCase] { framings + tunnels + tunnelRules + linkRules + ipRules + moreLinkTypes }
}
