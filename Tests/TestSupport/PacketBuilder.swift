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
        }
    }

    /// Bytes in front of the IP header.
    public var headerLength: Int { frame([0x45], ipVersion: 4).count - 1 }

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
        }
    }

    /// One of each link type and variant the decoder reads.
    public static let all: [LinkFraming] = [
        .ethernet(), .ethernet(tags: [VLANTag()]), .ethernetLLCSNAP(), .linuxSLL, .linuxSLL2, .linuxSLLWithLLC,
        .null(bigEndian: false), .null(bigEndian: true), .loop(), .raw(.raw), .raw(.rawDLT12), .raw(.rawDLT14), .ipOnly,
        .ppp(addressAndControl: false, compressed: false), .ppp(addressAndControl: true, compressed: false),
        .ppp(addressAndControl: false, compressed: true), .ppp(addressAndControl: true, compressed: true),
        .ppp(addressAndControl: true, compressed: false, linkType: .pppHDLC), .ciscoHDLC(), .ciscoHDLC(address: 0x8F),
    ]
}
