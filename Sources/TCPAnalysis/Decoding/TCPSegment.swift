import PacketCore

/// The TCP flag bits (the low 12 bits of header bytes 12-13, as Wireshark's `tcp.flags`).
@frozen
public struct TCPFlags: OptionSet, Hashable, Sendable {
    public var rawValue: UInt16
    @inlinable public init(rawValue: UInt16) { self.rawValue = rawValue }

    public static let fin = TCPFlags(rawValue: 0x001)
    public static let syn = TCPFlags(rawValue: 0x002)
    public static let rst = TCPFlags(rawValue: 0x004)
    public static let psh = TCPFlags(rawValue: 0x008)
    public static let ack = TCPFlags(rawValue: 0x010)
    public static let urg = TCPFlags(rawValue: 0x020)
    public static let ece = TCPFlags(rawValue: 0x040)
    public static let cwr = TCPFlags(rawValue: 0x080)
    public static let ns = TCPFlags(rawValue: 0x100)
}

/// The TCP options the analysis uses. SACK blocks beyond the first four are counted, not kept
/// (a 40-byte option space holds at most four).
@frozen
public struct TCPOptions: Sendable, Equatable {
    public var mss: UInt16?
    public var windowScale: UInt8?
    public var sackPermitted = false
    public var timestampValue: UInt32?
    public var timestampEcho: UInt32 = 0
    public var sackBlockCount: UInt8 = 0
    /// Left/right edges of up to four SACK blocks.
    public var sackBlocks: (UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32) = (0, 0, 0, 0, 0, 0, 0, 0)
    /// An option's length did not fit (Suricata's TCP_OPT_INVALID_LEN).
    public var malformed = false
    /// An option Wireshark's dissector gives up on (an exception): the frame shows no analysis.
    public var stopsWireshark = false

    @inlinable public init() {}

    public func sackBlock(_ index: Int) -> (left: UInt32, right: UInt32)? {
        guard index < min(Int(sackBlockCount), 4) else { return nil }
        switch index {
        case 0: return (sackBlocks.0, sackBlocks.1)
        case 1: return (sackBlocks.2, sackBlocks.3)
        case 2: return (sackBlocks.4, sackBlocks.5)
        default: return (sackBlocks.6, sackBlocks.7)
        }
    }

    mutating func setSackBlock(_ index: Int, left: UInt32, right: UInt32) {
        switch index {
        case 0: (sackBlocks.0, sackBlocks.1) = (left, right)
        case 1: (sackBlocks.2, sackBlocks.3) = (left, right)
        case 2: (sackBlocks.4, sackBlocks.5) = (left, right)
        default: (sackBlocks.6, sackBlocks.7) = (left, right)
        }
    }

    public static func == (a: TCPOptions, b: TCPOptions) -> Bool {
        a.mss == b.mss && a.windowScale == b.windowScale && a.sackPermitted == b.sackPermitted
            && a.timestampValue == b.timestampValue && a.timestampEcho == b.timestampEcho
            && a.sackBlockCount == b.sackBlockCount && a.malformed == b.malformed && a.stopsWireshark == b.stopsWireshark
            && (0..<4).allSatisfy { a.sackBlock($0)?.left == b.sackBlock($0)?.left && a.sackBlock($0)?.right == b.sackBlock($0)?.right }
    }
}

/// Where a TCP header was found. Wireshark gives all of them a stream, but analyzes only `normal`
/// ones, and its truth counts `quotedInICMPError` headers as ICMP, not as TCP frames.
public enum SegmentContext: UInt8, Sendable {
    case normal
    /// Quoted inside an ICMP or ICMPv6 error message.
    case quotedInICMPError
    /// The first fragment of a datagram Wireshark could not reassemble (not captured whole).
    case unreassembledFragment
    /// A packet header sampled by sFlow: dissected like a quoted header (`in_error_pkt`), no
    /// analysis, but the frame counts as a TCP frame.
    case sampledBySFlow

    /// Wireshark's `in_error_pkt`: a copy of some other packet (quoted or sampled), not this
    /// connection's own traffic. It takes a stream; it is never analysed.
    @inlinable @inline(__always) public var isCopy: Bool { self == .quotedInICMPError || self == .sampledBySFlow }
}

/// One TCP segment as the decoder found it: a small value, no bytes copied. `payload` points into the
/// record and is valid only while the record is.
@frozen
public struct TCPSegment {
    public var frame: Int
    public var timestamp: Int64
    public var interface: Int
    public var source: IPAddress
    public var destination: IPAddress
    public var sourcePort: UInt16
    public var destinationPort: UInt16
    public var sequence: UInt32
    public var acknowledgment: UInt32
    public var flags: TCPFlags
    public var window: UInt16
    /// The data offset in bytes (may be below 20 in a bogus header).
    public var headerLength: Int
    /// Payload bytes as the IP length says (`tcp.len`), whatever was captured.
    public var payloadLength: Int
    /// TCP bytes (header and payload) as the IP length says: Wireshark's reported length.
    public var tcpLength: Int
    /// TCP bytes actually captured.
    public var capturedTCPLength: Int
    public var context: SegmentContext
    public var ttl: UInt8
    /// IPv4 identification (0 for IPv6).
    public var ipID: UInt16
    public var options: TCPOptions
    /// The captured part of the header is shorter than the data offset says (snaplen).
    public var headerTruncated: Bool
    /// The data offset is below 20 or beyond the segment: Wireshark stops dissecting such a header.
    public var headerBogus: Bool
    /// The captured part of the payload.
    public var payload: ByteView
    /// The checksum was verified and is wrong (only with `--check-checksums`).
    public var checksumBad = false

    @inlinable public var isIPv6: Bool { source.isIPv6 }

    /// Every field zero or empty: what the decoder fills in.
    public static var blank: TCPSegment {
        TCPSegment(frame: 0, timestamp: 0, interface: 0,
                   source: IPAddress(ipv4: 0), destination: IPAddress(ipv4: 0), sourcePort: 0, destinationPort: 0,
                   sequence: 0, acknowledgment: 0, flags: [], window: 0, headerLength: 0, payloadLength: 0,
                   tcpLength: 0, capturedTCPLength: 0, context: .normal,
                   ttl: 0, ipID: 0, options: TCPOptions(), headerTruncated: false, headerBogus: false, payload: .empty)
    }


    /// Counts as a TCP frame in Wireshark's terms (not a header quoted in an ICMP error).
    @inlinable @inline(__always) public var isTCPFrame: Bool { context != .quotedInICMPError }

    /// The RST bit as Wireshark shows it: a header whose data offset is below 20 shows no flags.
    @inlinable @inline(__always) public var isReset: Bool { flags.contains(.rst) && headerLength >= 20 }
}

extension TCPSegment {
    /// A segment built in code (tests, generators): a complete 20-byte-plus-options header, fully
    /// captured, outside any tunnel or ICMP error.
    public init(frame: Int, timestamp: Int64, source: IPAddress, destination: IPAddress, sourcePort: UInt16,
                destinationPort: UInt16, sequence: UInt32, acknowledgment: UInt32, flags: TCPFlags, window: UInt16,
                payloadLength: Int = 0, options: TCPOptions = TCPOptions(), ttl: UInt8 = 64, ipID: UInt16 = 0,
                headerLength: Int = 20, interface: Int = 0) {
        self.frame = frame
        self.timestamp = timestamp
        self.interface = interface
        self.source = source
        self.destination = destination
        self.sourcePort = sourcePort
        self.destinationPort = destinationPort
        self.sequence = sequence
        self.acknowledgment = acknowledgment
        self.flags = flags
        self.window = window
        self.headerLength = headerLength
        self.payloadLength = payloadLength
        self.tcpLength = headerLength + payloadLength
        self.capturedTCPLength = headerLength + payloadLength
        self.context = .normal
        self.ttl = ttl
        self.ipID = ipID
        self.options = options
        self.headerTruncated = false
        self.headerBogus = headerLength < 20
        self.payload = .empty
    }
}
