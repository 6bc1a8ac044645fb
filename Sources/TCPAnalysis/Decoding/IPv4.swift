import PacketCore

///     0                   1                   2                   3
///     0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
///    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
///    |Version|  IHL  |Type of Service|          Total Length         |
///    |         Identification        |Flags|      Fragment Offset    |
///    |  Time to Live |    Protocol   |         Header Checksum       |
///    |                       Source Address                          |
///    |                    Destination Address                        |
///    |                    Options (IHL > 5)                          |
///    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
struct IPv4Header {
    var headerLength: Int
    /// The total length as announced (the frame's own length when TSO left it 0).
    var totalLength: Int
    /// Bytes of payload the header announces, bounded by what was on the wire.
    var payloadLength: Int
    var protocolNumber: UInt8
    var ttl: UInt8
    var identification: UInt16
    var isFragment: Bool
    var moreFragments: Bool
    /// Fragment offset in bytes.
    var fragmentOffset: Int
    var source: UInt32
    var destination: UInt32

    /// Parses the header at the start of `bytes`; `wireLength` is how many bytes of the frame from
    /// here were on the wire. Returns the weird when the header is unusable (Wireshark stops there).
    static func parse(_ bytes: ByteView, wireLength: Int) -> Result<IPv4Header, DecodeWeird> {
        guard bytes.has(20) else { return .failure(.truncatedIPv4Header) }
        let versionAndLength = bytes.u8(0)
        guard versionAndLength >> 4 == 4 else { return .failure(.badIPVersion) }
        let headerLength = Int(versionAndLength & 0x0F) * 4
        guard headerLength >= 20 else { return .failure(.badIPv4HeaderLength) }
        guard bytes.has(headerLength) else { return .failure(.truncatedIPv4Header) }
        var totalLength = Int(bytes.u16be(2))
        if totalLength == 0 {
            // TSO/GRO: the NIC fills the length in later; the frame's own length is the datagram's.
            totalLength = wireLength
        } else if totalLength < headerLength {
            return .failure(.ipv4TotalLengthTooSmall)
        }
        var destination = bytes.u32be(16)
        if headerLength > 20 {
            let options = bytes.slice(20, headerLength - 20)
            if let weird = checkOptions(options) { return .failure(weird) }
            // Wireshark takes a source-routed datagram's final destination, the last address of
            // the route, as its destination (so conversations key on it).
            if let routed = sourceRouteDestination(options) { destination = routed }
        }
        let fragment = bytes.u16be(6)
        return .success(IPv4Header(
            headerLength: headerLength,
            totalLength: totalLength,
            payloadLength: min(totalLength, wireLength) - headerLength,
            protocolNumber: bytes.u8(9),
            ttl: bytes.u8(8),
            identification: bytes.u16be(4),
            isFragment: fragment & 0x3FFF != 0,  // more-fragments set, or a non-zero offset
            moreFragments: fragment & 0x2000 != 0,
            fragmentOffset: Int(fragment & 0x1FFF) * 8,
            source: bytes.u32be(12),
            destination: destination))
    }
}

extension IPv4Header {
    /// The shortest length (type and length bytes included) each option Wireshark dissects can have
    /// without its dissector reading past the option (the option's tvb ends at its length): that
    /// throws, and the whole IPv4 dissection stops ("Malformed Packet: IPv4"), so no TCP is seen.
    /// From the ip.option dissectors of packet-ip.c: security (RFC 1108 layout) and extended
    /// security read byte 2; the routes and record route their pointer; the timestamp its pointer and
    /// flags; CIPSO a 4-byte DOI; stream ID, MTU probe/reply and router alert 2 bytes at 2;
    /// traceroute 10 bytes at 2; quick-start its function, and for a request or a report 8 bytes.
    static func minimumOptionLength(_ type: UInt8, quickStartFunction: UInt8) -> Int? {
        switch type {
        case 130, 133: return 3       // security, extended security
        case 7, 131, 137: return 3    // record route, loose and strict source route
        case 68: return 4             // timestamp
        case 134: return 6            // CIPSO
        case 136, 11, 12, 148: return 4  // stream identifier, MTU probe / reply, router alert
        case 82: return 12            // traceroute
        case 25: return quickStartFunction == 0 || quickStartFunction == 8 ? 8 : 3  // quick-start
        default: return nil
        }
    }

    /// The last address of a loose or strict source route option, if there is one.
    static func sourceRouteDestination(_ options: ByteView) -> UInt32? {
        var offset = 0
        while offset < options.count {
            let type = options.u8(offset)
            if type == 0 { return nil }
            if type == 1 { offset += 1; continue }
            guard options.has(2, at: offset) else { return nil }
            let length = Int(options.u8(offset + 1))
            guard length >= 2, options.has(length, at: offset) else { return nil }
            if (type == 131 || type == 137) && length >= 7 { return options.u32be(offset + length - 4) }
            offset += length
        }
        return nil
    }

    /// The weird for an option list Wireshark would reject, nil when it is acceptable.
    static func checkOptions(_ options: ByteView) -> DecodeWeird? {
        var offset = 0
        while offset < options.count {
            let type = options.u8(offset)
            if type == 0 { return nil }          // end of options
            if type == 1 { offset += 1; continue }  // no-operation
            guard options.has(2, at: offset) else { return nil }
            let length = Int(options.u8(offset + 1))
            guard length >= 2, options.has(length, at: offset) else { return nil }  // Wireshark stops quietly
            let quickStartFunction = length > 2 ? options.u8(offset + 2) >> 4 : 0
            if let minimum = minimumOptionLength(type, quickStartFunction: quickStartFunction), length < minimum {
                return .ipv4OptionBadLength
            }
            offset += length
        }
        return nil
    }
}
