import PacketCore

// Hand-built packet bytes for decoder tests. Each layer is a small value (or a function) that wraps
// the bytes of the layer above it: `LinkFraming.ethernet().frame(IPv4Builder().packet(TCPBuilder().bytes))`.
// Defaults make a valid packet; every field can be set to something odd, because the point is to
// feed the decoder what real captures occasionally hold. Nothing here knows the decoder.

// MARK: - Byte helpers

extension Array where Element == UInt8 {
    public mutating func append16(_ value: UInt16) {
        append(UInt8(value >> 8))
        append(UInt8(truncatingIfNeeded: value))
    }

    public mutating func append32(_ value: UInt32) {
        for shift in stride(from: 24, through: 0, by: -8) { append(UInt8(truncatingIfNeeded: value >> UInt32(shift))) }
    }

    public mutating func append32le(_ value: UInt32) {
        for shift in stride(from: 0, through: 24, by: 8) { append(UInt8(truncatingIfNeeded: value >> UInt32(shift))) }
    }

    /// Runs `body` with a capture record of these bytes. `wireLength` defaults to the byte count;
    /// pass a larger one for a snaplen-cut record. The record's bytes live only during `body`.
    public func withRecord<R>(_ linkType: LinkType, wireLength: Int? = nil, frame: Int = 1, timestamp: Int64 = 0,
                              interface: Int = 0, _ body: (CaptureRecord) throws -> R) rethrows -> R {
        try withByteView { view in
            try body(CaptureRecord(frame: frame, timestamp: timestamp, wireLength: wireLength ?? count,
                                   interface: interface, linkType: linkType, bytes: view))
        }
    }
}

// MARK: - TCP

/// TCP option bytes as they go on the wire (RFC 9293, 7323, 2018).
public enum TCPOption {
    public static let eol: [UInt8] = [0]
    public static let nop: [UInt8] = [1]
    public static func mss(_ value: UInt16) -> [UInt8] { [2, 4, UInt8(value >> 8), UInt8(value & 0xFF)] }
    public static func windowScale(_ shift: UInt8) -> [UInt8] { [3, 3, shift] }
    public static let sackPermitted: [UInt8] = [4, 2]
    public static func sack(_ blocks: [(left: UInt32, right: UInt32)]) -> [UInt8] {
        var bytes: [UInt8] = [5, UInt8(2 + 8 * blocks.count)]
        for block in blocks {
            bytes.append32(block.left)
            bytes.append32(block.right)
        }
        return bytes
    }
    public static func timestamps(_ value: UInt32, echo: UInt32) -> [UInt8] {
        var bytes: [UInt8] = [8, 10]
        bytes.append32(value)
        bytes.append32(echo)
        return bytes
    }
    /// Any option: kind, a length byte (2 + data unless given), data. A wrong `length` makes a
    /// malformed option.
    public static func raw(kind: UInt8, length: UInt8? = nil, data: [UInt8] = []) -> [UInt8] {
        [kind, length ?? UInt8(2 + data.count)] + data
    }
}

public struct TCPBuilder: Sendable {
    public static let fin: UInt16 = 0x001, syn: UInt16 = 0x002, rst: UInt16 = 0x004, psh: UInt16 = 0x008
    public static let ack: UInt16 = 0x010, urg: UInt16 = 0x020, ece: UInt16 = 0x040, cwr: UInt16 = 0x080
    public static let ns: UInt16 = 0x100

    public var sourcePort: UInt16
    public var destinationPort: UInt16
    public var sequence: UInt32
    public var acknowledgment: UInt32
    /// The low 12 bits of bytes 12-13 (reserved bits included, so odd values can be built).
    public var flags: UInt16
    public var window: UInt16
    public var urgentPointer: UInt16
    /// Option bytes; padded with EOL (zero) bytes to a multiple of 4.
    public var options: [UInt8]
    /// The data offset field in 32-bit words; nil computes it from the options. Any value 0...15 can
    /// be written whatever the bytes that follow.
    public var dataOffset: UInt8?
    public var payload: [UInt8]

    public init(sourcePort: UInt16 = 49152, destinationPort: UInt16 = 443, sequence: UInt32 = 0x1000_0000,
                acknowledgment: UInt32 = 0x2000_0000, flags: UInt16 = TCPBuilder.ack, window: UInt16 = 8192,
                urgentPointer: UInt16 = 0, options: [UInt8] = [], dataOffset: UInt8? = nil, payload: [UInt8] = []) {
        self.sourcePort = sourcePort
        self.destinationPort = destinationPort
        self.sequence = sequence
        self.acknowledgment = acknowledgment
        self.flags = flags
        self.window = window
        self.urgentPointer = urgentPointer
        self.options = options
        self.dataOffset = dataOffset
        self.payload = payload
    }

    /// The options as written: padded to a multiple of 4.
    public var paddedOptions: [UInt8] { options + [UInt8](repeating: 0, count: (4 - options.count % 4) % 4) }

    /// Header length the bytes really have (20 + padded options), whatever the data offset says.
    public var builtHeaderLength: Int { 20 + paddedOptions.count }

    /// The header (with the checksum left zero: the decoder does not verify it) and the payload.
    public var bytes: [UInt8] {
        let options = paddedOptions
        let offset = dataOffset ?? UInt8((20 + options.count) / 4)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(20 + options.count + payload.count)
        bytes.append16(sourcePort)
        bytes.append16(destinationPort)
        bytes.append32(sequence)
        bytes.append32(acknowledgment)
        bytes.append16(UInt16(offset & 0x0F) << 12 | flags & 0x0FFF)
        bytes.append16(window)
        bytes.append16(0)  // checksum
        bytes.append16(urgentPointer)
        return bytes + options + payload
    }
}

// MARK: - IPv4

public struct IPv4Builder: Sendable {
    public var source: [UInt8]
    public var destination: [UInt8]
    public var ttl: UInt8
    public var identification: UInt16
    public var protocolNumber: UInt8
    /// Option bytes; padded with EOL (zero) bytes to a multiple of 4.
    public var options: [UInt8]
    public var dontFragment: Bool
    public var moreFragments: Bool
    /// Fragment offset in bytes (a multiple of 8).
    public var fragmentOffset: Int
    /// Nil: header plus payload. 0 is what TSO/GRO captures show.
    public var totalLength: UInt16?
    /// The IHL field in 32-bit words; nil computes it from the options.
    public var headerLengthWords: UInt8?
    public var version: UInt8

    public init(source: [UInt8] = [192, 0, 2, 1], destination: [UInt8] = [198, 51, 100, 2], ttl: UInt8 = 64,
                identification: UInt16 = 0x1234, protocolNumber: UInt8 = 6, options: [UInt8] = [],
                dontFragment: Bool = false, moreFragments: Bool = false, fragmentOffset: Int = 0,
                totalLength: UInt16? = nil, headerLengthWords: UInt8? = nil, version: UInt8 = 4) {
        precondition(source.count == 4 && destination.count == 4, "IPv4 addresses are 4 bytes")
        self.source = source
        self.destination = destination
        self.ttl = ttl
        self.identification = identification
        self.protocolNumber = protocolNumber
        self.options = options
        self.dontFragment = dontFragment
        self.moreFragments = moreFragments
        self.fragmentOffset = fragmentOffset
        self.totalLength = totalLength
        self.headerLengthWords = headerLengthWords
        self.version = version
    }

    public var paddedOptions: [UInt8] { options + [UInt8](repeating: 0, count: (4 - options.count % 4) % 4) }

    /// The header (with a correct checksum) followed by `payload`.
    public func packet(_ payload: [UInt8]) -> [UInt8] {
        precondition(fragmentOffset % 8 == 0 && fragmentOffset < 8 << 13, "fragment offsets are 13 bits of 8 bytes")
        let options = paddedOptions
        let headerLength = 20 + options.count
        var header: [UInt8] = [version << 4 | (headerLengthWords ?? UInt8(headerLength / 4)) & 0x0F, 0]
        header.append16(totalLength ?? UInt16(headerLength + payload.count))
        header.append16(identification)
        header.append16((dontFragment ? 0x4000 : 0) | (moreFragments ? 0x2000 : 0) | UInt16(fragmentOffset / 8))
        header += [ttl, protocolNumber, 0, 0]
        header += source + destination + options
        let checksum = internetChecksum(header)
        header[10] = UInt8(checksum >> 8)
        header[11] = UInt8(checksum & 0xFF)
        return header + payload
    }

    /// One fragment carrying `piece` at `offset` bytes of the datagram's payload.
    public func fragment(_ piece: [UInt8], offset: Int, more: Bool) -> [UInt8] {
        var fragment = self
        fragment.fragmentOffset = offset
        fragment.moreFragments = more
        return fragment.packet(piece)
    }

    /// The fragment carrying `range` of `datagramPayload` (more fragments unless it reaches the end).
    public func fragment(of datagramPayload: [UInt8], _ range: Range<Int>) -> [UInt8] {
        fragment(Array(datagramPayload[range]), offset: range.lowerBound, more: range.upperBound < datagramPayload.count)
    }
}

/// RFC 1071 one's complement sum (for IPv4 header checksums, so captures look real in Wireshark).
func internetChecksum(_ bytes: [UInt8]) -> UInt16 {
    var sum: UInt32 = 0
    var i = 0
    while i + 1 < bytes.count {
        sum += UInt32(bytes[i]) << 8 | UInt32(bytes[i + 1])
        i += 2
    }
    if i < bytes.count { sum += UInt32(bytes[i]) << 8 }
    while sum > 0xFFFF { sum = (sum & 0xFFFF) + (sum >> 16) }
    return ~UInt16(sum)
}

/// IPv4 options (RFC 791 and friends).
public enum IPv4Option {
    public static let eol: [UInt8] = [0]
    public static let nop: [UInt8] = [1]
    /// Record route with room for `slots` addresses (type 7, fixed layout).
    public static func recordRoute(slots: Int) -> [UInt8] {
        [7, UInt8(3 + 4 * slots), 4] + [UInt8](repeating: 0, count: 4 * slots)
    }
    /// Router alert (type 148, RFC 2113).
    public static let routerAlert: [UInt8] = [148, 4, 0, 0]
    /// Any option: type, a length byte (2 + data unless given), data.
    public static func raw(type: UInt8, length: UInt8? = nil, data: [UInt8] = []) -> [UInt8] {
        [type, length ?? UInt8(2 + data.count)] + data
    }
}

// MARK: - IPv6

/// One IPv6 extension header (RFC 8200, 4302). `bytes(nextHeader:)` writes it naming the next one.
public enum IPv6Extension: Sendable, CustomStringConvertible {
    /// Options are padded with Pad1/PadN to a multiple of 8 bytes.
    case hopByHop(options: [UInt8] = [])
    /// Type, segments left, then type-specific data padded with zeros to a multiple of 8 bytes.
    case routing(type: UInt8 = 4, segmentsLeft: UInt8 = 0, data: [UInt8] = [UInt8](repeating: 0, count: 20))
    case destinationOptions(options: [UInt8] = [])
    /// Offset in bytes (a multiple of 8).
    case fragment(offset: Int, more: Bool, identification: UInt32)
    /// Authentication header: SPI, sequence, ICV (12 bytes for HMAC-SHA1-96).
    case authentication(spi: UInt32 = 0x100, sequence: UInt32 = 1, icv: [UInt8] = [UInt8](repeating: 0xA5, count: 12))

    public var protocolNumber: UInt8 {
        switch self {
        case .hopByHop: return 0
        case .routing: return 43
        case .destinationOptions: return 60
        case .fragment: return 44
        case .authentication: return 51
        }
    }

    public var description: String {
        switch self {
        case .hopByHop: return "hop-by-hop"
        case .routing: return "routing"
        case .destinationOptions: return "destination"
        case .fragment(let offset, let more, _): return "fragment(\(offset)\(more ? ",M" : ""))"
        case .authentication: return "AH"
        }
    }

    public func bytes(nextHeader: UInt8) -> [UInt8] {
        switch self {
        case .hopByHop(let options), .destinationOptions(let options):
            var body = options
            let padding = (8 - (2 + body.count) % 8) % 8
            if padding == 1 { body.append(0) }  // Pad1
            if padding >= 2 { body += [1, UInt8(padding - 2)] + [UInt8](repeating: 0, count: padding - 2) }  // PadN
            return [nextHeader, UInt8((2 + body.count) / 8 - 1)] + body
        case .routing(let type, let segmentsLeft, let data):
            let body = data + [UInt8](repeating: 0, count: (8 - (4 + data.count) % 8) % 8)
            return [nextHeader, UInt8((4 + body.count) / 8 - 1), type, segmentsLeft] + body
        case .fragment(let offset, let more, let identification):
            precondition(offset % 8 == 0 && offset < 8 << 13, "fragment offsets are 13 bits of 8 bytes")
            var bytes: [UInt8] = [nextHeader, 0]
            bytes.append16(UInt16(offset) | (more ? 1 : 0))
            bytes.append32(identification)
            return bytes
        case .authentication(let spi, let sequence, let icv):
            var bytes: [UInt8] = [nextHeader, UInt8((12 + icv.count) / 4 - 2), 0, 0]
            bytes.append32(spi)
            bytes.append32(sequence)
            return bytes + icv
        }
    }
}

public struct IPv6Builder: Sendable {
    public var source: [UInt8]
    public var destination: [UInt8]
    public var hopLimit: UInt8
    public var trafficClass: UInt8
    public var flowLabel: UInt32
    /// The upper-layer protocol, named by the last extension header (or the fixed header).
    public var nextHeader: UInt8
    public var extensionHeaders: [IPv6Extension]
    /// Nil: extension headers plus payload. 0 is what jumbograms and TSO captures show.
    public var payloadLength: UInt16?
    public var version: UInt8

    public static let defaultSource: [UInt8] = [0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]
    public static let defaultDestination: [UInt8] = [0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2]

    public init(source: [UInt8] = IPv6Builder.defaultSource, destination: [UInt8] = IPv6Builder.defaultDestination,
                hopLimit: UInt8 = 64, trafficClass: UInt8 = 0, flowLabel: UInt32 = 0x12345, nextHeader: UInt8 = 6,
                extensionHeaders: [IPv6Extension] = [], payloadLength: UInt16? = nil, version: UInt8 = 6) {
        precondition(source.count == 16 && destination.count == 16, "IPv6 addresses are 16 bytes")
        self.source = source
        self.destination = destination
        self.hopLimit = hopLimit
        self.trafficClass = trafficClass
        self.flowLabel = flowLabel
        self.nextHeader = nextHeader
        self.extensionHeaders = extensionHeaders
        self.payloadLength = payloadLength
        self.version = version
    }

    /// The extension header chain as written.
    public var extensionBytes: [UInt8] {
        var bytes: [UInt8] = []
        for (i, header) in extensionHeaders.enumerated() {
            let next = i + 1 < extensionHeaders.count ? extensionHeaders[i + 1].protocolNumber : nextHeader
            bytes += header.bytes(nextHeader: next)
        }
        return bytes
    }

    public func packet(_ payload: [UInt8]) -> [UInt8] {
        let extensions = extensionBytes
        var header: [UInt8] = []
        header.append32(UInt32(version) << 28 | UInt32(trafficClass) << 20 | flowLabel & 0xFFFFF)
        header.append16(payloadLength ?? UInt16(extensions.count + payload.count))
        header += [extensionHeaders.first?.protocolNumber ?? nextHeader, hopLimit]
        return header + source + destination + extensions + payload
    }

    /// One fragment: the extension headers before it, a fragment header, then `piece` (the
    /// fragmentable part, which may itself begin with extension headers) at `offset`.
    public func fragment(_ piece: [UInt8], offset: Int, more: Bool, identification: UInt32) -> [UInt8] {
        var fragment = self
        fragment.extensionHeaders.append(.fragment(offset: offset, more: more, identification: identification))
        return fragment.packet(piece)
    }

    /// The fragment carrying `range` of `datagramPayload` (more fragments unless it reaches the end).
    public func fragment(of datagramPayload: [UInt8], _ range: Range<Int>, identification: UInt32) -> [UInt8] {
        fragment(Array(datagramPayload[range]), offset: range.lowerBound, more: range.upperBound < datagramPayload.count,
                 identification: identification)
    }
}

// MARK: - Link layers

/// One 802.1Q / 802.1ad tag: the TPID that announces it, and its TCI.
public struct VLANTag: Sendable, CustomStringConvertible {
    public var tpid: UInt16
    public var vlan: UInt16
    public var priority: UInt8

    public init(tpid: UInt16 = 0x8100, vlan: UInt16 = 100, priority: UInt8 = 0) {
        self.tpid = tpid
        self.vlan = vlan
        self.priority = priority
    }

    public var description: String { "0x" + String(tpid, radix: 16) + "/\(vlan)" }
}

/// Link-layer headers, each written in front of a payload.
public enum LinkHeader {
    public static let etherTypeIPv4: UInt16 = 0x0800
    public static let etherTypeIPv6: UInt16 = 0x86DD
    static let destinationMAC: [UInt8] = [0x00, 0x11, 0x22, 0x33, 0x44, 0x55]
    static let sourceMAC: [UInt8] = [0x00, 0x66, 0x77, 0x88, 0x99, 0xAA]

    /// Ethernet II: MACs, then each tag's TPID and TCI, then `etherType`.
    public static func ethernet(_ payload: [UInt8], etherType: UInt16, tags: [VLANTag] = []) -> [UInt8] {
        var bytes = destinationMAC + sourceMAC
        for tag in tags {
            bytes.append16(tag.tpid)
            bytes.append16(UInt16(tag.priority & 7) << 13 | tag.vlan & 0x0FFF)
        }
        bytes.append16(etherType)
        return bytes + payload
    }

    /// IEEE 802.3: MACs (and tags), a length field instead of a type, then `llcFrame` (LLC and what follows).
    public static func ethernet8023(_ llcFrame: [UInt8], tags: [VLANTag] = []) -> [UInt8] {
        precondition(llcFrame.count <= 1500, "an 802.3 length is at most 1500")
        return ethernet(llcFrame, etherType: UInt16(llcFrame.count), tags: tags)
    }

    /// 802.2 LLC with a SNAP header (AA AA 03, OUI 00 00 00) naming `etherType`.
    public static func llcSNAP(_ payload: [UInt8], etherType: UInt16) -> [UInt8] {
        var bytes: [UInt8] = [0xAA, 0xAA, 0x03, 0x00, 0x00, 0x00]
        bytes.append16(etherType)
        return bytes + payload
    }

    /// 802.2 LLC without SNAP: DSAP, SSAP, UI control (SAP 0x06 is IP, RFC 948).
    public static func llc(_ payload: [UInt8], dsap: UInt8, ssap: UInt8) -> [UInt8] {
        [dsap, ssap, 0x03] + payload
    }

    /// Linux cooked v1 (16 bytes): packet type, ARPHRD_ETHER, a 6-byte address, protocol last.
    public static func linuxSLL(_ payload: [UInt8], protocolType: UInt16) -> [UInt8] {
        var bytes: [UInt8] = [0x00, 0x00, 0x00, 0x01, 0x00, 0x06]
        bytes += sourceMAC + [0, 0]
        bytes.append16(protocolType)
        return bytes + payload
    }

    /// Linux cooked v2 (20 bytes): protocol first, interface index, ARPHRD_ETHER, packet type, address.
    public static func linuxSLL2(_ payload: [UInt8], protocolType: UInt16) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.append16(protocolType)
        bytes += [0, 0]          // reserved
        bytes.append32(3)        // interface index
        bytes += [0x00, 0x01]    // ARPHRD_ETHER
        bytes += [0x04, 0x06]    // outgoing, address length
        return bytes + sourceMAC + [0, 0] + payload
    }

    /// BSD loopback: the address family as 4 bytes in either byte order.
    public static func null(_ payload: [UInt8], family: UInt32, bigEndian: Bool) -> [UInt8] {
        var bytes: [UInt8] = []
        if bigEndian { bytes.append32(family) } else { bytes.append32le(family) }
        return bytes + payload
    }

    /// PPP: optional FF 03, then the protocol in 2 bytes or (compressed) 1.
    public static func ppp(_ payload: [UInt8], protocolID: UInt16, addressAndControl: Bool, compressed: Bool) -> [UInt8] {
        var bytes: [UInt8] = addressAndControl ? [0xFF, 0x03] : []
        if compressed {
            precondition(protocolID <= 0xFF && protocolID & 1 == 1, "only odd one-byte protocols compress")
            bytes.append(UInt8(protocolID))
        } else {
            bytes.append16(protocolID)
        }
        return bytes + payload
    }

    /// Cisco HDLC: address (0x0F unicast, 0x8F multicast), control 0, EtherType.
    public static func ciscoHDLC(_ payload: [UInt8], etherType: UInt16, address: UInt8 = 0x0F) -> [UInt8] {
        var bytes: [UInt8] = [address, 0x00]
        bytes.append16(etherType)
        return bytes + payload
    }
}

/// A way of putting an IP packet on a link: the link type a capture file would name, and the
/// header in front. Cases cover every link type the decoder reads, so tests can run over all of them.
public enum LinkFraming: Sendable, CustomStringConvertible {
    case ethernet(tags: [VLANTag] = [])
    /// 802.3 length, LLC/SNAP, EtherType.
    case ethernetLLCSNAP(tags: [VLANTag] = [])
    case linuxSLL
    case linuxSLL2
    /// Cooked capture of an 802.2 frame (protocol 0x0004), here with SNAP.
    case linuxSLLWithLLC
    /// BSD NULL with AF_INET 2 or AF_INET6 `ipv6Family` (10 Linux, 24 NetBSD/OpenBSD, 28 FreeBSD, 30 macOS).
    case null(bigEndian: Bool, ipv6Family: UInt32 = 30)
    case loop(ipv6Family: UInt32 = 24)
    /// LINKTYPE_RAW (101) and DLT_RAW's old numbers 12 and 14: no header at all.
    case raw(LinkType = .raw)
    /// LINKTYPE_IPV4 / LINKTYPE_IPV6: no header, the version is fixed by the link type.
    case ipOnly
    case ppp(addressAndControl: Bool, compressed: Bool, linkType: LinkType = .ppp)
    case ciscoHDLC(address: UInt8 = 0x0F)
    /// PPPoE session and PPP, on Ethernet (EtherType 0x8864) or alone (LINKTYPE_PPP_ETHER, 51).
    case pppoe(onEthernet: Bool)
    /// An MPLS label stack on Ethernet (0x8847). (LINKTYPE_MPLS, 219, is a link type tshark 4.0.17
    /// cannot read.)
    case mpls(labels: [UInt32])
    /// FDDI with LLC/SNAP.
    case fddi
    /// Linux ARCnet, RFC 1201 (protocol 212 for IPv4, 196 for IPv6).
    case arcnetLinux
    /// An 802.11 data frame (From DS) with LLC/SNAP, behind a radio header (or none).
    case wireless(WirelessRadio, qos: Bool = false)
    /// Juniper Ethernet: the magic, flags and an extension TLV, then Ethernet (or, without L2, a
    /// protocol number and the packet).
    case juniperEther(noL2: Bool)
    case ipOverInfiniBand
    case nflog

    /// The link type of a record framed so, for an IP packet of `ipVersion` (4 or 6).
    public func linkType(ipVersion: Int) -> LinkType {
        switch self {
        case .ethernet, .ethernetLLCSNAP: return .ethernet
        case .linuxSLL, .linuxSLLWithLLC: return .linuxSLL
        case .linuxSLL2: return .linuxSLL2
        case .null: return .null
        case .loop: return .loop
        case .raw(let type): return type
        case .ipOnly: return ipVersion == 6 ? .ipv6 : .ipv4
        case .ppp(_, _, let type): return type
        case .ciscoHDLC: return .ciscoHDLC
        case .pppoe(let onEthernet): return onEthernet ? .ethernet : .pppoe
        case .mpls: return .ethernet
        case .fddi: return .fddi
        case .arcnetLinux: return .arcnetLinux
        case .wireless(let radio, _): return radio.linkType
        case .juniperEther: return .juniperEther
        case .ipOverInfiniBand: return .ipOverInfiniBand
        case .nflog: return .nflog
        }
    }

    /// Wraps `packet`, an IPv4 or IPv6 packet (told apart by the version nibble unless given).
    public func frame(_ packet: [UInt8], ipVersion: Int? = nil) -> [UInt8] {
        let v6 = (ipVersion ?? Int((packet.first ?? 0x40) >> 4)) == 6
        let etherType = v6 ? LinkHeader.etherTypeIPv6 : LinkHeader.etherTypeIPv4
        switch self {
        case .ethernet(let tags):
            return LinkHeader.ethernet(packet, etherType: etherType, tags: tags)
        case .ethernetLLCSNAP(let tags):
            return LinkHeader.ethernet8023(LinkHeader.llcSNAP(packet, etherType: etherType), tags: tags)
        case .linuxSLL:
            return LinkHeader.linuxSLL(packet, protocolType: etherType)
        case .linuxSLL2:
            return LinkHeader.linuxSLL2(packet, protocolType: etherType)
        case .linuxSLLWithLLC:
            return LinkHeader.linuxSLL(LinkHeader.llcSNAP(packet, etherType: etherType), protocolType: 0x0004)
        case .null(let bigEndian, let family6):
            return LinkHeader.null(packet, family: v6 ? family6 : 2, bigEndian: bigEndian)
        case .loop(let family6):
            return LinkHeader.null(packet, family: v6 ? family6 : 2, bigEndian: true)
        case .raw, .ipOnly:
            return packet
        case .ppp(let addressAndControl, let compressed, _):
            return LinkHeader.ppp(packet, protocolID: v6 ? 0x57 : 0x21, addressAndControl: addressAndControl, compressed: compressed)
        case .ciscoHDLC(let address):
            return LinkHeader.ciscoHDLC(packet, etherType: etherType, address: address)
        case .pppoe(let onEthernet):
            let session = TunnelHeader.pppoeSession(LinkHeader.ppp(packet, protocolID: v6 ? 0x57 : 0x21, addressAndControl: false,
                                                                    compressed: false))
            return onEthernet ? LinkHeader.ethernet(session, etherType: 0x8864) : session
        case .mpls(let labels):
            return LinkHeader.ethernet(TunnelHeader.mpls(packet, labels: labels), etherType: 0x8847)
        case .fddi:
            return LinkHeader.fddi(LinkHeader.llcSNAP(packet, etherType: etherType))
        case .arcnetLinux:
            return LinkHeader.arcnetLinux(packet, protocolID: v6 ? 196 : 212)
        case .wireless(let radio, let qos):
            return radio.wrap(Wireless.dataFrame(LinkHeader.llcSNAP(packet, etherType: etherType), qos: qos))
        case .juniperEther(let noL2):
            return noL2 ? LinkHeader.juniper(packet, flags: 0x03, extensions: [(4, [0, 0, 0, 9])], protocolNumber: v6 ? 6 : 2)
                : LinkHeader.juniper(LinkHeader.ethernet(packet, etherType: etherType), extensions: [(4, [0, 0, 0, 9])])
        case .ipOverInfiniBand:
            return LinkHeader.ipOverInfiniBand(packet, type: etherType)
        case .nflog:
            return LinkHeader.nflog(packet, family: v6 ? 10 : 2)
        }
    }

    /// Bytes in front of the IP header (a 4-byte packet, so no link layer pads it).
    public var headerLength: Int { frame([0x45, 0, 0, 0], ipVersion: 4).count - 4 }

    public var description: String {
        switch self {
        case .ethernet(let tags): return tags.isEmpty ? "ethernet" : "ethernet\(tags)"
        case .ethernetLLCSNAP(let tags): return tags.isEmpty ? "802.3+SNAP" : "802.3+SNAP\(tags)"
        case .linuxSLL: return "SLL"
        case .linuxSLL2: return "SLL2"
        case .linuxSLLWithLLC: return "SLL+LLC"
        case .null(let bigEndian, let family6): return "NULL(\(bigEndian ? "BE" : "LE"), AF_INET6=\(family6))"
        case .loop(let family6): return "LOOP(AF_INET6=\(family6))"
        case .raw(let type): return "raw(\(type.rawValue))"
        case .ipOnly: return "IPv4/IPv6 link type"
        case .ppp(let ac, let compressed, let type):
            return "PPP(\(type.rawValue)\(ac ? ", FF 03" : "")\(compressed ? ", compressed" : ""))"
        case .ciscoHDLC(let address): return "CiscoHDLC(0x" + String(address, radix: 16) + ")"
        case .pppoe(let onEthernet): return onEthernet ? "Ethernet/PPPoE" : "PPP_ETHER"
        case .mpls(let labels): return "Ethernet/MPLS\(labels)"
        case .fddi: return "FDDI"
        case .arcnetLinux: return "ARCnet(Linux)"
        case .wireless(let radio, let qos): return "802.11\(qos ? "(QoS)" : "")/\(radio)"
        case .juniperEther(let noL2): return noL2 ? "Juniper(no L2)" : "Juniper Ethernet"
        case .ipOverInfiniBand: return "IPoIB"
        case .nflog: return "NFLOG"
        }
    }

    /// One of each link type and variant the decoder reads.
    public static let all: [LinkFraming] = [
        .ethernet(), .ethernet(tags: [VLANTag()]), .ethernetLLCSNAP(), .linuxSLL, .linuxSLL2, .linuxSLLWithLLC,
        .null(bigEndian: false), .null(bigEndian: true), .loop(), .raw(.raw), .raw(.rawDLT12), .raw(.rawDLT14), .ipOnly,
        .ppp(addressAndControl: false, compressed: false), .ppp(addressAndControl: true, compressed: false),
        .ppp(addressAndControl: false, compressed: true), .ppp(addressAndControl: true, compressed: true),
        .ppp(addressAndControl: true, compressed: false, linkType: .pppHDLC), .ciscoHDLC(), .ciscoHDLC(address: 0x8F),
        .pppoe(onEthernet: true), .pppoe(onEthernet: false), .mpls(labels: [18, 16]), .mpls(labels: [3]), .fddi, .arcnetLinux,
        .wireless(.none), .wireless(.none, qos: true), .wireless(.radiotap()), .wireless(.radiotap(tsft: true), qos: true),
        .wireless(.ppi), .juniperEther(noL2: false), .juniperEther(noL2: true), .ipOverInfiniBand, .nflog,
    ]
}

/// The radio header in front of an 802.11 frame: none (LINKTYPE_IEEE802_11), radiotap or PPI.
public enum WirelessRadio: Sendable, CustomStringConvertible {
    case none
    case radiotap(flags: UInt8 = 0, tsft: Bool = false)
    case ppi

    public var linkType: LinkType {
        switch self {
        case .none: return .ieee80211
        case .radiotap: return .radiotap
        case .ppi: return .ppi
        }
    }

    public func wrap(_ frame: [UInt8]) -> [UInt8] {
        switch self {
        case .none: return frame
        case .radiotap(let flags, let tsft): return Wireless.radiotap(frame, flags: flags, tsft: tsft)
        case .ppi: return Wireless.ppi(frame)
        }
    }

    public var description: String {
        switch self {
        case .none: return "no radio header"
        case .radiotap(let flags, let tsft): return "radiotap(flags 0x\(String(flags, radix: 16))\(tsft ? ", TSFT" : ""))"
        case .ppi: return "PPI"
        }
    }
}

// MARK: - More link layers

extension LinkHeader {
    /// FDDI: frame control (0x50, asynchronous LLC), destination, source, then `llcFrame`.
    public static func fddi(_ llcFrame: [UInt8], frameControl: UInt8 = 0x50) -> [UInt8] {
        [frameControl] + destinationMAC + sourceMAC + llcFrame
    }

    /// Linux ARCnet: source, destination, offset (2), protocol ID, and for RFC 1201 protocols (212 is
    /// IP, 196 IPv6) a split flag and a 2-byte sequence number.
    public static func arcnetLinux(_ payload: [UInt8], protocolID: UInt8) -> [UInt8] {
        var bytes: [UInt8] = [0x50, 0xBE, 0x00, 0x00, protocolID]
        if protocolID != 240 && protocolID != 241 { bytes += [0x00, 0x01, 0x67] }
        return bytes + payload
    }

    /// Juniper: "MGC", flags (0x01 incoming, 0x02 no L2 header, 0x80 extensions), extension TLVs
    /// (type, length, value), then an Ethernet frame, or (no L2) a little-endian protocol number
    /// and the packet.
    public static func juniper(_ payload: [UInt8], flags: UInt8 = 0x01, extensions: [(type: UInt8, value: [UInt8])] = [],
                               protocolNumber: UInt32? = nil) -> [UInt8] {
        var bytes: [UInt8] = [0x4D, 0x47, 0x43, flags | (extensions.isEmpty ? 0 : 0x80)]
        if !extensions.isEmpty {
            let tlvs = extensions.flatMap { [$0.type, UInt8($0.value.count)] + $0.value }
            bytes.append16(UInt16(tlvs.count))
            bytes += tlvs
        }
        if let protocolNumber { bytes.append32le(protocolNumber) }  // Wireshark keeps only its low byte
        return bytes + payload
    }

    /// LINKTYPE_IPOIB: a 40-byte pseudo-header (zeros: unicast), type, reserved.
    public static func ipOverInfiniBand(_ payload: [UInt8], type: UInt16) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: 40)
        bytes.append16(type)
        bytes += [0, 0]
        return bytes + payload
    }

    /// NFLOG: family (2 IPv4, 10 IPv6), version 0, resource ID, then TLVs in little-endian order
    /// (length, type, value padded to 4): a packet header (hardware protocol, hook), a prefix, and the
    /// payload last.
    public static func nflog(_ packet: [UInt8], family: UInt8, hardwareProtocol: UInt16 = 0, bigEndian: Bool = false) -> [UInt8] {
        var bytes: [UInt8] = [family, 0, 0, 1]
        func tlv(_ type: UInt16, _ value: [UInt8]) {
            let length = UInt16(4 + value.count)
            if bigEndian { bytes.append16(length); bytes.append16(type) } else {
                bytes += [UInt8(length & 0xFF), UInt8(length >> 8), UInt8(type & 0xFF), UInt8(type >> 8)]
            }
            bytes += value + [UInt8](repeating: 0, count: (4 - value.count % 4) % 4)
        }
        tlv(1, [UInt8(hardwareProtocol >> 8), UInt8(hardwareProtocol & 0xFF), 3, 0])
        tlv(10, Array("rstscope\0".utf8))
        tlv(9, packet)
        return bytes
    }
}

/// IEEE 802.11 data frames and the radio headers in front of them.
public enum Wireless {
    static let bssid: [UInt8] = [0x00, 0x0B, 0x86, 0x01, 0x02, 0x03]

    /// A data frame carrying `body`. Addresses follow To DS / From DS (the source and destination
    /// MACs of LinkHeader are the frame's SA and DA). `sequenceControl` holds the fragment number in
    /// its low 4 bits.
    public static func dataFrame(_ body: [UInt8], toDS: Bool = false, fromDS: Bool = true, qos: Bool = false,
                                 amsdu: Bool = false, order: Bool = false, protected: Bool = false,
                                 moreFragments: Bool = false, sequenceControl: UInt16 = 0x1230) -> [UInt8] {
        let flags: UInt8 = (toDS ? 0x01 : 0) | (fromDS ? 0x02 : 0) | (moreFragments ? 0x04 : 0)
            | (protected ? 0x40 : 0) | (order ? 0x80 : 0)
        var bytes: [UInt8] = [qos ? 0x88 : 0x08, flags, 0x2C, 0x00]
        let da = LinkHeader.destinationMAC, sa = LinkHeader.sourceMAC
        switch (toDS, fromDS) {
        case (false, false): bytes += da + sa + bssid
        case (false, true): bytes += da + bssid + sa
        case (true, false): bytes += bssid + sa + da
        case (true, true): bytes += bssid + bssid + da
        }
        bytes += [UInt8(sequenceControl & 0xFF), UInt8(sequenceControl >> 8)]
        if toDS && fromDS { bytes += sa }
        if qos { bytes += [amsdu ? 0x80 : 0x00, 0x00] }
        if qos && order { bytes += [0, 0, 0, 0] }
        return bytes + body
    }

    /// One A-MSDU subframe: destination, source, big-endian length, `llcFrame`, padded to 4 when
    /// another follows.
    public static func amsduSubframe(_ llcFrame: [UInt8], last: Bool) -> [UInt8] {
        var bytes = LinkHeader.destinationMAC + LinkHeader.sourceMAC
        bytes.append16(UInt16(llcFrame.count))
        bytes += llcFrame
        if !last { bytes += [UInt8](repeating: 0, count: (4 - bytes.count % 4) % 4) }
        return bytes
    }

    /// Radiotap: version 0, the present bitmap, then TSFT (8 bytes) if asked, Flags (0x10 FCS at the
    /// end, 0x20 header padded to 4) and Rate. `fcs` appends 4 bytes to the frame.
    public static func radiotap(_ frame: [UInt8], flags: UInt8 = 0, tsft: Bool = false) -> [UInt8] {
        var fields: [UInt8] = []
        if tsft { fields += [1, 2, 3, 4, 5, 6, 7, 8] }
        fields += [flags, 0x02]
        var bytes: [UInt8] = [0, 0]
        let length = 8 + fields.count
        bytes += [UInt8(length & 0xFF), UInt8(length >> 8)]
        bytes.append32le((tsft ? 0b001 : 0) | 0b110)
        let fcs: [UInt8] = flags & 0x10 != 0 ? [0xDE, 0xAD, 0xBE, 0xEF] : []
        return bytes + fields + frame + fcs
    }

    /// PPI: version 0, flags 0, length, DLT 105 (802.11), an 802.11-Common field (FCS flag), and
    /// optionally an 802.11n MAC field (aggregate flag 0x10).
    public static func ppi(_ frame: [UInt8], fcs: Bool = false, aggregate: Bool? = nil, dlt: UInt32 = 105) -> [UInt8] {
        var fields: [UInt8] = [2, 0, 20, 0]  // 802.11-Common, 20 bytes
        var common = [UInt8](repeating: 0, count: 20)
        common[8] = fcs ? 0x01 : 0x00
        fields += common
        if let aggregate {
            fields += [3, 0, 12, 0]  // 802.11n MAC, 12 bytes
            var mac = [UInt8](repeating: 0, count: 12)
            mac[0] = aggregate ? 0x10 : 0x00
            fields += mac
        }
        var bytes: [UInt8] = [0, 0]
        let length = 8 + fields.count
        bytes += [UInt8(length & 0xFF), UInt8(length >> 8)]
        bytes.append32le(dlt)
        let trailer: [UInt8] = fcs ? [0xDE, 0xAD, 0xBE, 0xEF] : []
        return bytes + fields + frame + trailer
    }
}

// MARK: - Tunnels and encapsulations

/// UDP (the checksum is left zero, as the decoder and tshark's defaults do not check it).
public struct UDPBuilder: Sendable {
    public var sourcePort: UInt16
    public var destinationPort: UInt16
    /// Nil: header plus payload.
    public var length: UInt16?

    public init(sourcePort: UInt16 = 49152, destinationPort: UInt16, length: UInt16? = nil) {
        self.sourcePort = sourcePort
        self.destinationPort = destinationPort
        self.length = length
    }

    public func datagram(_ payload: [UInt8]) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.append16(sourcePort)
        bytes.append16(destinationPort)
        bytes.append16(length ?? UInt16(8 + payload.count))
        bytes.append16(0)
        return bytes + payload
    }
}

/// Tunnel and encapsulation headers, each written in front of what it carries.
public enum TunnelHeader {
    /// GRE (RFC 2784/2890, PPTP's enhanced GRE with version 1): the optional fields in their order.
    /// `routing` holds source route entries' bodies (address family 0x0800, offset 0); a null entry
    /// ends them.
    public static func gre(_ payload: [UInt8], protocolType: UInt16, checksum: Bool = false, key: UInt32? = nil,
                           sequence: UInt32? = nil, acknowledgment: UInt32? = nil, routing: [[UInt8]]? = nil,
                           version: UInt8 = 0) -> [UInt8] {
        var flags: UInt16 = UInt16(version & 7)
        if checksum { flags |= 0x8000 }
        if routing != nil { flags |= 0x4000 }
        if key != nil { flags |= 0x2000 }
        if sequence != nil { flags |= 0x1000 }
        if acknowledgment != nil { flags |= 0x0080 }
        var bytes: [UInt8] = []
        bytes.append16(flags)
        bytes.append16(protocolType)
        if checksum || routing != nil { bytes += [0, 0, 0, 0] }
        if let key { bytes.append32(key) }
        if let sequence { bytes.append32(sequence) }
        if let acknowledgment { bytes.append32(acknowledgment) }
        if let routing {
            for entry in routing { bytes += [0x08, 0x00, 0, UInt8(entry.count)] + entry }
            bytes += [0, 0, 0, 0]
        }
        return bytes + payload
    }

    /// ERSPAN type II (version 1): 8 bytes, then an Ethernet frame.
    public static func erspanII(_ frame: [UInt8], vlan: UInt16 = 100, session: UInt16 = 7) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.append16(0x1000 | vlan & 0x0FFF)
        bytes.append16(session & 0x03FF)
        bytes.append32(0)
        return bytes + frame
    }

    /// ERSPAN type III (version 2): 12 bytes, an 8-byte platform subheader when asked, then the
    /// frame; `frameType` 0 is Ethernet.
    public static func erspanIII(_ frame: [UInt8], subheader: Bool = false, frameType: UInt16 = 0) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.append16(0x2000 | 100)
        bytes.append16(7)
        bytes.append32(0x1234_5678)  // timestamp
        bytes.append16(0)            // SGT
        bytes.append16((frameType & 0x1F) << 10 | (subheader ? 1 : 0))
        if subheader { bytes += [0x04, 0, 0, 0, 0, 0, 0, 0] }
        return bytes + frame
    }

    public static func vxlan(_ frame: [UInt8], vni: UInt32 = 5000) -> [UInt8] {
        var bytes: [UInt8] = [0x08, 0, 0, 0]
        bytes.append32(vni << 8)
        return bytes + frame
    }

    /// VXLAN-GPE: next protocol 1 IPv4, 2 IPv6, 3 Ethernet, 5 MPLS.
    public static func vxlanGPE(_ payload: [UInt8], nextProtocol: UInt8, vni: UInt32 = 5000) -> [UInt8] {
        var bytes: [UInt8] = [0x0C, 0, 0, nextProtocol]
        bytes.append32(vni << 8)
        return bytes + payload
    }

    /// Geneve: option bytes (a multiple of 4) and a protocol type (an EtherType; 0x6558 Ethernet).
    public static func geneve(_ payload: [UInt8], protocolType: UInt16, options: [UInt8] = [], vni: UInt32 = 5000) -> [UInt8] {
        precondition(options.count % 4 == 0 && options.count <= 252, "Geneve options are 4-byte words")
        var bytes: [UInt8] = [UInt8(options.count / 4), 0]
        bytes.append16(protocolType)
        bytes.append32(vni << 8)
        return bytes + options + payload
    }

    /// One Geneve option: class, type, length in words, data (padded to 4).
    public static func geneveOption(class optionClass: UInt16 = 0x0103, type: UInt8 = 0x80, data: [UInt8]) -> [UInt8] {
        let padded = data + [UInt8](repeating: 0, count: (4 - data.count % 4) % 4)
        var bytes: [UInt8] = []
        bytes.append16(optionClass)
        bytes += [type, UInt8(padded.count / 4)]
        return bytes + padded
    }

    /// GTPv1-U: flags (version 1, PT 1, E/S as needed), message type (0xFF is a T-PDU), length, TEID,
    /// then the optional fields and extension headers (type, content whose length makes the header a
    /// multiple of 4 bytes).
    public static func gtpU(_ payload: [UInt8], teid: UInt32 = 0x0102_0304, messageType: UInt8 = 0xFF, sequence: UInt16? = nil,
                            extensions: [(type: UInt8, content: [UInt8])] = [], length: UInt16? = nil) -> [UInt8] {
        var optional: [UInt8] = []
        if sequence != nil || !extensions.isEmpty {
            optional.append16(sequence ?? 0)
            optional.append(0)  // N-PDU number
            optional.append(extensions.first?.type ?? 0)
            for (i, ext) in extensions.enumerated() {
                precondition((ext.content.count + 2) % 4 == 0, "an extension header is a multiple of 4 bytes")
                optional.append(UInt8((ext.content.count + 2) / 4))
                optional += ext.content
                optional.append(i + 1 < extensions.count ? extensions[i + 1].type : 0)
            }
        }
        let flags: UInt8 = 0x30 | (extensions.isEmpty ? 0 : 0x04) | (sequence != nil ? 0x02 : 0)
        var bytes: [UInt8] = [flags, messageType]
        bytes.append16(length ?? UInt16(optional.count + payload.count))
        bytes.append32(teid)
        return bytes + optional + payload
    }

    /// An MPLS label stack (the last label has the bottom-of-stack bit), TTL 64.
    public static func mpls(_ payload: [UInt8], labels: [UInt32]) -> [UInt8] {
        var bytes: [UInt8] = []
        for (i, label) in labels.enumerated() {
            bytes.append32(label << 12 | (i == labels.count - 1 ? 0x100 : 0) | 64)
        }
        return bytes + payload
    }

    /// A PPPoE session header (version/type 0x11, code 0) in front of `ppp` (PPP protocol and
    /// packet); `length` defaults to the PPP bytes (plus 8 with a credits tag).
    public static func pppoeSession(_ ppp: [UInt8], session: UInt16 = 0x0042, credits: Bool = false, length: UInt16? = nil) -> [UInt8] {
        let tag: [UInt8] = credits ? [0x01, 0x06, 0x00, 0x04, 0x00, 0x10, 0x00, 0x20] : []
        var bytes: [UInt8] = [0x11, 0x00]
        bytes.append16(session)
        bytes.append16(length ?? UInt16(tag.count + ppp.count))
        return bytes + tag + ppp
    }

    /// Teredo: an optional authentication header (no client ID or value, nonce, confirmation) and
    /// origin indication (port and address, both obfuscated), then the IPv6 packet.
    public static func teredo(_ ipv6: [UInt8], authentication: Bool = false, origin: Bool = false) -> [UInt8] {
        var bytes: [UInt8] = []
        if authentication { bytes += [0x00, 0x01, 0, 0] + [UInt8](repeating: 0x11, count: 8) + [0] }
        if origin { bytes += [0x00, 0x00, 0xF2, 0x3E, 0x3F, 0xFF, 0xFD, 0xFE] }
        return bytes + ipv6
    }

    /// An L2TPv2 data message (tunnel 1, session 2) carrying `ppp`: with a length field, Ns/Nr and
    /// an offset (with that much padding) when asked.
    public static func l2tp(_ ppp: [UInt8], length: Bool = false, sequence: Bool = false, padding: Int? = nil, control: Bool = false) -> [UInt8] {
        var header: [UInt8] = []
        let flags: UInt16 = (control ? 0x8000 : 0) | (length ? 0x4000 : 0) | (sequence ? 0x0800 : 0) | (padding != nil ? 0x0200 : 0) | 2
        header.append16(flags)
        let lengthAt = header.count
        if length { header.append16(0) }
        header.append16(1)
        header.append16(2)
        if sequence { header += [0, 5, 0, 6] }
        if let padding { header.append16(UInt16(padding)); header += [UInt8](repeating: 0, count: padding) }
        var bytes = header + ppp
        if length {
            bytes[lengthAt] = UInt8(bytes.count >> 8)
            bytes[lengthAt + 1] = UInt8(bytes.count & 0xFF)
        }
        return bytes
    }

    /// EtherIP: version 3, then an Ethernet frame.
    public static func etherIP(_ frame: [UInt8]) -> [UInt8] { [0x30, 0x00] + frame }

    /// An sFlow v5 datagram (agent 192.0.2.99) holding `samples`.
    public static func sflow(_ samples: [[UInt8]]) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.append32(5)
        bytes.append32(1)
        bytes += [192, 0, 2, 99]
        bytes.append32(0)        // sub-agent
        bytes.append32(1)        // sequence
        bytes.append32(123_456)  // uptime
        bytes.append32(UInt32(samples.count))
        return samples.reduce(bytes, +)
    }

    /// An sFlow v5 flow sample holding `records`.
    public static func sflowFlowSample(_ records: [[UInt8]]) -> [UInt8] {
        var body: [UInt8] = []
        for value: UInt32 in [1, 3, 400, 1000, 0, 1, 2] { body.append32(value) }  // sequence ... output
        body.append32(UInt32(records.count))
        body = records.reduce(body, +)
        var bytes: [UInt8] = []
        bytes.append32(1)
        bytes.append32(UInt32(body.count))
        return bytes + body
    }

    /// An sFlow counters sample (its content is never read).
    public static func sflowCountersSample() -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.append32(2)
        bytes.append32(12)
        bytes += [0, 0, 0, 1, 0, 0, 0, 3, 0, 0, 0, 0]
        return bytes
    }

    /// A raw packet header record: header protocol (1 Ethernet, 11 IPv4, 12 IPv6), the sampled
    /// frame's length, bytes stripped, the header's length, then the header padded to 4.
    public static func sflowRawHeader(_ header: [UInt8], protocolID: UInt32 = 1, frameLength: UInt32? = nil) -> [UInt8] {
        var body: [UInt8] = []
        body.append32(protocolID)
        body.append32(frameLength ?? UInt32(header.count))
        body.append32(4)
        body.append32(UInt32(header.count))
        body += header + [UInt8](repeating: 0, count: (4 - header.count % 4) % 4)
        var bytes: [UInt8] = []
        bytes.append32(1)
        bytes.append32(UInt32(body.count))
        return bytes + body
    }

    /// Another flow record (extended switch data), skipped by its length.
    public static func sflowSwitchRecord() -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.append32(1001)
        bytes.append32(16)
        for value: UInt32 in [10, 0, 20, 0] { bytes.append32(value) }
        return bytes
    }
}

/// A tunnel an IP packet travels in: `packet(_:outerVersion:)` wraps the inner IP packet (4 or 6, told
/// by its version nibble) in the tunnel's headers and an outer IPv4 or IPv6 packet, at the tunnel's
/// default port. Cases cover every tunnel the decoder follows, so tests can run over all of them.
public enum TunnelFraming: Sendable, CustomStringConvertible {
    /// IP protocol 4 or 41, by the inner version.
    case ipInIP
    case gre(key: UInt32? = nil, sequence: UInt32? = nil, checksum: Bool = false)
    /// GRE with a source route (two entries).
    case greRouted
    /// Transparent Ethernet bridging (0x6558), keyed like NVGRE.
    case greEthernet
    /// ERSPAN type I (0x88BE without a sequence number), II (with one), III (0x22EB, with subheader).
    case erspan(type: Int)
    case greMPLS
    /// PPTP: enhanced GRE (version 1) with key, sequence and acknowledgment, PPP in HDLC framing.
    case grePPTP
    case greInUDP
    /// L2TPv2 data (length, sequence numbers, offset) carrying PPP with FF 03.
    case l2tp
    case etherIP
    case vxlan
    case vxlanGPE(ethernet: Bool)
    case geneve(options: Bool)
    case geneveEthernet
    case gtpU(extensions: Bool)
    case teredo(authentication: Bool, origin: Bool)
    /// One sFlow sample whose raw packet header is the inner packet in an Ethernet frame.
    case sflow

    static func ethernetFrame(_ packet: [UInt8]) -> [UInt8] { LinkFraming.ethernet().frame(packet) }
    static func etherType(_ packet: [UInt8]) -> UInt16 { packet.first.map { $0 >> 4 == 6 } == true ? 0x86DD : 0x0800 }

    /// The bytes after the outer IP header, and the IP protocol that names them.
    public func payload(_ inner: [UInt8]) -> (protocolNumber: UInt8, bytes: [UInt8]) {
        let v6 = inner.first.map { $0 >> 4 == 6 } ?? false
        switch self {
        case .ipInIP:
            return (v6 ? 41 : 4, inner)
        case .gre(let key, let sequence, let checksum):
            return (47, TunnelHeader.gre(inner, protocolType: Self.etherType(inner), checksum: checksum, key: key, sequence: sequence))
        case .greRouted:
            return (47, TunnelHeader.gre(inner, protocolType: Self.etherType(inner), routing: [[10, 0, 0, 1, 10, 0, 0, 2]]))
        case .greEthernet:
            return (47, TunnelHeader.gre(Self.ethernetFrame(inner), protocolType: 0x6558, key: 0x0012_3400))
        case .erspan(let type):
            let frame = Self.ethernetFrame(inner)
            switch type {
            case 1: return (47, TunnelHeader.gre(frame, protocolType: 0x88BE))
            case 2: return (47, TunnelHeader.gre(TunnelHeader.erspanII(frame), protocolType: 0x88BE, sequence: 9))
            default: return (47, TunnelHeader.gre(TunnelHeader.erspanIII(frame, subheader: true), protocolType: 0x22EB, sequence: 9))
            }
        case .greMPLS:
            return (47, TunnelHeader.gre(TunnelHeader.mpls(inner, labels: [16, 17]), protocolType: 0x8847))
        case .grePPTP:
            let ppp = LinkHeader.ppp(inner, protocolID: v6 ? 0x57 : 0x21, addressAndControl: true, compressed: false)
            var gre = TunnelHeader.gre(ppp, protocolType: 0x880B, key: 0, sequence: 3, acknowledgment: 2, version: 1)
            gre[4] = UInt8(ppp.count >> 8)  // PPTP's key field: payload length, call ID
            gre[5] = UInt8(ppp.count & 0xFF)
            return (47, gre)
        case .greInUDP:
            return (17, UDPBuilder(destinationPort: 4754).datagram(TunnelHeader.gre(inner, protocolType: Self.etherType(inner))))
        case .l2tp:
            let ppp = LinkHeader.ppp(inner, protocolID: v6 ? 0x57 : 0x21, addressAndControl: true, compressed: false)
            return (17, UDPBuilder(sourcePort: 1701, destinationPort: 1701).datagram(TunnelHeader.l2tp(ppp, length: true, sequence: true, padding: 2)))
        case .etherIP:
            return (97, TunnelHeader.etherIP(Self.ethernetFrame(inner)))
        case .vxlan:
            return (17, UDPBuilder(sourcePort: 51000, destinationPort: 4789).datagram(TunnelHeader.vxlan(Self.ethernetFrame(inner))))
        case .vxlanGPE(let ethernet):
            let body = ethernet ? TunnelHeader.vxlanGPE(Self.ethernetFrame(inner), nextProtocol: 3)
                : TunnelHeader.vxlanGPE(inner, nextProtocol: v6 ? 2 : 1)
            return (17, UDPBuilder(sourcePort: 51000, destinationPort: 4790).datagram(body))
        case .geneve(let options):
            let option = options ? TunnelHeader.geneveOption(data: [1, 2, 3, 4, 5, 6, 7, 8]) + TunnelHeader.geneveOption(data: []) : []
            return (17, UDPBuilder(sourcePort: 51000, destinationPort: 6081).datagram(
                TunnelHeader.geneve(inner, protocolType: Self.etherType(inner), options: option)))
        case .geneveEthernet:
            return (17, UDPBuilder(sourcePort: 51000, destinationPort: 6081).datagram(
                TunnelHeader.geneve(Self.ethernetFrame(inner), protocolType: 0x6558)))
        case .gtpU(let extensions):
            let gtp = extensions
                ? TunnelHeader.gtpU(inner, sequence: 77, extensions: [(0x85, [0x00, 0x09]), (0x40, [0x08, 0x68])])
                : TunnelHeader.gtpU(inner)
            return (17, UDPBuilder(sourcePort: 2152, destinationPort: 2152).datagram(gtp))
        case .teredo(let authentication, let origin):
            return (17, UDPBuilder(sourcePort: 3544, destinationPort: 51000).datagram(
                TunnelHeader.teredo(inner, authentication: authentication, origin: origin)))
        case .sflow:
            let sample = TunnelHeader.sflowFlowSample([TunnelHeader.sflowRawHeader(Self.ethernetFrame(inner))])
            return (17, UDPBuilder(sourcePort: 51000, destinationPort: 6343).datagram(TunnelHeader.sflow([sample])))
        }
    }

    /// The outer IP packet (IPv4 from 203.0.113.1, or IPv6) carrying `inner` through the tunnel.
    public func packet(_ inner: [UInt8], outerVersion: Int) -> [UInt8] {
        let (protocolNumber, bytes) = payload(inner)
        if outerVersion == 6 {
            return IPv6Builder(source: [0x20, 0x01, 0x0d, 0xb8, 0xff, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1],
                               destination: [0x20, 0x01, 0x0d, 0xb8, 0xff, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2],
                               hopLimit: 200, nextHeader: protocolNumber).packet(bytes)
        }
        return IPv4Builder(source: [203, 0, 113, 1], destination: [203, 0, 113, 2], ttl: 200, identification: 0x7777,
                           protocolNumber: protocolNumber).packet(bytes)
    }

    public var description: String {
        switch self {
        case .ipInIP: return "IP-in-IP"
        case .gre(let key, let sequence, let checksum):
            return "GRE" + (checksum ? "+C" : "") + (key != nil ? "+K" : "") + (sequence != nil ? "+S" : "")
        case .greRouted: return "GRE+R"
        case .greEthernet: return "GRE/Ethernet"
        case .erspan(let type): return "ERSPAN type \(type)"
        case .greMPLS: return "GRE/MPLS"
        case .grePPTP: return "PPTP GRE/PPP"
        case .greInUDP: return "GRE-in-UDP"
        case .l2tp: return "L2TP"
        case .etherIP: return "EtherIP"
        case .vxlan: return "VXLAN"
        case .vxlanGPE(let ethernet): return ethernet ? "VXLAN-GPE/Ethernet" : "VXLAN-GPE/IP"
        case .geneve(let options): return options ? "Geneve+options" : "Geneve/IP"
        case .geneveEthernet: return "Geneve/Ethernet"
        case .gtpU(let extensions): return extensions ? "GTP-U+extensions" : "GTP-U"
        case .teredo(let authentication, let origin):
            return "Teredo" + (authentication ? "+auth" : "") + (origin ? "+origin" : "")
        case .sflow: return "sFlow"
        }
    }

    /// One of each tunnel and variant the decoder follows.
    public static let all: [TunnelFraming] = [
        .ipInIP, .gre(), .gre(key: 0xABCD, sequence: 5, checksum: true), .greRouted, .greEthernet,
        .erspan(type: 1), .erspan(type: 2), .erspan(type: 3), .greMPLS, .grePPTP, .greInUDP, .l2tp, .etherIP,
        .vxlan, .vxlanGPE(ethernet: true), .vxlanGPE(ethernet: false), .geneve(options: false), .geneve(options: true),
        .geneveEthernet, .gtpU(extensions: false), .gtpU(extensions: true),
        .teredo(authentication: false, origin: false), .teredo(authentication: true, origin: true), .sflow,
    ]

    /// Teredo carries only IPv6.
    public var carriesIPv4: Bool {
        if case .teredo = self { return false }
        return true
    }
}
